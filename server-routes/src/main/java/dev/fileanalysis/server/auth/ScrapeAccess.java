package dev.fileanalysis.server.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.regex.Pattern;

import dev.fileanalysis.server.refusal.NotPermittedException;
import dev.fileanalysis.server.refusal.NotSignedInException;

/**
 * Who may read {@code /metrics} (the rule {@code scraper} of openapi.yaml): its figures (how much
 * work waits, per version; each operation's traffic) are the operator's, not the internet's.
 *
 * <p>Without a scrape token, only this machine: a request from a loopback address that no proxy
 * forwarded (a proxy on the same host would make every request of the internet look local). With
 * {@value #TOKEN_SETTING} set, a request from anywhere that bears it as
 * {@code Authorization: Bearer <token>}, and nothing else, loopback included. The token is compared
 * in constant time (as SHA-256 digests, so neither its content nor its length shows in the timing).
 */
public final class ScrapeAccess {

    public static final String TOKEN_SETTING = "server.metrics-token";

    /** The headers a reverse proxy adds to say whom it forwards (RFC 7239 and the customary ones). */
    public static final List<String> FORWARDING_HEADERS = List.of("Forwarded", "X-Forwarded-For", "X-Real-IP");

    /** What an IP address literal may consist of (IPv4, IPv6, a zone id): nothing that would be looked up by name. */
    private static final Pattern ADDRESS_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+(%[0-9A-Za-z._-]+)?");

    private final byte[] tokenDigest;

    private ScrapeAccess(byte[] tokenDigest) {
        this.tokenDigest = tokenDigest;
    }

    /** Scrapes with {@code token} from anywhere, or from this machine only when it is null or blank. */
    public static ScrapeAccess withToken(String token) {
        return new ScrapeAccess(token == null || token.isBlank() ? null : sha256(token.trim()));
    }

    /**
     * Lets the request through or refuses it with a sentence saying what would let it in.
     *
     * @param authorization the request's Authorization header (null when it had none)
     * @param remoteAddress the IP address the connection comes from (null when unknown)
     * @param forwarded     whether the request carries a header a proxy adds ({@link #FORWARDING_HEADERS})
     * @throws NotSignedInException  (401) a token is required and was not sent, or is not the right one
     * @throws NotPermittedException (403) no token is configured, and the request does not come from this machine itself
     */
    public void check(String authorization, String remoteAddress, boolean forwarded) {
        if (tokenDigest != null) {
            if (authorization == null || authorization.isBlank()) {
                throw new NotSignedInException("/metrics needs the scrape token: send 'Authorization: Bearer <the value of "
                        + TOKEN_SETTING + ">'.");
            }
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                    || !MessageDigest.isEqual(tokenDigest, sha256(authorization.substring(7).trim()))) {
                throw new NotSignedInException("That is not this server's scrape token (" + TOKEN_SETTING
                        + "); /metrics stays closed.");
            }
            return;
        }
        if (forwarded) {
            throw new NotPermittedException("/metrics does not answer a request a proxy forwarded (it carries "
                    + String.join(", ", FORWARDING_HEADERS) + ") unless a scrape token is set: set " + TOKEN_SETTING
                    + " and send it as 'Authorization: Bearer <token>'.");
        }
        if (!isLoopback(remoteAddress)) {
            throw new NotPermittedException("/metrics answers only requests from this machine (loopback); to scrape it from "
                    + "elsewhere, set " + TOKEN_SETTING + " and send it as 'Authorization: Bearer <token>'.");
        }
    }

    private static boolean isLoopback(String address) {
        if (address == null || !ADDRESS_LITERAL.matcher(address).matches()) {
            return false;
        }
        try {
            // a literal: parsed, never resolved
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
    }
}
