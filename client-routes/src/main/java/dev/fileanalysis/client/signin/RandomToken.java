package dev.fileanalysis.client.signin;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable values for a sign-in's state, nonce and PKCE verifier: 256 bits, base64url without padding. */
public final class RandomToken {

    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomToken() {
    }

    public static String next() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
