package dev.fileanalysis.server.directory;

import static dev.fileanalysis.server.directory.DirectoryTable.bool;
import static dev.fileanalysis.server.directory.DirectoryTable.item;
import static dev.fileanalysis.server.directory.DirectoryTable.n;
import static dev.fileanalysis.server.directory.DirectoryTable.num;
import static dev.fileanalysis.server.directory.DirectoryTable.s;
import static dev.fileanalysis.server.directory.DirectoryTable.str;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.fileanalysis.server.directory.DirectoryStore.IssuedSession;
import dev.fileanalysis.server.refusal.InvalidRequestException;
import dev.fileanalysis.server.refusal.NotSignedInException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Sign-in sessions and their rotating refresh tokens, {@code <sessionId>.<secret>}.
 *
 * <p>Only SHA-256 of a secret is stored, so a copy of the table lets nobody refresh. Each refresh
 * replaces the secret with a write conditional on the hash it replaces, so of two refreshes with
 * the same secret only one succeeds. Hashes of replaced secrets are kept (the latest
 * {@value #REMEMBERED}): a replaced secret presented again means the token was copied, so the
 * session is ended for everyone holding it. A secret that never belonged to the session is refused
 * without ending it, or anyone who saw a session id could sign its owner out.
 */
final class RefreshSessions {

    private static final String SESSION = "SESSION";
    private static final int REMEMBERED = 100;
    private static final Pattern TOKEN = Pattern.compile("(session-[0-9a-f-]{36})\\.([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DirectoryTable table;
    private final Clock clock;

    RefreshSessions(DirectoryTable table, Clock clock) {
        this.table = table;
        this.clock = clock;
    }

    private record Presented(String sessionId, String hash) {
    }

    IssuedSession create(String userId, String orgId, Duration lifetime) {
        requirePositive(lifetime);
        String sessionId = "session-" + UUID.randomUUID();
        String secret = newSecret();
        Instant now = clock.instant();
        Map<String, AttributeValue> session = item(key(sessionId), SESSION, null);
        session.put("user", s(userId));
        session.put("organisation", s(orgId));
        session.put("refresh_hash", s(hash(secret)));
        session.put("previous_hashes", AttributeValue.builder().l(List.of()).build());
        session.put("revoked", DirectoryTable.bool(false));
        session.put("created", s(now.toString()));
        putExpiry(session, now.plus(lifetime));
        if (!table.put(session, "attribute_not_exists(#pk)", Map.of())) {
            throw new IllegalStateException("A new random session id " + sessionId + " is already taken");
        }
        return new IssuedSession(sessionId, userId, orgId, sessionId + "." + secret);
    }

    IssuedSession rotate(String refreshToken, String switchTo, Duration lifetime, String proposedNext) {
        requirePositive(lifetime);
        Presented presented = parse(refreshToken)
                .orElseThrow(() -> new NotSignedInException("The refresh token is malformed; sign in again."));
        String proposedSecret = null;
        if (proposedNext != null) {
            var proposal = TOKEN.matcher(proposedNext.trim());
            if (!proposal.matches() || !proposal.group(1).equals(presented.sessionId())) {
                throw new InvalidRequestException("next_refresh_token must be this session's id, a dot and 43 base64url characters "
                        + "(32 random bytes).");
            }
            proposedSecret = proposal.group(2);
        }
        Map<String, AttributeValue> session = table.get(key(presented.sessionId()), SESSION)
                .orElseThrow(() -> new NotSignedInException("The refresh token belongs to no session; sign in again."));
        requireLive(session);
        List<String> previous = previousHashes(session);
        if (proposedSecret != null && !previous.isEmpty() && matches(presented.hash(), previous.get(0))
                && matches(hash(proposedSecret), str(session, "refresh_hash"))) {
            // The very rotation that already happened, asked again because its answer was lost
            // (the client stopped before storing it): nothing changes, and the client learns
            // nothing it did not choose itself. A token presented again in any other request is reuse.
            return new IssuedSession(presented.sessionId(), str(session, "user"), str(session, "organisation"),
                    presented.sessionId() + "." + proposedSecret);
        }
        if (!matches(presented.hash(), str(session, "refresh_hash"))) {
            if (previous.stream().anyMatch(old -> matches(presented.hash(), old))) {
                end(presented.sessionId(), "reuse");
                throw new NotSignedInException("The refresh token was already used once, so a copy of it may be in other hands: "
                        + "the session has been ended; sign in again.");
            }
            throw new NotSignedInException("The refresh token does not match its session; sign in again.");
        }
        List<String> remembered = new ArrayList<>();
        remembered.add(presented.hash());
        remembered.addAll(previous.subList(0, Math.min(previous.size(), REMEMBERED - 1)));
        String secret = proposedSecret != null ? proposedSecret : newSecret();
        if (proposedSecret != null && (matches(hash(secret), presented.hash()) || previous.stream().anyMatch(old -> matches(hash(secret), old)))) {
            throw new InvalidRequestException("next_refresh_token must be new: it was this session's refresh token before.");
        }
        Instant now = clock.instant();
        Instant expires = now.plus(lifetime);
        String organisation = switchTo != null ? switchTo : str(session, "organisation");
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":new", s(hash(secret)), ":old", s(presented.hash()), ":previous", list(remembered),
                ":organisation", s(organisation), ":now", s(now.toString()), ":false", DirectoryTable.bool(false),
                ":expires", s(expires.toString()), ":expiresMs", n(expires.toEpochMilli()), ":ttl", n(ttl(expires))));
        values.put(":one", n(1));
        boolean rotated = table.update(key(presented.sessionId()), SESSION,
                "SET #refresh_hash = :new, #previous_hashes = :previous, #organisation = :organisation, #last_used = :now, "
                        + "#expires = :expires, #expires_ms = :expiresMs, #ttl = :ttl ADD #rotations :one",
                "#refresh_hash = :old AND #revoked = :false", values);
        if (!rotated) {
            // Someone refreshed with this very secret between our read and write: that is the
            // same secret used twice, the case rotation exists to catch.
            end(presented.sessionId(), "reuse");
            throw new NotSignedInException("The refresh token was used twice at the same moment, so a copy of it may be in "
                    + "other hands: the session has been ended; sign in again.");
        }
        return new IssuedSession(presented.sessionId(), str(session, "user"), organisation, presented.sessionId() + "." + secret);
    }

    /** The user of the session whose current refresh token this is, if it is live; reads only. */
    Optional<String> currentUser(String refreshToken) {
        return parse(refreshToken).flatMap(presented -> table.get(key(presented.sessionId()), SESSION)
                .filter(session -> matches(presented.hash(), str(session, "refresh_hash")))
                .filter(session -> !bool(session, "revoked") && num(session, "expires_ms") > clock.millis())
                .map(session -> str(session, "user")));
    }

    /** The session id a refresh token names, without looking it up. */
    static Optional<String> sessionIdOf(String refreshToken) {
        return parse(refreshToken).map(Presented::sessionId);
    }

    boolean isLive(String sessionId) {
        return table.get(key(sessionId), SESSION)
                .filter(session -> !bool(session, "revoked") && num(session, "expires_ms") > clock.millis())
                .isPresent();
    }

    /** Ends the session of a token that is or was its refresh token; anything else is ignored. */
    void revoke(String refreshToken) {
        Optional<Presented> presented = parse(refreshToken);
        if (presented.isEmpty()) {
            return;
        }
        table.get(key(presented.get().sessionId()), SESSION)
                .filter(session -> matches(presented.get().hash(), str(session, "refresh_hash"))
                        || previousHashes(session).stream().anyMatch(old -> matches(presented.get().hash(), old)))
                .ifPresent(session -> end(presented.get().sessionId(), "signed out"));
    }

    private void requireLive(Map<String, AttributeValue> session) {
        if (bool(session, "revoked")) {
            throw new NotSignedInException("The session has ended (" + str(session, "revoked_because") + "); sign in again.");
        }
        if (num(session, "expires_ms") <= clock.millis()) {
            throw new NotSignedInException("The session expired at " + str(session, "expires") + " after a period without use; "
                    + "sign in again.");
        }
    }

    private void end(String sessionId, String because) {
        table.update(key(sessionId), SESSION, "SET #revoked = :true, #revoked_because = :because, #revoked_at = :now",
                "attribute_exists(#pk) AND #revoked = :false", Map.of(":true", DirectoryTable.bool(true), ":false",
                        DirectoryTable.bool(false), ":because", s(because), ":now", s(clock.instant().toString())));
    }

    private static Optional<Presented> parse(String refreshToken) {
        if (refreshToken == null) {
            return Optional.empty();
        }
        var matcher = TOKEN.matcher(refreshToken.trim());
        return matcher.matches() ? Optional.of(new Presented(matcher.group(1), hash(matcher.group(2)))) : Optional.empty();
    }

    private static void putExpiry(Map<String, AttributeValue> session, Instant expires) {
        session.put("expires", s(expires.toString()));
        session.put("expires_ms", n(expires.toEpochMilli()));
        session.put("ttl", n(ttl(expires)));
    }

    /** Epoch seconds a week after expiry: on AWS, a TTL on this attribute clears dead sessions; nothing depends on it. */
    private static long ttl(Instant expires) {
        return expires.plus(Duration.ofDays(7)).getEpochSecond();
    }

    private static List<String> previousHashes(Map<String, AttributeValue> session) {
        AttributeValue list = session.get("previous_hashes");
        return list == null || !list.hasL() ? List.of() : list.l().stream().map(AttributeValue::s).toList();
    }

    private static AttributeValue list(List<String> hashes) {
        return AttributeValue.builder().l(hashes.stream().map(DirectoryTable::s).toList()).build();
    }

    private static String key(String sessionId) {
        return "SESSION#" + sessionId;
    }

    private static String newSecret() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    private static String hash(String secret) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    private static boolean matches(String hash, String stored) {
        return stored != null && MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII), stored.getBytes(StandardCharsets.US_ASCII));
    }

    private static void requirePositive(Duration lifetime) {
        if (lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("A session lifetime must be positive, got " + lifetime);
        }
    }
}
