package dev.fileanalysis.crypto;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The P-256 curve, its operations, and the SEC1 encoding Node uses on the wire.
 *
 * <p>Signing, verifying, key generation and ECDH run on BouncyCastle's provider, passed
 * explicitly (it is not installed for the whole JVM, so no other library's choice changes).
 * Every job is signed by its client and verified by the server and again by its processor, and
 * every result costs a key generation and two key agreements: on this project's 2-core machine
 * the JDK 17 provider took 0.7 ms per verification where BouncyCastle 1.81 takes 0.14 ms, and
 * profiling the small-files benchmark found verification the largest share of the server's work.
 */
final class P256 {

    /** The provider of every P-256 operation here. */
    static final Provider PROVIDER = new BouncyCastleProvider();
    /** The one signature scheme: ECDSA over SHA-256, DER-encoded (what Node's crypto.sign produces). */
    static final String SIGNATURE = "SHA256withECDSA";

    static final int FIELD_BYTES = 32;
    static final int POINT_BYTES = 1 + 2 * FIELD_BYTES;
    static final SecureRandom RANDOM = new SecureRandom();

    private static final ECParameterSpec PARAMS = loadParams();
    private static final BigInteger P = ((ECFieldFp) PARAMS.getCurve().getField()).getP();

    private P256() {
    }

    static ECParameterSpec params() {
        return PARAMS;
    }

    private static ECParameterSpec loadParams() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no P-256 (secp256r1) support", e);
        }
    }

    static Signature signature() throws GeneralSecurityException {
        return Signature.getInstance(SIGNATURE, PROVIDER);
    }

    static KeyAgreement keyAgreement() throws GeneralSecurityException {
        return KeyAgreement.getInstance("ECDH", PROVIDER);
    }

    static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", PROVIDER);
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the crypto provider cannot generate P-256 keys", e);
        }
    }

    /**
     * KeyFactory accepts any coordinates, and an off-curve point fed to ECDH can leak the private
     * key (invalid-curve attack), so the curve equation is checked here. P-256 has cofactor 1: every
     * point on the curve other than infinity (which SEC1 uncompressed form cannot express) is valid.
     */
    static ECPublicKey decodePoint(String what, byte[] encoded) {
        if (encoded.length != POINT_BYTES) {
            throw new IllegalArgumentException(what + " must be " + POINT_BYTES + " bytes, got " + encoded.length);
        }
        if (encoded[0] != 0x04) {
            throw new IllegalArgumentException(what + " must be an uncompressed SEC1 point starting with 04, got "
                    + String.format("%02x", encoded[0]));
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(encoded, 1, 1 + FIELD_BYTES));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(encoded, 1 + FIELD_BYTES, POINT_BYTES));
        if (x.compareTo(P) >= 0 || y.compareTo(P) >= 0) {
            throw new IllegalArgumentException(what + " has a coordinate outside the P-256 field");
        }
        BigInteger a = PARAMS.getCurve().getA();
        BigInteger b = PARAMS.getCurve().getB();
        BigInteger left = y.multiply(y).mod(P);
        BigInteger right = x.pow(3).add(a.multiply(x)).add(b).mod(P);
        if (!left.equals(right)) {
            throw new IllegalArgumentException(what + " is not a point on the P-256 curve");
        }
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC")
                    .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), PARAMS));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(what + " is rejected by the JDK: " + e.getMessage(), e);
        }
    }

    static byte[] encodePoint(ECPublicKey key) {
        byte[] out = new byte[POINT_BYTES];
        out[0] = 0x04;
        unsigned(key.getW().getAffineX(), out, 1);
        unsigned(key.getW().getAffineY(), out, 1 + FIELD_BYTES);
        return out;
    }

    static ECPrivateKey decodePrivate(String what, byte[] scalar) {
        BigInteger s = new BigInteger(1, scalar);
        if (s.signum() == 0 || s.compareTo(PARAMS.getOrder()) >= 0) {
            throw new IllegalArgumentException(what + " is outside the range of P-256 private keys [1, n-1]");
        }
        try {
            return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(s, PARAMS));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(what + " is rejected by the JDK: " + e.getMessage(), e);
        }
    }

    static byte[] encodePrivate(ECPrivateKey key) {
        byte[] out = new byte[FIELD_BYTES];
        unsigned(key.getS(), out, 0);
        return out;
    }

    /** Big-endian, left-padded to the field size, as Node and SEC1 write it. */
    private static void unsigned(BigInteger value, byte[] out, int offset) {
        byte[] raw = value.toByteArray();
        int start = raw.length > FIELD_BYTES ? raw.length - FIELD_BYTES : 0;
        int length = raw.length - start;
        System.arraycopy(raw, start, out, offset + FIELD_BYTES - length, length);
    }
}
