package dev.fileanalysis.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's PNG charts: every measured scenario against its baselines, and the timeline of one
 * large job (chunks landed in storage vs chunks fed to the engine), which shows whether analysis
 * really runs while the upload is still going.
 */
final class BenchCharts {

    private BenchCharts() {
    }

    /** Draws what this run's figures allow; answers the file names written. */
    static List<String> draw(List<ScenarioResult> scenarios, Path folder) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> written = new ArrayList<>();
        DefaultCategoryDataset times = new DefaultCategoryDataset();
        for (ScenarioResult s : scenarios) {
            if (!s.measured() || s.systemSeconds == null) {
                continue;
            }
            times.addValue(s.systemSeconds, "system (drop to result)", s.name);
            add(times, s.plainUploadSeconds, "plain upload", s.name);
            add(times, s.sequentialRawSeconds, "sequential raw", s.name);
            add(times, s.zstdCliSeconds, "zstd CLI", s.name);
            add(times, s.physicalLimitSeconds, "physical limit", s.name);
        }
        if (times.getColumnCount() > 0) {
            JFreeChart chart = ChartFactory.createBarChart("Time per scenario (lower is better)", "scenario", "seconds",
                    times, PlotOrientation.VERTICAL, true, false, false);
            chart.setBackgroundPaint(Color.WHITE);
            ChartUtils.saveChartAsPNG(folder.resolve("times.png").toFile(), chart, 900, 500);
            written.add("times.png");
        }
        XYSeriesCollection delivery = new XYSeriesCollection();
        java.util.Map<String, XYSeries> bySetting = new java.util.LinkedHashMap<>();
        for (ScenarioResult s : scenarios) {
            if (s.sweep.isEmpty() || s.linkBitsPerSecond == null) {
                continue;
            }
            double mbit = s.linkBitsPerSecond / 1e6;
            s.sweep.forEach((setting, seconds) -> {
                if (seconds != null) {
                    bySetting.computeIfAbsent(setting.equals("none") ? "raw (none)" : "level " + setting, XYSeries::new)
                            .add(mbit, seconds);
                }
            });
            if (s.systemSeconds != null) {
                bySetting.computeIfAbsent("adaptive (auto)", XYSeries::new).add(mbit, s.systemSeconds);
            }
        }
        bySetting.values().forEach(delivery::addSeries);
        if (delivery.getSeriesCount() > 0) {
            JFreeChart chart = ChartFactory.createXYLineChart("Delivery time against link speed (lower is better)",
                    "link (Mbit/s, log scale)", "seconds, drop to result", delivery, PlotOrientation.VERTICAL, true, false, false);
            chart.getXYPlot().setDomainAxis(new org.jfree.chart.axis.LogAxis("link (Mbit/s, log scale)"));
            chart.getXYPlot().setRangeAxis(new org.jfree.chart.axis.LogAxis("seconds, drop to result (log scale)"));
            ((org.jfree.chart.renderer.xy.XYLineAndShapeRenderer) chart.getXYPlot().getRenderer()).setDefaultShapesVisible(true);
            chart.setBackgroundPaint(Color.WHITE);
            ChartUtils.saveChartAsPNG(folder.resolve("delivery-vs-link.png").toFile(), chart, 900, 500);
            written.add("delivery-vs-link.png");
        }
        for (ScenarioResult s : scenarios) {
            if (s.timeline.isEmpty()) {
                continue;
            }
            XYSeries landed = new XYSeries("chunks uploaded (landed contiguously)");
            XYSeries analysed = new XYSeries("chunks analysed (fed to the engine)");
            for (ScenarioResult.Sample sample : s.timeline) {
                landed.add(sample.seconds(), sample.chunks());
                analysed.add(sample.seconds(), sample.analysed());
            }
            XYSeriesCollection series = new XYSeriesCollection();
            series.addSeries(landed);
            series.addSeries(analysed);
            JFreeChart chart = ChartFactory.createXYLineChart("Timeline of one job: " + s.name, "seconds since the drop",
                    "chunks", series, PlotOrientation.VERTICAL, true, false, false);
            // counts change in steps between two polls of the job
            chart.getXYPlot().setRenderer(new org.jfree.chart.renderer.xy.XYStepRenderer());
            chart.setBackgroundPaint(Color.WHITE);
            String name = "timeline-" + s.name + ".png";
            ChartUtils.saveChartAsPNG(folder.resolve(name).toFile(), chart, 900, 500);
            written.add(name);
        }
        return written;
    }

    private static void add(DefaultCategoryDataset times, Double value, String series, String scenario) {
        if (value != null) {
            times.addValue(value, series, scenario);
        }
    }
}
