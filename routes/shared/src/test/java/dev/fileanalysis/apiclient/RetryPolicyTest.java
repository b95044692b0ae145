package dev.fileanalysis.apiclient;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonParseException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {

    private final RetryPolicy quick = new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(4), Duration.ofSeconds(30));

    @Test
    void passingFailuresAreRetriedUntilTheCallSucceeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String answer = quick.run("test call", () -> {
            int call = calls.incrementAndGet();
            if (call == 1) {
                throw new ConnectException("Connection refused");
            }
            if (call == 2) {
                throw new ServerCallException(503, "restarting");
            }
            if (call == 3) {
                throw new ServerCallException(429, "slow down");
            }
            return "ok";
        });
        assertThat(answer).isEqualTo("ok");
        assertThat(calls).hasValue(4);
    }

    @Test
    void refusalsAreNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> quick.run("test call", () -> {
            calls.incrementAndGet();
            throw new ServerCallException(409, "not yours");
        })).isInstanceOf(ServerCallException.class).hasMessage("not yours");
        assertThat(calls).hasValue(1);
    }

    @Test
    void anUnreadableAnswerIsNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> quick.run("test call", () -> {
            calls.incrementAndGet();
            throw new JsonParseException(null, "garbage");
        })).isInstanceOf(JsonParseException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void theLastFailureIsRethrownOnceTheBudgetIsSpent() {
        RetryPolicy brief = new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(50));
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> brief.run("test call", () -> {
            throw new IOException("down #" + calls.incrementAndGet());
        })).isInstanceOf(IOException.class).hasMessageStartingWith("down #");
        assertThat(calls.get()).isGreaterThan(1);
    }
}
