package dev.fileanalysis.bench;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The charts people look at instead of reading bench.md: what is drawn, on what background. */
class BenchChartsTest {

    @TempDir
    Path folder;

    @Test
    void theDeliveryChartDrawsThePhysicalLimitAsItsOwnLineOnAWhitePlot() throws Exception {
        List<ScenarioResult> scenarios = List.of(adaptive(10_000_000L, 110, 40, 38, 108), adaptive(100_000_000L, 12, 4.6, 4.5, 10.8),
                adaptive(1_000_000_000L, 3.4, 2.5, 2.4, 1.1));

        List<String> written = BenchCharts.draw(scenarios, folder);

        assertThat(written).contains("times.png", "delivery-vs-link.png");
        BufferedImage delivery = ImageIO.read(folder.resolve("delivery-vs-link.png").toFile());
        assertThat(delivery.getWidth()).isEqualTo(900);
        // Most of the plot area is background: white, not JFreeChart's default grey.
        assertThat(share(delivery, 0xFFFFFF)).as("white share of the delivery chart").isGreaterThan(0.8);
        assertThat(share(delivery, 0xC0C0C0)).as("default grey share").isLessThan(0.01);
        assertThat(share(ImageIO.read(folder.resolve("times.png").toFile()), 0xFFFFFF)).as("white share of the times chart")
                .isGreaterThan(0.5);
    }

    @Test
    void theCpuChartPutsEachRoleBesideItsToolFloor() throws Exception {
        ScenarioResult mixed = new ScenarioResult("mixed-loopback");
        mixed.fileBytes = 512L << 20;
        mixed.systemSeconds = 20.0;
        mixed.cpuSeconds.put("client", 6.0);
        mixed.cpuSeconds.put("processor", 2.0);
        mixed.cpuSeconds.put("engine", 1.0);
        mixed.cpuSeconds.put("server", 0.5);
        mixed.cpuSeconds.put("devstack", 4.0);
        mixed.clientFloorSeconds = 2.0;
        mixed.processorFloorSeconds = 1.0;
        ScenarioResult withoutCpu = adaptive(1_000_000_000L, 3.4, 2.5, 2.4, 1.1);

        List<String> written = BenchCharts.draw(List.of(mixed, withoutCpu), folder);

        assertThat(written).contains("cpu-per-gib.png");
        BufferedImage cpu = ImageIO.read(folder.resolve("cpu-per-gib.png").toFile());
        assertThat(share(cpu, 0xFFFFFF)).as("white share of the CPU chart").isGreaterThan(0.5);
        // the client's bar and its floor's bar, each in its own colour
        assertThat(share(cpu, 0x1f77b4)).as("client").isPositive();
        assertThat(share(cpu, 0xaec7e8)).as("client's floor").isPositive();
        assertThat(share(cpu, 0xff9896)).as("processor's floor").isPositive();
    }

    @Test
    void withoutCpuFiguresThereIsNoCpuChart() throws Exception {
        List<String> written = BenchCharts.draw(List.of(adaptive(1_000_000_000L, 3.4, 2.5, 2.4, 1.1)), folder);

        assertThat(written).doesNotContain("cpu-per-gib.png");
    }

    private static ScenarioResult adaptive(long bitsPerSecond, double none, double level1, double auto, double limit) {
        ScenarioResult result = new ScenarioResult("adaptive-" + bitsPerSecond / 1_000_000 + "mbit");
        result.linkBitsPerSecond = bitsPerSecond;
        result.sweep.put("none", none);
        result.sweep.put("1", level1);
        result.systemSeconds = auto;
        result.physicalLimitSeconds = limit;
        return result;
    }

    /** The share of the image's pixels of exactly this RGB colour. */
    private static double share(BufferedImage image, int rgb) {
        long matching = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    matching++;
                }
            }
        }
        return (double) matching / ((long) image.getWidth() * image.getHeight());
    }
}
