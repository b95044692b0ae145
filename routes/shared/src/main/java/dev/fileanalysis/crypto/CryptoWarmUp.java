package dev.fileanalysis.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.fileanalysis.model.Job;

/**
 * Runs every P-256 operation once on throwaway keys as a role starts: signs and verifies a job,
 * encrypts and decrypts a result. A role's first real job then does not pay for loading the
 * crypto provider and running its code cold. A processor claims a job only once chunk 0 has
 * landed, and on a busy 2-core machine that start-up cost (about a second) fell straight on the
 * time to the engine's first byte. It doubles as a self-check of the provider.
 */
public final class CryptoWarmUp {

    private CryptoWarmUp() {
    }

    public static void run() {
        ClientKeyPair throwaway = ClientKeyPair.generate();
        Job job = JobSignature.sign(Job.unsigned("job-00000000-0000-4000-8000-000000000000", "1.0.0",
                "2026-01-01T00:00:00.000Z", "bucket", "region", "file-00000000-0000-4000-8000-000000000000",
                throwaway.publicKey().clientId()), throwaway);
        if (!JobSignature.isValid(job)) {
            throw new IllegalStateException("the crypto provider failed its own sign-and-verify check");
        }
        byte[] sample = "{}".getBytes(StandardCharsets.UTF_8);
        try {
            if (!Arrays.equals(ResultCipher.decrypt(ResultCipher.encrypt(sample, throwaway.publicKey()), throwaway), sample)) {
                throw new IllegalStateException("the crypto provider failed its own encrypt-and-decrypt check");
            }
        } catch (PayloadAuthenticationException e) {
            throw new IllegalStateException("the crypto provider failed its own encrypt-and-decrypt check", e);
        }
    }
}
