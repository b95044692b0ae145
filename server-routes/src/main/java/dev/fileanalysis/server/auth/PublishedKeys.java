package dev.fileanalysis.server.auth;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;

/**
 * The signing keys OIDC providers publish, one cached nimbus {@link JWKSource} per JWKS URL.
 *
 * <p>Each source caches the key set, and refetches it when a token names a key id it does not hold
 * (that is how a provider's key rotation reaches us without a restart). The rate limit bounds
 * those refetches to two per 30 s per URL, so tokens with made-up key ids cannot turn this server
 * into a tool for hammering Google or Microsoft.
 */
final class PublishedKeys {

    private static final Duration CACHE_TIME_TO_LIVE = Duration.ofMinutes(15);
    private static final Duration CACHE_REFRESH_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration RATE_LIMIT_INTERVAL = Duration.ofSeconds(30);
    // nimbus' defaults (500 ms, 50 KB) are tight for a cold TLS connection to a provider across
    // the internet, and Microsoft's key set with its certificate chains is not small.
    private static final int HTTP_TIMEOUT_MS = 5_000;
    private static final int HTTP_SIZE_LIMIT = 512 * 1024;
    // Multi-tenant providers get one source per tenant; the bound keeps tokens naming random
    // tenants from growing this map without end (an evicted tenant simply refetches).
    private static final int MAX_SOURCES = 256;

    private final Map<String, JWKSource<SecurityContext>> sources = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JWKSource<SecurityContext>> eldest) {
            return size() > MAX_SOURCES;
        }
    };

    synchronized JWKSource<SecurityContext> at(String jwksUrl) {
        return sources.computeIfAbsent(jwksUrl, PublishedKeys::build);
    }

    private static JWKSource<SecurityContext> build(String jwksUrl) {
        URL url;
        try {
            url = URI.create(jwksUrl).toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Not a JWKS URL: " + jwksUrl, e);
        }
        return JWKSourceBuilder.<SecurityContext>create(url,
                        new DefaultResourceRetriever(HTTP_TIMEOUT_MS, HTTP_TIMEOUT_MS, HTTP_SIZE_LIMIT))
                .cache(CACHE_TIME_TO_LIVE.toMillis(), CACHE_REFRESH_TIMEOUT.toMillis())
                .rateLimited(RATE_LIMIT_INTERVAL.toMillis())
                .retrying(true)
                .build();
    }
}
