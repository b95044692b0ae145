package dev.fileanalysis.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;

/**
 * A client device's P-256 key pair. The private half never leaves this class except as
 * {@link #privateKeyHex()}, which exists only so {@link ClientKeyFile} can persist it.
 */
public final class ClientKeyPair {

    private static final byte[] PAIRING_PROBE = "client key pair check".getBytes(StandardCharsets.US_ASCII);

    private final ClientPublicKey publicKey;
    private final ECPrivateKey privateKey;

    private ClientKeyPair(ClientPublicKey publicKey, ECPrivateKey privateKey) {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
    }

    public static ClientKeyPair generate() {
        KeyPair pair = P256.generate();
        return new ClientKeyPair(ClientPublicKey.of((ECPublicKey) pair.getPublic()), (ECPrivateKey) pair.getPrivate());
    }

    /**
     * @param publicHex  130 hex characters, uncompressed SEC1 point
     * @param privateHex 64 hex characters, the big-endian scalar
     * @throws IllegalArgumentException if either is malformed or they are not halves of one pair
     */
    public static ClientKeyPair fromHex(String publicHex, String privateHex) {
        ClientPublicKey publicKey = ClientPublicKey.fromHex(publicHex);
        ECPrivateKey privateKey = P256.decodePrivate("private key", Hex.decode("private key", privateHex, P256.FIELD_BYTES));
        if (!signsFor(privateKey, publicKey.ecPublicKey())) {
            throw new IllegalArgumentException("private key does not belong to public key " + publicKey.clientId());
        }
        return new ClientKeyPair(publicKey, privateKey);
    }

    /*
     * The JDK exposes no scalar multiplication to derive d·G, and an ECDH against G gives only X
     * (so d and n-d would both pass); a signature that verifies is an exact test of the pairing.
     */
    private static boolean signsFor(ECPrivateKey privateKey, ECPublicKey publicKey) {
        try {
            Signature signer = P256.signature();
            signer.initSign(privateKey, P256.RANDOM);
            signer.update(PAIRING_PROBE);
            byte[] signature = signer.sign();
            Signature verifier = P256.signature();
            verifier.initVerify(publicKey);
            verifier.update(PAIRING_PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the crypto provider cannot sign with SHA256withECDSA", e);
        }
    }

    public ClientPublicKey publicKey() {
        return publicKey;
    }

    /** 64 lowercase hex characters. Treat as a secret: write it only to a 0600 key file. */
    public String privateKeyHex() {
        return Hex.encode(P256.encodePrivate(privateKey));
    }

    ECPrivateKey privateKey() {
        return privateKey;
    }

    /** Never prints the private key, so logging a key pair is harmless. */
    @Override
    public String toString() {
        return "ClientKeyPair[" + publicKey.clientId() + "]";
    }
}
