package dev.fileanalysis.server.auth;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExpiringCacheTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private final MovableClock clock = new MovableClock(NOW);
    private final ExpiringCache<String, String> tokens = new ExpiringCache<>(clock, Duration.ofMinutes(1));

    @Test
    void aTokenIsRememberedUntilItExpires() {
        tokens.put("token-a", "ada", NOW.plusSeconds(30));

        clock.advance(Duration.ofSeconds(29));
        assertThat(tokens.get("token-a")).isEqualTo("ada");
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.get("token-a")).as("expired").isNull();
        assertThat(tokens.size()).as("an expired token is dropped when asked for").isZero();
    }

    @Test
    void aLongLivedTokenIsRememberedForTheMaximumAgeOnly() {
        tokens.put("token-a", "ada", NOW.plus(Duration.ofHours(1)));

        clock.advance(Duration.ofSeconds(59));
        assertThat(tokens.get("token-a")).isEqualTo("ada");
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.get("token-a")).as("checked in full again after a minute").isNull();
    }

    @Test
    void anUnknownOrAlreadyExpiredTokenIsNotRemembered() {
        tokens.put("token-old", "ada", NOW.minusSeconds(1));

        assertThat(tokens.get("token-old")).isNull();
        assertThat(tokens.get("token-never-seen")).isNull();
        assertThat(tokens.size()).isZero();
    }

    @Test
    void anAnswerIsKeptForTheMaximumAgeAndAskedAgainAfterIt() {
        ExpiringCache<String, String> roles = new ExpiringCache<>(clock, Duration.ofSeconds(5));
        int[] asked = {0};

        assertThat(roles.get("org/ada", key -> "admin-" + ++asked[0])).isEqualTo("admin-1");
        clock.advance(Duration.ofSeconds(4));
        assertThat(roles.get("org/ada", key -> "admin-" + ++asked[0])).as("kept").isEqualTo("admin-1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(roles.get("org/ada", key -> "admin-" + ++asked[0])).as("asked again").isEqualTo("admin-2");
        roles.forget("org/ada");
        assertThat(roles.get("org/ada", key -> "admin-" + ++asked[0])).as("forgotten, asked again").isEqualTo("admin-3");
    }

    @Test
    void aZeroMaximumAgeKeepsNothing() {
        ExpiringCache<String, String> roles = new ExpiringCache<>(clock, Duration.ZERO);
        int[] asked = {0};

        roles.get("org/ada", key -> "admin-" + ++asked[0]);
        roles.get("org/ada", key -> "admin-" + ++asked[0]);
        assertThat(asked[0]).isEqualTo(2);
        assertThat(roles.size()).isZero();
    }

    @Test
    void memoryStaysBoundedHoweverManyTokensAreSeen() {
        for (int i = 0; i < 3 * ExpiringCache.MAX_ENTRIES; i++) {
            tokens.put("token-" + i, "user-" + i, NOW.plusSeconds(30));
        }

        assertThat(tokens.size()).isLessThanOrEqualTo(ExpiringCache.MAX_ENTRIES);
        String last = "token-" + (3 * ExpiringCache.MAX_ENTRIES - 1);
        assertThat(tokens.get(last)).isEqualTo("user-" + (3 * ExpiringCache.MAX_ENTRIES - 1));
    }
}
