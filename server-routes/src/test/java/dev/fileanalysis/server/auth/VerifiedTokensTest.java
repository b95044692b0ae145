package dev.fileanalysis.server.auth;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VerifiedTokensTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private final MovableClock clock = new MovableClock(NOW);
    private final VerifiedTokens<String> tokens = new VerifiedTokens<>(clock, Duration.ofMinutes(1));

    @Test
    void aTokenIsRememberedUntilItExpires() {
        tokens.remember("token-a", "ada", NOW.plusSeconds(30));

        clock.advance(Duration.ofSeconds(29));
        assertThat(tokens.get("token-a")).isEqualTo("ada");
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.get("token-a")).as("expired").isNull();
        assertThat(tokens.size()).as("an expired token is dropped when asked for").isZero();
    }

    @Test
    void aLongLivedTokenIsRememberedForTheMaximumAgeOnly() {
        tokens.remember("token-a", "ada", NOW.plus(Duration.ofHours(1)));

        clock.advance(Duration.ofSeconds(59));
        assertThat(tokens.get("token-a")).isEqualTo("ada");
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.get("token-a")).as("checked in full again after a minute").isNull();
    }

    @Test
    void anUnknownOrAlreadyExpiredTokenIsNotRemembered() {
        tokens.remember("token-old", "ada", NOW.minusSeconds(1));

        assertThat(tokens.get("token-old")).isNull();
        assertThat(tokens.get("token-never-seen")).isNull();
        assertThat(tokens.size()).isZero();
    }

    @Test
    void memoryStaysBoundedHoweverManyTokensAreSeen() {
        for (int i = 0; i < 3 * VerifiedTokens.MAX_TOKENS; i++) {
            tokens.remember("token-" + i, "user-" + i, NOW.plusSeconds(30));
        }

        assertThat(tokens.size()).isLessThanOrEqualTo(VerifiedTokens.MAX_TOKENS);
        String last = "token-" + (3 * VerifiedTokens.MAX_TOKENS - 1);
        assertThat(tokens.get(last)).isEqualTo("user-" + (3 * VerifiedTokens.MAX_TOKENS - 1));
    }
}
