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
                4 << 20, List.of("client.poll-ms=100"), scenarios, List.of());
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
        assertThat(baselines).containsExactly("physical_limit_s", "plain_upload_s", "sequential_raw_s", "zstd_cli_s");

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
        assertThat(md).contains("30.0 files/s over 300 files (goal ≥ 50, 40% short); fewer files than the target's 1,000 (--quick)");
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
        assertThat(met.detail()).contains("peak RSS client 380.0 MiB, processor 350.0 MiB");
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
}
