package dev.fileanalysis.client;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision alone, on made-up measurements and a fake clock: what each level compresses at on
 * "this machine", and how fast the "link" takes the bytes.
 */
class CompressionLevelChooserTest {

    private static final int CHUNK = 4 << 20;
    private static final long SECOND = 1_000_000_000L;

    /** A made-up machine: per-worker compression speed (bytes/s) and frame ratio at each level. */
    private record Level(double bytesPerSecond, double ratio) {
    }

    private static final Map<Integer, Level> TEXT_ON_A_FAST_CPU = Map.of(
            1, new Level(400e6, 0.30), 3, new Level(250e6, 0.27), 6, new Level(110e6, 0.25),
            9, new Level(60e6, 0.245), 12, new Level(30e6, 0.24), 15, new Level(12e6, 0.235), 19, new Level(3e6, 0.20));

    private final AtomicLong clock = new AtomicLong();

    @Test
    void slowLinkLeadsToAHighLevel() {
        CompressionLevelChooser chooser = run(TEXT_ON_A_FAST_CPU, 1.25e6 / 8, 2, 200); // 1.25 Mbit/s

        assertThat(chooser.currentLevel()).isEqualTo(19);
    }

    @Test
    void fastLinkLeadsToALowLevel() {
        CompressionLevelChooser chooser = run(TEXT_ON_A_FAST_CPU, 1.25e9, 2, 200); // 10 Gbit/s

        assertThat(chooser.currentLevel()).isEqualTo(1);
    }

    @Test
    void moderateLinkKeepsALevelWithinTheSwitchMarginOfTheBestAndAvoidsStrongOnes() {
        // 100 Mbit/s: levels 3 to 12 deliver within 10% of each other here (the link is the limit until
        // the workers, compressing and then uploading, fall behind it); 15 and 19 make the workers the limit
        CompressionLevelChooser chooser = run(TEXT_ON_A_FAST_CPU, 12.5e6, 2, 200);

        double chosen = chooser.predictedCost(chooser.currentLevel());
        double best = TEXT_ON_A_FAST_CPU.keySet().stream().mapToDouble(chooser::predictedCost).min().orElseThrow();
        assertThat(chooser.currentLevel()).isIn(3, 6, 9, 12);
        assertThat(chosen).isLessThanOrEqualTo(best / (1 - CompressionLevelChooser.SWITCH_MARGIN));
        assertThat(chooser.predictedCost(15)).isGreaterThan(chosen * 1.5);
    }

    @Test
    void cpuBoundClientStaysLowEvenOnAModerateLink() {
        // a slow, busy CPU: ten times slower at every level; at 100 Mbit/s the CPU is now the limit
        Map<Integer, Level> slowCpu = new HashMap<>();
        TEXT_ON_A_FAST_CPU.forEach((level, figures) -> slowCpu.put(level, new Level(figures.bytesPerSecond() / 10, figures.ratio())));

        CompressionLevelChooser chooser = run(slowCpu, 12.5e6, 1, 200);

        assertThat(chooser.currentLevel()).isIn(1, 3);
    }

    @Test
    void beforeAnythingIsMeasuredTheDefaultLevelIsUsed() {
        CompressionLevelChooser chooser = new CompressionLevelChooser(2, clock::get);

        assertThat(chooser.nextLevel()).isEqualTo(CompressionLevelChooser.START_LEVEL);
        assertThat(chooser.currentLevel()).isEqualTo(CompressionLevelChooser.START_LEVEL);
    }

    @Test
    void measurementsThatBarelyDifferDoNotMakeItFlap() {
        // two levels within a few percent of each other, their order swapping with noise
        Map<Integer, Level> close = new HashMap<>(TEXT_ON_A_FAST_CPU);
        CompressionLevelChooser chooser = run(close, 12.5e6, 2, 60);
        int settled = chooser.currentLevel();
        int switches = 0;
        for (int round = 0; round < 200; round++) {
            double wobble = round % 2 == 0 ? 1.04 : 0.96;
            Map<Integer, Level> noisy = new HashMap<>();
            close.forEach((level, figures) -> noisy.put(level, new Level(figures.bytesPerSecond() * wobble, figures.ratio())));
            int before = chooser.currentLevel();
            feed(chooser, noisy, 12.5e6 * (2 - wobble), 2, 1);
            if (chooser.currentLevel() != before) {
                switches++;
            }
        }

        assertThat(switches).as("level changes under ±4%% noise (settled at %d)", settled).isLessThanOrEqualTo(1);
    }

    @Test
    void itFollowsALinkThatChangesSpeed() {
        CompressionLevelChooser chooser = run(TEXT_ON_A_FAST_CPU, 1.25e9, 2, 100);
        assertThat(chooser.currentLevel()).isEqualTo(1);

        feed(chooser, TEXT_ON_A_FAST_CPU, 1.25e6 / 8, 2, 300);

        assertThat(chooser.currentLevel()).isEqualTo(19);
    }

    @Test
    void uploadRateCountsOnlyTimeWithAnUploadInFlight() {
        CompressionLevelChooser chooser = new CompressionLevelChooser(2, clock::get);
        chooser.uploadStarted();
        clock.addAndGet(SECOND);
        chooser.uploadEnded(10_000_000);
        clock.addAndGet(60 * SECOND); // idle: nothing to send is not a slow link
        chooser.uploadStarted();
        chooser.uploadStarted();
        clock.addAndGet(SECOND);
        chooser.uploadEnded(10_000_000);
        chooser.uploadEnded(10_000_000);

        assertThat(chooser.uploadRate()).isBetween(9e6, 21e6);
    }

    /** A fresh chooser fed {@code chunks} chunks. */
    private CompressionLevelChooser run(Map<Integer, Level> machine, double linkBytesPerSecond, int workers, int chunks) {
        CompressionLevelChooser chooser = new CompressionLevelChooser(workers, clock::get);
        feed(chooser, machine, linkBytesPerSecond, workers, chunks);
        return chooser;
    }

    /** Chunks one after another: compressed at the level the chooser hands out, then uploaded over the made-up link. */
    private void feed(CompressionLevelChooser chooser, Map<Integer, Level> machine, double linkBytesPerSecond, int workers,
                      int chunks) {
        for (int i = 0; i < chunks; i++) {
            int level = chooser.nextLevel();
            Level figures = machine.get(level);
            int frame = (int) (CHUNK * figures.ratio());
            chooser.compressed(level, CHUNK, frame, (long) (CHUNK / figures.bytesPerSecond() * SECOND));
            chooser.uploadStarted();
            clock.addAndGet((long) (frame / linkBytesPerSecond * SECOND));
            chooser.uploadEnded(frame);
        }
    }
}
