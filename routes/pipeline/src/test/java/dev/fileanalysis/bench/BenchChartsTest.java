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
