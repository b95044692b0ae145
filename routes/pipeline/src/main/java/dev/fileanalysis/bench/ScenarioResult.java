package dev.fileanalysis.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scenario's figures as they go into {@code bench.json}. Every figure is boxed: null means
 * "not measured" (the scenario does not have it, or it could not be measured, with the reason in
 * {@link #notes}), never a made-up number.
 */
final class ScenarioResult {

    /** measured, not-run (the reason says why), failed (the reason says what went wrong). */
    enum Status { MEASURED, NOT_RUN, FAILED }

    /** A sample of the job's state while it ran: seconds since the drop, chunks landed and chunks analysed. */
    record Sample(double seconds, int chunks, int analysed) {
    }

    final String name;
    Status status = Status.MEASURED;
    String reason;

    Long fileBytes;
    Long wireBytes;
    Long linkBitsPerSecond;
    Double systemSeconds;
    Double firstByteSeconds;

    Double physicalLimitSeconds;
    Double plainUploadSeconds;
    Double sequentialRawSeconds;
    Double zstdCliSeconds;

    Integer files;
    Double filesPerSecond;
    Double bestFixedSeconds;
    Integer level;
    Long peakRssClientBytes;
    Long peakRssProcessorBytes;

    /** CPU seconds (user + system) each role spent from the drop to the result ({@link RoleCpu}); empty when not read. */
    final Map<String, Double> cpuSeconds = new LinkedHashMap<>();
    /**
     * Small files: the server's API calls (by operation) and AWS requests (as "service operation")
     * per file dropped, from its {@code /metrics} counters over the measured drop; empty when not read.
     */
    final Map<String, Double> requestsPerFile = new java.util.TreeMap<>();
    /** CPU seconds of the tool floors on the same bytes ({@link Baselines#cpuFloors}), and the zstd level they ran at. */
    Double clientFloorSeconds;
    Double processorFloorSeconds;
    Integer floorLevel;
    /** The client's stability wait ({@code client.stable-ms}), the part of first_byte_s that is the user's setting. */
    Double stableSeconds;
    /** {@code rclone copy} of the same files to the same S3, the peer a person would try first. */
    Double rcloneSeconds;

    // beyond the shape: what helps to read the figures above
    Integer chunks;
    Double clientUploadSeconds;
    Long zstdCliBytes;
    /** How the chunks were sent (levels and stored), from the client's log. */
    String encodings;
    /** Adaptive scenarios: delivery time of each fixed setting on the same file and link ("none" = uncompressed). */
    final Map<String, Double> sweep = new LinkedHashMap<>();
    /** Adaptive scenarios: the fixed setting behind {@link #bestFixedSeconds}. */
    String bestFixed;
    final Map<String, String> notes = new LinkedHashMap<>();
    final List<Sample> timeline = new ArrayList<>();

    ScenarioResult(String name) {
        this.name = name;
    }

    static ScenarioResult notRun(String name, String reason) {
        ScenarioResult result = new ScenarioResult(name);
        result.status = Status.NOT_RUN;
        result.reason = reason;
        return result;
    }

    void failed(String why) {
        status = Status.FAILED;
        reason = why;
    }

    /** CPU seconds per GiB of the file(s), per role; empty without CPU figures or a size. */
    Map<String, Double> cpuPerGib() {
        Map<String, Double> perGib = new LinkedHashMap<>();
        if (fileBytes != null && fileBytes > 0) {
            cpuSeconds.forEach((role, seconds) -> perGib.put(role, seconds / gib(fileBytes)));
        }
        return perGib;
    }

    static double gib(long bytes) {
        return bytes / (double) (1L << 30);
    }

    boolean measured() {
        return status == Status.MEASURED;
    }

    void note(String field, String why) {
        if (why != null) {
            notes.put(field, why);
        }
    }
}
