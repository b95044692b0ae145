package dev.fileanalysis.crypto;

import java.security.interfaces.ECPublicKey;

/**
 * A client device's P-256 public key: the identity that signs jobs and the recipient of their
 * results. Only points on the curve get in, so holders never re-check.
 */
public final class ClientPublicKey {

    static final String CLIENT_ID_PREFIX = "client-";
    static final int HEX_LENGTH = 2 * P256.POINT_BYTES;

    private final ECPublicKey key;
    private final String hex;

    private ClientPublicKey(ECPublicKey key, String hex) {
        this.key = key;
        this.hex = hex;
    }

    /** @param hex 130 lowercase hex characters of the uncompressed SEC1 point {@code 04 || X || Y} */
    public static ClientPublicKey fromHex(String hex) {
        return fromHex("client public key", hex);
    }

    /** @param clientId {@code "client-"} followed by the 130-hex public key, as jobs and results carry it */
    public static ClientPublicKey fromClientId(String clientId) {
        if (clientId == null) {
            throw new IllegalArgumentException("client id is missing");
        }
        if (!clientId.startsWith(CLIENT_ID_PREFIX)) {
            throw new IllegalArgumentException("client id must start with '" + CLIENT_ID_PREFIX + "'");
        }
        return fromHex("client id's public key", clientId.substring(CLIENT_ID_PREFIX.length()));
    }

    static ClientPublicKey fromHex(String what, String hex) {
        byte[] encoded = Hex.decode(what, hex, P256.POINT_BYTES);
        return new ClientPublicKey(P256.decodePoint(what, encoded), hex);
    }

    static ClientPublicKey of(ECPublicKey key) {
        return new ClientPublicKey(key, Hex.encode(P256.encodePoint(key)));
    }

    public String hex() {
        return hex;
    }

    public String clientId() {
        return CLIENT_ID_PREFIX + hex;
    }

    ECPublicKey ecPublicKey() {
        return key;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClientPublicKey that && hex.equals(that.hex);
    }

    @Override
    public int hashCode() {
        return hex.hashCode();
    }

    @Override
    public String toString() {
        return clientId();
    }
}
