package dev.fileanalysis.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/**
 * What the server found out a moment ago and may trust for a short while: a bearer token that
 * passed every check (checking an ECDSA or RSA signature costs about a millisecond of CPU, once
 * the largest share of a call's work, and the same bytes always verify the same way), a session
 * that is still live, a member's role. Nothing is kept longer than {@code maxAge}, which bounds
 * how long a withdrawn key, an ended session or a changed role can still be honoured; an entry
 * with its own expiry (a token's {@code exp}) goes at that moment if it is sooner. At most
 * {@code maxEntries} are kept (Caffeine evicts the least useful first), so memory stays bounded
 * however many callers there are. A {@code maxAge} of zero keeps nothing.
 */
public final class ExpiringCache<K, V> {

    /** Entries kept at most, per cache. */
    public static final int MAX_ENTRIES = 10_000;

    private record Entry<V>(V value, long untilMillis) {
    }

    private final Cache<K, Entry<V>> entries;
    private final Clock clock;
    private final long maxAgeMillis;

    public ExpiringCache(Clock clock, Duration maxAge) {
        this.clock = clock;
        this.maxAgeMillis = maxAge.toMillis();
        this.entries = Caffeine.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                // upkeep on the caller's thread: no background work, and sizes are exact after cleanUp
                .executor(Runnable::run)
                .expireAfter(new Expiry<K, Entry<V>>() {
                    @Override
                    public long expireAfterCreate(K key, Entry<V> entry, long now) {
                        return TimeUnit.MILLISECONDS.toNanos(entry.untilMillis()) - now;
                    }

                    @Override
                    public long expireAfterUpdate(K key, Entry<V> entry, long now, long currentDuration) {
                        return expireAfterCreate(key, entry, now);
                    }

                    @Override
                    public long expireAfterRead(K key, Entry<V> entry, long now, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    /** The value kept for {@code key}, or null when there is none or it has expired. */
    public V get(K key) {
        Entry<V> entry = entries.getIfPresent(key);
        return entry == null ? null : entry.value();
    }

    /** The value kept for {@code key}, or else {@code load}'s answer, kept for {@code maxAge}. */
    public V get(K key, Function<K, V> load) {
        if (maxAgeMillis <= 0) {
            return load.apply(key);
        }
        return entries.get(key, absent -> new Entry<>(load.apply(absent), clock.millis() + maxAgeMillis)).value();
    }

    /** Keeps {@code value} until {@code expires} or for {@code maxAge}, whichever is sooner. */
    public void put(K key, V value, Instant expires) {
        long now = clock.millis();
        long until = Math.min(expires.toEpochMilli(), now + maxAgeMillis);
        if (until > now) {
            entries.put(key, new Entry<>(value, until));
        }
    }

    /** Drops what is kept for {@code key}: the next call asks again. */
    public void forget(K key) {
        entries.invalidate(key);
    }

    /** Entries kept now, expired ones not counted. */
    public long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }
}
