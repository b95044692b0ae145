package dev.fileanalysis.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What checking a bearer token found, remembered by the token's exact text until the token
 * expires (at most {@code maxAge}). Every API call carries a token and checking its ECDSA or RSA
 * signature costs the server about a millisecond of CPU (P-256 verification in the JDK), which was
 * the largest share of its work per call; the same bytes always verify the same way, so a token
 * seen a moment ago need not be checked again. Only tokens that passed are remembered: a token
 * altered in any byte is a different key and is checked in full. {@code maxAge} bounds how long a
 * token stays accepted after its signing key has been withdrawn from the issuer's key set.
 */
final class VerifiedTokens<V> {

    /** Tokens remembered at most; beyond it expired ones are dropped, and if none expired, all. */
    static final int MAX_TOKENS = 10_000;

    private record Verified<V>(V value, long untilMillis) {
    }

    private final ConcurrentHashMap<String, Verified<V>> tokens = new ConcurrentHashMap<>();
    private final Clock clock;
    private final long maxAgeMillis;

    VerifiedTokens(Clock clock, Duration maxAge) {
        this.clock = clock;
        this.maxAgeMillis = maxAge.toMillis();
    }

    /** What the token was found to say, or null when it was not verified recently or has expired since. */
    V get(String token) {
        Verified<V> known = tokens.get(token);
        if (known == null) {
            return null;
        }
        if (known.untilMillis() <= clock.millis()) {
            tokens.remove(token, known);
            return null;
        }
        return known.value();
    }

    /** Remembers a token that passed every check, until {@code expires} or for {@code maxAge}, whichever is sooner. */
    void remember(String token, V value, Instant expires) {
        long now = clock.millis();
        long until = Math.min(expires.toEpochMilli(), now + maxAgeMillis);
        if (until <= now) {
            return;
        }
        if (tokens.size() >= MAX_TOKENS) {
            tokens.values().removeIf(verified -> verified.untilMillis() <= now);
            if (tokens.size() >= MAX_TOKENS) {
                tokens.clear();
            }
        }
        tokens.put(token, new Verified<>(value, until));
    }

    int size() {
        return tokens.size();
    }
}
