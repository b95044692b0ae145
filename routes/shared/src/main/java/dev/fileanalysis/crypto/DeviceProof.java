package dev.fileanalysis.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.SignatureException;

/**
 * Proof that the person signing in holds a device's private key, not just its public key: an
 * ECDSA-P256-SHA256 signature (hex DER, like a job's) over a statement naming the device and the
 * sign-in's nonce. The nonce is fresh and accepted once, so a proof cannot be replayed, and
 * without it anyone who learnt a device's public key could register it as theirs first and lock
 * its owner out.
 */
public final class DeviceProof {


    private DeviceProof() {
    }

    /** The bytes signed: what is being claimed, by which key, in which sign-in. */
    static byte[] statement(String clientId, String nonce) {
        return ("file-analysis-pipeline device registration\n" + clientId + "\n" + nonce).getBytes(StandardCharsets.UTF_8);
    }

    public static String sign(ClientKeyPair keys, String nonce) {
        try {
            Signature signer = P256.signature();
            signer.initSign(keys.privateKey(), P256.RANDOM);
            signer.update(statement(keys.publicKey().clientId(), nonce));
            return Hex.encode(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the crypto provider cannot sign with " + P256.SIGNATURE, e);
        }
    }

    /** True only when the device's own key signed this statement for this nonce. */
    public static boolean isValid(String clientId, String nonce, String signatureHex) {
        try {
            Signature verifier = P256.signature();
            verifier.initVerify(ClientPublicKey.fromClientId(clientId).ecPublicKey());
            verifier.update(statement(clientId, nonce));
            return verifier.verify(Hex.decode("device proof", signatureHex, -1));
        } catch (IllegalArgumentException | SignatureException malformed) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the crypto provider cannot verify " + P256.SIGNATURE, e);
        }
    }
}
