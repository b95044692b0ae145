package dev.fileanalysis.server.auth;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fileanalysis.server.ErrorResponses;
import dev.fileanalysis.server.refusal.RefusalException;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Who may read /metrics. Without a scrape token, this machine only: the connection's own loopback
 * address, never a name, never a request a proxy forwarded. With one, its bearer from anywhere and
 * nobody else. (Over HTTP, from loopback, ServerMetricsIT; no other address can reach a test here.)
 */
class ScrapeAccessTest {

    private final ScrapeAccess loopbackOnly = ScrapeAccess.withToken("");
    private final ScrapeAccess withToken = ScrapeAccess.withToken("s3cret-scrape-token");

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"})
    void withoutATokenThisMachinesLoopbackIsLetIn(String address) {
        assertThatCode(() -> loopbackOnly.check(null, address, false)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"203.0.113.7", "10.0.0.5", "192.168.1.20", "2001:db8::1", "localhost", "127.0.0.1.example.com"})
    void withoutATokenAnyOtherAddressOrANameIsRefused403SayingHowToLetAScraperIn(String address) {
        assertRefused(() -> loopbackOnly.check(null, address, false), 403)
                .hasMessage("/metrics answers only requests from this machine (loopback); to scrape it from elsewhere, set "
                        + "server.metrics-token and send it as 'Authorization: Bearer <token>'.");
    }

    @Test
    void withoutATokenAnUnknownAddressIsRefused() {
        assertRefused(() -> loopbackOnly.check(null, null, false), 403).hasMessageContaining("only requests from this machine");
    }

    @Test
    void withoutATokenARequestAProxyForwardedIsRefusedEvenFromLoopback() {
        assertRefused(() -> loopbackOnly.check(null, "127.0.0.1", true), 403)
                .hasMessage("/metrics does not answer a request a proxy forwarded (it carries Forwarded, X-Forwarded-For, "
                        + "X-Real-IP) unless a scrape token is set: set server.metrics-token and send it as "
                        + "'Authorization: Bearer <token>'.");
    }

    @Test
    void withATokenItsBearerIsLetInFromAnywhereThroughAnyProxy() {
        assertThatCode(() -> withToken.check("Bearer s3cret-scrape-token", "203.0.113.7", true)).doesNotThrowAnyException();
        assertThatCode(() -> withToken.check("bearer  s3cret-scrape-token ", "127.0.0.1", false)).doesNotThrowAnyException();
    }

    @Test
    void withATokenARequestWithoutItIsRefused401EvenFromLoopback() {
        assertRefused(() -> withToken.check(null, "127.0.0.1", false), 401)
                .hasMessage("/metrics needs the scrape token: send 'Authorization: Bearer <the value of server.metrics-token>'.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer s3cret-scrape-tokeN", "Bearer s3cret-scrape-token-and-more", "Bearer s3cret", "Bearer ",
            "Basic czNjcmV0LXNjcmFwZS10b2tlbg==", "s3cret-scrape-token"})
    void withATokenAnyOtherCredentialIsRefused401WithoutSayingWhatTheTokenIs(String authorization) {
        assertRefused(() -> withToken.check(authorization, "127.0.0.1", false), 401)
                .hasMessage("That is not this server's scrape token (server.metrics-token); /metrics stays closed.");
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(ThrowingCallable call, int status) {
        return assertThatThrownBy(call).isInstanceOf(RefusalException.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(ErrorResponses.statusOf((RefusalException) e))
                        .isEqualTo(status));
    }
}
