package dev.fileanalysis.crypto;

import dev.fileanalysis.model.Job;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.SignatureException;

/**
 * Signs a job's identity with its client's key and checks that signature, byte for byte as the
 * original Node implementation does: DER ECDSA-P256-SHA256 over the UTF-8 bytes of
 * {@code JSON.stringify({id, version, created, bucket, region, file, client})}.
 *
 * <p>Verification uses the key named by the job's own {@code client} field, so a job cannot be
 * re-pointed at another device without that device's private key: results are encrypted to the
 * key that signed.
 */
public final class JobSignature {

    private JobSignature() {
    }

    /**
     * The exact bytes that are signed. Each field is written with JSON.stringify's escaping, not
     * Jackson's, because any difference (Jackson escapes U+2028, for one) would break interop.
     *
     * @throws IllegalArgumentException naming the first signed field that is null
     */
    public static byte[] signedBytes(Job job) {
        if (job == null) {
            throw new IllegalArgumentException("job is missing");
        }
        StringBuilder json = new StringBuilder(256);
        json.append('{');
        field(json, "id", job.id());
        field(json, "version", job.version());
        field(json, "created", job.created());
        field(json, "bucket", job.bucket());
        field(json, "region", job.region());
        field(json, "file", job.file());
        field(json, "client", job.client());
        json.setCharAt(json.length() - 1, '}');
        // Lone surrogates were escaped to ASCII above, so this encoding is lossless.
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void field(StringBuilder json, String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException("job field '" + name + "' is missing; all of id, version, created, "
                    + "bucket, region, file and client are signed");
        }
        json.append('"').append(name).append("\":");
        JsonStringify.quote(json, value);
        json.append(',');
    }

    /**
     * @return {@code unsigned} with {@code signature} set; every other field is kept as is
     * @throws IllegalArgumentException if a signed field is null or the job names another client
     */
    public static Job sign(Job unsigned, ClientKeyPair keys) {
        if (keys == null) {
            throw new IllegalArgumentException("key pair is missing");
        }
        byte[] message = signedBytes(unsigned);
        if (!keys.publicKey().clientId().equals(unsigned.client())) {
            throw new IllegalArgumentException("job " + unsigned.id() + " names client " + unsigned.client()
                    + " but the signing key is " + keys.publicKey().clientId());
        }
        try {
            Signature signer = P256.signature();
            signer.initSign(keys.privateKey(), P256.RANDOM);
            signer.update(message);
            return unsigned.withSignature(Hex.encode(signer.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the crypto provider cannot sign with " + P256.SIGNATURE, e);
        }
    }

    /** @throws JobSignatureException naming the job and what failed, unless the job's own client signed it */
    public static void verify(Job job) throws JobSignatureException {
        if (job == null) {
            throw new JobSignatureException("no job to verify");
        }
        String name = "job " + (job.id() == null ? "(without id)" : job.id());
        if (job.signature() == null || job.signature().isEmpty()) {
            throw new JobSignatureException(name + ": missing signature");
        }
        byte[] message;
        try {
            message = signedBytes(job);
        } catch (IllegalArgumentException e) {
            throw new JobSignatureException(name + ": " + e.getMessage(), e);
        }
        ClientPublicKey client;
        try {
            client = ClientPublicKey.fromClientId(job.client());
        } catch (IllegalArgumentException e) {
            throw new JobSignatureException(name + ": malformed client key: " + e.getMessage(), e);
        }
        byte[] signature;
        try {
            signature = Hex.decode("signature", job.signature(), -1);
        } catch (IllegalArgumentException e) {
            throw new JobSignatureException(name + ": malformed signature: " + e.getMessage(), e);
        }
        boolean valid;
        try {
            Signature verifier = P256.signature();
            verifier.initVerify(client.ecPublicKey());
            verifier.update(message);
            valid = verifier.verify(signature);
        } catch (SignatureException e) {
            throw new JobSignatureException(name + ": malformed signature: not a DER-encoded ECDSA signature", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the crypto provider cannot verify " + P256.SIGNATURE, e);
        }
        if (!valid) {
            throw new JobSignatureException(name + ": signature does not match the job's signed fields and client "
                    + "key (a signed field was changed, or another key signed it)");
        }
    }

    public static boolean isValid(Job job) {
        try {
            verify(job);
            return true;
        } catch (JobSignatureException e) {
            return false;
        }
    }
}
