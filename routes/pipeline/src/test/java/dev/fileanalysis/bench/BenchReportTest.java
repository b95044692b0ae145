package dev.fileanalysis.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** bench.json keeps the issue's shape and its nulls; bench.md says met, missed by how much, or not measured. */
class BenchReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    private static ScenarioResult loopback(double system, double plain) {
        ScenarioResult s = new ScenarioResult("mixed-loopback");
        s.fileBytes = 512L << 20;
        s.wireBytes = 190L << 20;
        s.chunks = 128;
        s.systemSeconds = system;
        s.firstByteSeconds = 0.8;
        s.plainUploadSeconds = plain;
        s.sequentialRawSeconds = 9.0;
        s.zstdCliSeconds = 1.5;
        s.note("physical_limit_s", "no link model");
        s.timeline.add(new ScenarioResult.Sample(0.5, 1, 0));
        s.timeline.add(new ScenarioResult.Sample(0.8, 2, 1));
        return s;
    }

    private static BenchReport.Run run(List<ScenarioResult> scenarios) {
        return new BenchReport.Run("Linux test, 2 cores", "2025-01-01T00:00:00Z", 42, false, "none (unlimited loopback)",
                4 << 20, List.of("client.poll-ms=100"), scenarios, List.of(), BenchReport.Idle.notMeasured("not selected"),
                List.of());
    }

    @Test
    void everyScenarioHasTheIssuesFieldsInOrderAndMissingFiguresStayNull() throws Exception {
        List<ScenarioResult> scenarios = new ArrayList<>(List.of(loopback(4.0, 5.0),
                ScenarioResult.notRun("mixed-100mbit", "needs a link model")));

        BenchReport.write(run(scenarios), folder);

        JsonNode root = JSON.readTree(folder.resolve("bench.json").toFile());
        assertThat(root.path("machine").asText()).isEqualTo("Linux test, 2 cores");
        JsonNode measured = root.path("scenarios").path(0);
        List<String> names = new ArrayList<>();
        measured.fieldNames().forEachRemaining(names::add);
        assertThat(names).startsWith("name", "file_bytes", "wire_bytes", "link_bits_per_s", "system_s", "first_byte_s",
                "baselines", "files", "files_per_s", "best_fixed_s", "level", "peak_rss_client_bytes", "peak_rss_processor_bytes");
        List<String> baselines = new ArrayList<>();
        measured.path("baselines").fieldNames().forEachRemaining(baselines::add);
        assertThat(baselines).containsExactly("physical_limit_s", "plain_upload_s", "sequential_raw_s", "zstd_cli_s", "rclone_s");

        assertThat(measured.path("file_bytes").asLong()).isEqualTo(512L << 20);
        assertThat(measured.path("system_s").asDouble()).isEqualTo(4.0);
        assertThat(measured.path("link_bits_per_s").isNull()).isTrue();
        assertThat(measured.path("baselines").path("physical_limit_s").isNull()).isTrue();
        assertThat(measured.path("files").isNull()).isTrue();
        assertThat(measured.path("notes").path("physical_limit_s").asText()).isEqualTo("no link model");
        assertThat(measured.path("timeline")).hasSize(2);

        JsonNode notRun = root.path("scenarios").path(1);
        assertThat(notRun.path("name").asText()).isEqualTo("mixed-100mbit");
        assertThat(notRun.path("status").asText()).isEqualTo("not-run");
        for (String field : List.of("file_bytes", "wire_bytes", "link_bits_per_s", "system_s", "first_byte_s")) {
            assertThat(notRun.has(field)).as(field + " present").isTrue();
            assertThat(notRun.path(field).isNull()).as(field + " null").isTrue();
        }
        notRun.path("baselines").forEach(value -> assertThat(value.isNull()).isTrue());
        assertThat(root.path("link_model").asText()).isEqualTo("none (unlimited loopback)");
    }

    @Test
    void aMetTargetAndAMissedOneWithItsMargin() {
        List<BenchReport.Target> met = BenchReport.targets(run(List.of(loopback(4.0, 5.0))));
        List<BenchReport.Target> missed = BenchReport.targets(run(List.of(loopback(6.0, 5.0))));

        assertThat(target(met, "plain upload alone").status()).isEqualTo(BenchReport.Target.MET);
        BenchReport.Target over = target(missed, "plain upload alone");
        assertThat(over.status()).isEqualTo(BenchReport.Target.MISSED);
        assertThat(over.detail()).contains("1.20×").contains("20% over");
    }

    @Test
    void targetsWithoutTheirScenarioAreNotMeasuredWithTheReason() {
        List<BenchReport.Target> targets = BenchReport.targets(run(List.of(loopback(4.0, 5.0),
                ScenarioResult.notRun("mixed-100mbit", "needs a link model"))));

        BenchReport.Target link = target(targets, "100 Mbit/s");
        assertThat(link.status()).isEqualTo(BenchReport.Target.NOT_MEASURED);
        assertThat(link.detail()).isEqualTo("needs a link model");
        assertThat(target(targets, "1,000 files").detail()).isEqualTo("scenario not selected in this run");
    }

    @Test
    void theMarkdownTableShowsDashesForNullsNeverNumbers() throws Exception {
        ScenarioResult small = new ScenarioResult("small-files");
        small.files = 300;
        small.fileBytes = 300L * 4096;
        small.systemSeconds = 10.0;
        small.filesPerSecond = 30.0;

        String md = BenchReport.markdown(run(List.of(small, ScenarioResult.notRun("big-stream", "not built yet"))));

        assertThat(md).contains("| small-files | 1.2 MiB | — | unlimited | 10.00 | — | — | — | — | — | 30.0 |");
        assertThat(md).contains("| big-stream (not-run) | — | — | — | — | — | — | — | — | — | — |");
        assertThat(md).contains("30.0 files/s over 300 files (goal ≥ 100, 70% short); CPU ms per file: not measured; fewer files than the target's 1,000 (--quick)");
        assertThat(md).contains("- big-stream: not built yet");
    }

    @Test
    void chartsAreDrawnForMeasuredScenariosAndTheJobTimeline() throws Exception {
        List<String> charts = BenchCharts.draw(List.of(loopback(4.0, 5.0)), folder);

        assertThat(charts).containsExactly("times.png", "timeline-mixed-loopback.png");
        assertThat(Files.size(folder.resolve("times.png"))).isPositive();
    }

    private static BenchReport.Target target(List<BenchReport.Target> targets, String text) {
        return targets.stream().filter(t -> t.target().contains(text)).findFirst().orElseThrow();
    }

    @Test
    void aLinkTargetWithOnlyItsPhysicalLimitMeasuredSaysHowThatHalfStandsAndStaysNotMeasured() {
        ScenarioResult linked = new ScenarioResult("mixed-100mbit");
        linked.fileBytes = 512L << 20;
        linked.wireBytes = 178L << 20;
        linked.linkBitsPerSecond = 100_000_000L;
        linked.systemSeconds = 16.64;
        linked.physicalLimitSeconds = linked.wireBytes * 8.0 / linked.linkBitsPerSecond;

        BenchReport.Target target = BenchReport.targets(run(List.of(linked))).stream()
                .filter(t -> t.scenario().equals("mixed-100mbit")).findFirst().orElseThrow();

        assertThat(target.status()).isEqualTo(BenchReport.Target.NOT_MEASURED);
        assertThat(target.detail()).contains("1.11× the physical limit (goal ≤ 1.15: met)").contains("2.5× half is open");
    }

    @Test
    void theBigStreamMeetsItsTargetOnlyAtTwentyGibibytesAndReportsBothPeaks() {
        ScenarioResult full = bigStream(20L << 30);
        ScenarioResult quick = bigStream(1L << 30);

        BenchReport.Target met = target(BenchReport.targets(run(List.of(full))), "20 GiB stream");
        BenchReport.Target small = target(BenchReport.targets(run(List.of(quick))), "20 GiB stream");

        assertThat(met.status()).isEqualTo(BenchReport.Target.MET);
        assertThat(met.detail()).contains("peak RSS client 380.0 MiB (1.48× the heap), processor 350.0 MiB (1.37×)");
        assertThat(small.status()).as("a 1 GiB stream says nothing about 20 GiB").isEqualTo(BenchReport.Target.NOT_MEASURED);
        assertThat(small.detail()).contains("measured on 1024.0 MiB, not the target's 20480.0 MiB (--quick)");
    }

    private static ScenarioResult bigStream(long bytes) {
        ScenarioResult s = new ScenarioResult("big-stream");
        s.fileBytes = bytes;
        s.systemSeconds = 300.0;
        s.peakRssClientBytes = 380L << 20;
        s.peakRssProcessorBytes = 350L << 20;
        return s;
    }

    @Test
    void aClientPastItsPeakMissesTheMemoryTarget() {
        ScenarioResult heavy = bigStream(20L << 30);
        heavy.peakRssClientBytes = 496L << 20;

        BenchReport.Target missed = target(BenchReport.targets(run(List.of(heavy))), "20 GiB stream");

        assertThat(missed.status()).isEqualTo(BenchReport.Target.MISSED);
        assertThat(missed.detail()).contains("client 496.0 MiB (1.94× the heap)");
    }

    @Test
    void streamingIsHeldAgainstTheSequentialDesignAndEachRoleAgainstItsToolFloor() throws Exception {
        ScenarioResult slow = loopback(12.0, 5.0);
        slow.cpuSeconds.put("client", 6.0);
        slow.cpuSeconds.put("processor", 2.0);
        slow.cpuSeconds.put("engine", 0.5);
        slow.cpuSeconds.put("server", 0.3);
        slow.cpuSeconds.put("devstack", 3.0);
        slow.clientFloorSeconds = 5.0;
        slow.processorFloorSeconds = 1.0;
        slow.floorLevel = 3;
        slow.stableSeconds = 0.1;
        slow.rcloneSeconds = 2.5;

        BenchReport.write(run(List.of(slow)), folder);
        List<BenchReport.Target> targets = BenchReport.targets(run(List.of(slow)));

        BenchReport.Target sequential = target(targets, "mixed-loopback: drop-to-result ≤ the sequential");
        assertThat(sequential.status()).isEqualTo(BenchReport.Target.MISSED);
        assertThat(sequential.detail()).contains("system 12.00 s vs sequential 9.00 s: 1.33×");
        BenchReport.Target client = target(targets, "mixed-loopback: client CPU");
        assertThat(client.status()).isEqualTo(BenchReport.Target.MET);
        assertThat(client.detail()).contains("12.00 CPU s/GiB vs the floor's 10.00: 1.20×");
        BenchReport.Target processor = target(targets, "mixed-loopback: processor + engine CPU");
        assertThat(processor.status()).isEqualTo(BenchReport.Target.MISSED);
        assertThat(processor.detail()).contains("2.50×");
        BenchReport.Target firstByte = target(targets, "first byte within 0.5 s");
        assertThat(firstByte.status()).isEqualTo(BenchReport.Target.MISSED);
        assertThat(firstByte.detail()).contains("0.70 s after the 0.10 s stability wait");
        assertThat(target(targets, "random-loopback: drop-to-result").status()).isEqualTo(BenchReport.Target.NOT_MEASURED);

        JsonNode scenario = JSON.readTree(folder.resolve("bench.json").toFile()).path("scenarios").path(0);
        assertThat(scenario.path("cpu_s_per_gib").path("client").asDouble()).isEqualTo(12.0);
        assertThat(scenario.path("cpu_s_per_gib").path("devstack").asDouble()).isEqualTo(6.0);
        assertThat(scenario.path("cpu_floor_s_per_gib").path("processor_engine").asDouble()).isEqualTo(2.0);
        assertThat(scenario.path("cpu_floor_s_per_gib").path("zstd_level").asInt()).isEqualTo(3);
        assertThat(scenario.path("baselines").path("rclone_s").asDouble()).isEqualTo(2.5);
        assertThat(scenario.path("first_byte_after_stable_s").asDouble()).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-9));
        String md = Files.readString(folder.resolve("bench.md"));
        assertThat(md).contains("| mixed-loopback | 12.00 | 4.00 | 1.00 | 0.60 | 6.00 | 10.00 | 2.00 | 2.50 s |");
    }

    @Test
    void smallFilesReportTheirCpuPerFilePerRole() {
        ScenarioResult small = new ScenarioResult("small-files");
        small.files = 1000;
        small.fileBytes = 1000L * 4096;
        small.systemSeconds = 8.0;
        small.filesPerSecond = 125.0;
        small.cpuSeconds.put("client", 12.0);
        small.cpuSeconds.put("server", 20.0);

        BenchReport.Target target = target(BenchReport.targets(run(List.of(small))), "1,000 files");

        assertThat(target.status()).isEqualTo(BenchReport.Target.MET);
        assertThat(target.detail()).contains("CPU ms per file: client 12.0, server 20.0");
    }

    @Test
    void atAGigabitTheFloorIsTheLargerOfTheWireTimeAndTheToolsCpuOverTheCores() {
        ScenarioResult fast = new ScenarioResult("adaptive-1000mbit");
        fast.fileBytes = 128L << 20;
        fast.systemSeconds = 2.0;
        fast.physicalLimitSeconds = 0.5;
        fast.clientFloorSeconds = 1.5;
        fast.processorFloorSeconds = 0.5;

        BenchReport.Target target = target(BenchReport.targets(run(List.of(fast))), "1000 Mbit/s: drop-to-result");

        int cores = Runtime.getRuntime().availableProcessors();
        double floor = Math.max(0.5, 2.0 / cores);
        assertThat(target.status()).isEqualTo(2.0 / floor <= 1.15 ? BenchReport.Target.MET : BenchReport.Target.MISSED);
        assertThat(target.detail()).contains(String.format(java.util.Locale.ROOT, "%.2f×", 2.0 / floor));
    }

    @Test
    void theDropFolderCurveIsFlatWhenTheLargestFolderCostsAtMostHalfAsMuchAgainAsTheSmallest() {
        BenchReport.Target flat = BenchReport.dropFolderTarget(List.of(new BenchReport.DropFolder(1_000, 1.0, 20.0, 5.0, null),
                new BenchReport.DropFolder(100_000, 1.4, 25.0, 4.5, null)));
        BenchReport.Target growing = BenchReport.dropFolderTarget(List.of(new BenchReport.DropFolder(1_000, 1.0, 20.0, 5.0, null),
                new BenchReport.DropFolder(10_000, 4.0, 21.0, 4.0, null),
                new BenchReport.DropFolder(100_000, null, null, null, "failed: IllegalStateException: no result")));

        assertThat(flat.status()).isEqualTo(BenchReport.Target.MET);
        assertThat(growing.status()).isEqualTo(BenchReport.Target.MISSED);
        assertThat(growing.detail()).contains("at 10,000 files against 1,000").contains("(4.0×)");
        assertThat(BenchReport.dropFolderTarget(List.of()).status()).isEqualTo(BenchReport.Target.NOT_MEASURED);
        assertThat(BenchReport.dropFolderSection(List.of(new BenchReport.DropFolder(1_000, 1.0, 20.0, 5.0, null),
                new BenchReport.DropFolder(100_000, null, null, null, "failed: no result"))))
                .contains("| 1,000 | 1.00 | 20.0 | 5.0 |").contains("| 100,000 | — | — | — |").contains("failed: no result");
    }
}
