package dev.fileanalysis.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts a result so only the client that signed the job can read it, in the wire format of the
 * original Node implementation: {@code ephemeralPublicKeyHex:ivHex:tagHex:ciphertextHex}, with
 * ECDH P-256 against a fresh ephemeral key, AES key = SHA-256(shared X), AES-256-GCM, no AAD.
 */
public final class ResultCipher {

    private static final int IV_BYTES = 12;
    private static final int TAG_BYTES = 16;

    private ResultCipher() {
    }

    public static String encrypt(byte[] plaintext, ClientPublicKey recipient) {
        if (plaintext == null) {
            throw new IllegalArgumentException("plaintext is missing");
        }
        if (recipient == null) {
            throw new IllegalArgumentException("recipient key is missing");
        }
        // A fresh ephemeral key per result, so one result's key never opens another.
        KeyPair ephemeral = P256.generate();
        byte[] iv = new byte[IV_BYTES];
        P256.RANDOM.nextBytes(iv);
        byte[] sealed;
        try {
            byte[] aesKey = aesKey(ephemeral.getPrivate(), recipient.ecPublicKey());
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new GCMParameterSpec(TAG_BYTES * 8, iv));
            Arrays.fill(aesKey, (byte) 0);
            sealed = cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the crypto providers cannot do ECDH P-256 with AES-256-GCM", e);
        }
        // The JDK appends the tag to the ciphertext; the wire format carries it as its own field.
        int ciphertextLength = sealed.length - TAG_BYTES;
        return Hex.encode(P256.encodePoint((ECPublicKey) ephemeral.getPublic()))
                + ':' + Hex.encode(iv)
                + ':' + Hex.encode(Arrays.copyOfRange(sealed, ciphertextLength, sealed.length))
                + ':' + Hex.encode(Arrays.copyOf(sealed, ciphertextLength));
    }

    /** @throws PayloadAuthenticationException if the payload is malformed, for another key, or tampered with */
    public static byte[] decrypt(String payload, ClientKeyPair keys) throws PayloadAuthenticationException {
        if (keys == null) {
            throw new IllegalArgumentException("key pair is missing");
        }
        if (payload == null) {
            throw new PayloadAuthenticationException("result payload is missing");
        }
        String[] parts = payload.split(":", -1);
        if (parts.length != 4) {
            throw new PayloadAuthenticationException("result payload must have 4 ':'-separated parts "
                    + "(ephemeralPublicKeyHex:ivHex:tagHex:ciphertextHex), got " + parts.length);
        }
        ClientPublicKey ephemeral;
        byte[] iv;
        byte[] tag;
        byte[] ciphertext;
        try {
            ephemeral = ClientPublicKey.fromHex("result payload's ephemeral public key", parts[0]);
            iv = Hex.decode("result payload's IV", parts[1], IV_BYTES);
            tag = Hex.decode("result payload's tag", parts[2], TAG_BYTES);
            ciphertext = Hex.decode("result payload's ciphertext", parts[3], -1);
        } catch (IllegalArgumentException e) {
            throw new PayloadAuthenticationException("malformed result payload: " + e.getMessage(), e);
        }
        byte[] sealed = Arrays.copyOf(ciphertext, ciphertext.length + TAG_BYTES);
        System.arraycopy(tag, 0, sealed, ciphertext.length, TAG_BYTES);
        try {
            byte[] aesKey = aesKey(keys.privateKey(), ephemeral.ecPublicKey());
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new GCMParameterSpec(TAG_BYTES * 8, iv));
            Arrays.fill(aesKey, (byte) 0);
            return cipher.doFinal(sealed);
        } catch (AEADBadTagException e) {
            throw new PayloadAuthenticationException("result payload failed authentication: it was tampered with "
                    + "or encrypted to a key other than " + keys.publicKey().clientId(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the crypto providers cannot do ECDH P-256 with AES-256-GCM", e);
        }
    }

    /** SHA-256 of the shared point's X coordinate, which is what Node's ecdh.computeSecret returns. */
    private static byte[] aesKey(PrivateKey own, ECPublicKey peer) throws GeneralSecurityException {
        KeyAgreement agreement = P256.keyAgreement();
        agreement.init(own);
        agreement.doPhase(peer, true);
        byte[] sharedX = agreement.generateSecret();
        try {
            return MessageDigest.getInstance("SHA-256").digest(sharedX);
        } finally {
            Arrays.fill(sharedX, (byte) 0);
        }
    }
}
