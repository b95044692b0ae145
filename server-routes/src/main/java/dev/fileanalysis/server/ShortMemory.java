package dev.fileanalysis.server;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Answers remembered for a short while, so a busy caller does not cost a database read per
 * request. Expired answers are dropped as new ones arrive, so memory stays bounded by what was
 * asked within one period (plus a sweep's worth), however long the server runs.
 */
final class ShortMemory<K, V> {

    /** Entries kept before expired ones are swept out on the next insert. */
    private static final int SWEEP_ABOVE = 10_000;

    private record Remembered<V>(V value, long until) {
    }

    private final ConcurrentHashMap<K, Remembered<V>> answers = new ConcurrentHashMap<>();
    private final Clock clock;
    private final long millis;

    ShortMemory(Clock clock, Duration period) {
        this.clock = clock;
        this.millis = period.toMillis();
    }

    V get(K key, Function<K, V> ask) {
        long now = clock.millis();
        Remembered<V> known = answers.get(key);
        if (known != null && known.until() > now) {
            return known.value();
        }
        V value = ask.apply(key);
        if (millis > 0) {
            if (answers.size() > SWEEP_ABOVE) {
                answers.values().removeIf(answer -> answer.until() <= now);
            }
            answers.put(key, new Remembered<>(value, now + millis));
        }
        return value;
    }

    void forget(K key) {
        answers.remove(key);
    }
}
