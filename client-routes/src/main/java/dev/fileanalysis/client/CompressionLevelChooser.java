package dev.fileanalysis.client;

import java.util.Locale;
import java.util.function.LongSupplier;

import dev.fileanalysis.client.chunk.CompressionPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adaptive zstd level ({@code client.compression-level=auto}): picks the level that delivers
 * a chunk soonest, from what this client measures itself — how fast its workers compress at each
 * level, how much each level shrinks this data, and how many bytes per second its uploads get
 * through. Workers compress while other chunks upload, so a chunk costs the slower of the two
 * stages; each worker compresses a chunk and then uploads it itself (ChunkPipeline's sink runs on
 * the worker), so the workers' stage holds both:
 *
 * <pre>cost(level) = max(upload time, (compress time + upload time) / workers)
 * upload time = frame bytes / upload rate</pre>
 *
 * On a slow link the upload dominates and a higher level pays; on a fast link, or when the CPU is
 * the bottleneck, compression dominates and a lower level wins.
 *
 * <p>Levels not measured yet are estimated from the nearest measured one, scaled by how zstd's
 * levels typically relate to each other ({@link #TYPICAL}); every few chunks one is compressed at
 * a neighbouring level so that the estimates around the choice become measurements. A new level is
 * taken only when it is predicted clearly faster ({@link #SWITCH_MARGIN}) and the current one has
 * had a few chunks ({@link #MIN_CHUNKS_BEFORE_SWITCH}), so noise does not make it flap.
 *
 * <p>One chooser serves every upload of a client: the link and the CPU are shared by all files.
 */
public final class CompressionLevelChooser implements CompressionPlan {

    private static final Logger LOG = LoggerFactory.getLogger(CompressionLevelChooser.class);

    /** zstd's default, and the level used until there is anything to go by. */
    static final int START_LEVEL = 3;
    /** The levels chosen from: zstd's range, thinned where neighbouring levels differ little. */
    static final int[] LEVELS = {1, 3, 6, 9, 12, 15, 19};
    /**
     * Rough shape of zstd's levels on text-like data relative to level 3 (compression speed factor,
     * frame size factor), for levels not measured yet. Only the shape matters: the absolute figures
     * come from this machine and this data.
     */
    private static final double[][] TYPICAL = {
            {1.6, 1.08}, {1.0, 1.0}, {0.45, 0.94}, {0.25, 0.915}, {0.12, 0.90}, {0.05, 0.89}, {0.012, 0.84}};
    /** A level replaces the current one only when predicted at least this much faster. */
    static final double SWITCH_MARGIN = 0.10;
    static final int MIN_CHUNKS_BEFORE_SWITCH = 3;
    /** One chunk in this many is compressed at a neighbouring level, to measure it. */
    static final int EXPLORE_EVERY = 6;
    /** Weight of a new measurement in the running averages: recent chunks count most, one outlier little. */
    private static final double WEIGHT = 0.3;

    private final int workers;
    private final LongSupplier nanoTime;

    private final double[] bytesPerSecond = new double[LEVELS.length];
    private final double[] frameRatio = new double[LEVELS.length];
    private final boolean[] measured = new boolean[LEVELS.length];

    private int current = indexOf(START_LEVEL);
    private int chunksAtCurrent;
    private int handedOut;
    private boolean exploreUpward = true;

    // the link: bytes uploaded per second of time with at least one upload in flight
    private int uploadsInFlight;
    private long lastUploadEvent;
    private double uploadedBytes;
    private double busyNanos;
    /** Busy time since the last upload that got through, added to the average with its bytes. */
    private double pendingBusy;

    /** {@code workers}: chunks compressed at once (at most the cores: more workers do not compress faster). */
    public CompressionLevelChooser(int workers) {
        this(workers, System::nanoTime);
    }

    CompressionLevelChooser(int workers, LongSupplier nanoTime) {
        this.workers = Math.max(1, Math.min(workers, Runtime.getRuntime().availableProcessors()));
        this.nanoTime = nanoTime;
        this.lastUploadEvent = nanoTime.getAsLong();
    }

    @Override
    public synchronized int nextLevel() {
        handedOut++;
        if (handedOut % EXPLORE_EVERY == 0 && uploadRate() > 0) {
            int neighbour = current + (exploreUpward ? 1 : -1);
            exploreUpward = !exploreUpward;
            if (neighbour < 0 || neighbour >= LEVELS.length) {
                neighbour = current + (exploreUpward ? 1 : -1);
            }
            if (neighbour >= 0 && neighbour < LEVELS.length) {
                return LEVELS[neighbour];
            }
        }
        return LEVELS[current];
    }

    @Override
    public synchronized void compressed(int level, int originalBytes, int frameBytes, long nanos) {
        int index = indexOf(level);
        if (index < 0 || originalBytes <= 0 || nanos <= 0) {
            return;
        }
        double speed = originalBytes * 1e9 / nanos;
        double ratio = frameBytes / (double) originalBytes;
        if (measured[index]) {
            bytesPerSecond[index] += WEIGHT * (speed - bytesPerSecond[index]);
            frameRatio[index] += WEIGHT * (ratio - frameRatio[index]);
        } else {
            bytesPerSecond[index] = speed;
            frameRatio[index] = ratio;
            measured[index] = true;
        }
        if (index == current) {
            chunksAtCurrent++;
        }
        reconsider();
    }

    /** An upload of a frame to storage begins; pair with {@link #uploadEnded(long)}. */
    public synchronized void uploadStarted() {
        accountBusyTime();
        uploadsInFlight++;
    }

    /** An upload ended: {@code bytes} reached storage (0 when it failed). */
    public synchronized void uploadEnded(long bytes) {
        accountBusyTime();
        uploadsInFlight = Math.max(0, uploadsInFlight - 1);
        if (bytes > 0) {
            // older figures fade, so that a link that changes speed is followed
            uploadedBytes = uploadedBytes * (1 - WEIGHT) + bytes;
            busyNanos = busyNanos * (1 - WEIGHT) + pendingBusy;
            pendingBusy = 0;
            reconsider();
        }
    }

    private void accountBusyTime() {
        long now = nanoTime.getAsLong();
        if (uploadsInFlight > 0) {
            pendingBusy += now - lastUploadEvent;
        }
        lastUploadEvent = now;
    }

    /** Bytes per second the uploads get through together; 0 before any upload ended. */
    synchronized double uploadRate() {
        return busyNanos <= 0 ? 0 : uploadedBytes * 1e9 / busyNanos;
    }

    /** The level chunks get now (neighbours aside). */
    public synchronized int currentLevel() {
        return LEVELS[current];
    }

    /** Seconds per original byte at a level: the slower of the link and the workers (who compress, then upload). */
    synchronized double predictedCost(int level) {
        int index = indexOf(level);
        double rate = uploadRate();
        int anchor = nearestMeasured(index);
        if (anchor < 0 || rate <= 0) {
            return Double.NaN;
        }
        double speed = measured[index] ? bytesPerSecond[index]
                : bytesPerSecond[anchor] * TYPICAL[index][0] / TYPICAL[anchor][0];
        double ratio = measured[index] ? frameRatio[index]
                : Math.min(1.0, frameRatio[anchor] * TYPICAL[index][1] / TYPICAL[anchor][1]);
        double upload = ratio / rate;
        return Math.max(upload, (1 / speed + upload) / workers);
    }

    private void reconsider() {
        if (uploadRate() <= 0 || nearestMeasured(current) < 0) {
            return;
        }
        int best = current;
        double bestCost = predictedCost(LEVELS[current]);
        for (int index = 0; index < LEVELS.length; index++) {
            double cost = predictedCost(LEVELS[index]);
            if (cost < bestCost) {
                best = index;
                bestCost = cost;
            }
        }
        double currentCost = predictedCost(LEVELS[current]);
        boolean settled = chunksAtCurrent >= MIN_CHUNKS_BEFORE_SWITCH || !measured[current];
        if (best != current && settled && bestCost < currentCost * (1 - SWITCH_MARGIN)) {
            LOG.info(String.format(Locale.ROOT, "compression level %d -> %d: uploads get %.1f MB/s, level %d predicted "
                            + "%.0f%% faster per chunk", LEVELS[current], LEVELS[best], uploadRate() / 1e6, LEVELS[best],
                    (1 - bestCost / currentCost) * 100));
            current = best;
            chunksAtCurrent = 0;
        }
    }

    private int nearestMeasured(int index) {
        for (int distance = 0; distance < LEVELS.length; distance++) {
            if (index - distance >= 0 && measured[index - distance]) {
                return index - distance;
            }
            if (index + distance < LEVELS.length && measured[index + distance]) {
                return index + distance;
            }
        }
        return -1;
    }

    private static int indexOf(int level) {
        for (int index = 0; index < LEVELS.length; index++) {
            if (LEVELS[index] == level) {
                return index;
            }
        }
        return -1;
    }
}
