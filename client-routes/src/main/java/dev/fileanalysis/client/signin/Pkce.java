package dev.fileanalysis.client.signin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Proof Key for Code Exchange (RFC 7636) with the S256 method: the challenge travels in the
 * browser, the verifier only in the code exchange, so whoever intercepts the redirect's code
 * (another program listening on loopback) cannot redeem it.
 */
public final class Pkce {

    /** RFC 7636 section 4.1: 43 to 128 unreserved characters. */
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

    private final String verifier;
    private final String challenge;

    private Pkce(String verifier) {
        if (!VERIFIER.matcher(verifier).matches()) {
            throw new IllegalArgumentException("A PKCE code verifier is 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 4.1)");
        }
        this.verifier = verifier;
        this.challenge = s256(verifier);
    }

    /** A fresh verifier of 32 random bytes (43 base64url characters), as RFC 7636 recommends. */
    public static Pkce generate() {
        return new Pkce(RandomToken.next());
    }

    public static Pkce ofVerifier(String verifier) {
        return new Pkce(verifier);
    }

    public String verifier() {
        return verifier;
    }

    public String challenge() {
        return challenge;
    }

    public String method() {
        return "S256";
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Never prints the verifier: it is the secret half. */
    @Override
    public String toString() {
        return "Pkce[S256 " + challenge + "]";
    }
}
