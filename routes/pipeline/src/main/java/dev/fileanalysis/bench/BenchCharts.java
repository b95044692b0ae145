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
            whiteBackground(chart);
            ChartUtils.saveChartAsPNG(folder.resolve("times.png").toFile(), chart, 900, 500);
            written.add("times.png");
        }
        XYSeriesCollection delivery = new XYSeriesCollection();
        java.util.Map<String, XYSeries> bySetting = new java.util.LinkedHashMap<>();
        XYSeries limit = new XYSeries(PHYSICAL_LIMIT);
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
            if (s.physicalLimitSeconds != null) {
                limit.add(mbit, s.physicalLimitSeconds);
            }
        }
        bySetting.values().forEach(delivery::addSeries);
        if (!delivery.getSeries().isEmpty() && limit.getItemCount() > 0) {
            delivery.addSeries(limit);
        }
        if (delivery.getSeriesCount() > 0) {
            JFreeChart chart = ChartFactory.createXYLineChart("Delivery time against link speed (lower is better)",
                    "link (Mbit/s, log scale)", "seconds, drop to result", delivery, PlotOrientation.VERTICAL, true, false, false);
            chart.getXYPlot().setDomainAxis(powersOfTen("link (Mbit/s, log scale)"));
            chart.getXYPlot().setRangeAxis(powersOfTen("seconds, drop to result (log scale)"));
            var renderer = (org.jfree.chart.renderer.xy.XYLineAndShapeRenderer) chart.getXYPlot().getRenderer();
            renderer.setDefaultShapesVisible(true);
            int limitIndex = delivery.getSeriesIndex(PHYSICAL_LIMIT);
            if (limitIndex >= 0) {
                // the floor no setting can beat: black, dashed, no markers
                renderer.setSeriesPaint(limitIndex, Color.BLACK);
                renderer.setSeriesStroke(limitIndex, new java.awt.BasicStroke(2f, java.awt.BasicStroke.CAP_BUTT,
                        java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
                renderer.setSeriesShapesVisible(limitIndex, false);
            }
            whiteBackground(chart);
            ChartUtils.saveChartAsPNG(folder.resolve("delivery-vs-link.png").toFile(), chart, 900, 500);
            written.add("delivery-vs-link.png");
        }
        DefaultCategoryDataset cpu = new DefaultCategoryDataset();
        for (ScenarioResult s : scenarios) {
            if (!s.measured() || s.cpuSeconds.isEmpty() || s.fileBytes == null || s.fileBytes == 0) {
                continue;
            }
            // the client beside its floor, then the processor and engine beside theirs, then the rest
            var perGib = s.cpuPerGib();
            add(cpu, perGib.get("client"), "client", s.name);
            add(cpu, BenchReport.perGib(s.clientFloorSeconds, s.fileBytes), "client's floor: zstd CLI", s.name);
            if (perGib.containsKey("processor") && perGib.containsKey("engine")) {
                add(cpu, perGib.get("processor") + perGib.get("engine"), "processor + engine", s.name);
            }
            add(cpu, BenchReport.perGib(s.processorFloorSeconds, s.fileBytes), "their floor: zstd -d | sha256sum", s.name);
            add(cpu, perGib.get("server"), "server", s.name);
            add(cpu, perGib.get("devstack"), "storage emulators (devstack)", s.name);
        }
        if (cpu.getColumnCount() > 0) {
            JFreeChart chart = ChartFactory.createBarChart("CPU seconds per GiB, per role, against the tool floor (lower is better)",
                    "scenario", "CPU seconds (user + system) per GiB dropped", cpu, PlotOrientation.VERTICAL, true, false, false);
            var renderer = (org.jfree.chart.renderer.category.BarRenderer) chart.getCategoryPlot().getRenderer();
            renderer.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
            renderer.setShadowVisible(false);
            // each floor in a light shade of the role it is the floor of
            paint(renderer, cpu, "client", new Color(0x1f77b4));
            paint(renderer, cpu, "client's floor: zstd CLI", new Color(0xaec7e8));
            paint(renderer, cpu, "processor + engine", new Color(0xd62728));
            paint(renderer, cpu, "their floor: zstd -d | sha256sum", new Color(0xff9896));
            paint(renderer, cpu, "server", new Color(0x7f7f7f));
            paint(renderer, cpu, "storage emulators (devstack)", new Color(0xc7c7c7));
            whiteBackground(chart);
            ChartUtils.saveChartAsPNG(folder.resolve("cpu-per-gib.png").toFile(), chart, 1000, 520);
            written.add("cpu-per-gib.png");
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
            whiteBackground(chart);
            String name = "timeline-" + s.name + ".png";
            ChartUtils.saveChartAsPNG(folder.resolve(name).toFile(), chart, 900, 500);
            written.add(name);
        }
        return written;
    }

    private static final String PHYSICAL_LIMIT = "physical limit (wire bytes / link rate)";

    /**
     * A log axis with a tick at each power of ten, labelled as a plain number (10, 100, 1,000), not
     * JFreeChart's default of exponent steps ("10^1.1, 10^1.2, ...").
     */
    private static org.jfree.chart.axis.LogAxis powersOfTen(String label) {
        org.jfree.chart.axis.LogAxis axis = new org.jfree.chart.axis.LogAxis(label);
        axis.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1.0));
        axis.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.###"));
        axis.setMinorTickMarksVisible(true);
        return axis;
    }

    /** White around the chart and behind its plot, light grey grid lines. */
    private static void whiteBackground(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        org.jfree.chart.plot.Plot plot = chart.getPlot();
        plot.setBackgroundPaint(Color.WHITE);
        if (plot instanceof org.jfree.chart.plot.XYPlot xy) {
            xy.setDomainGridlinePaint(Color.LIGHT_GRAY);
            xy.setRangeGridlinePaint(Color.LIGHT_GRAY);
        } else if (plot instanceof org.jfree.chart.plot.CategoryPlot category) {
            category.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
    }

    private static void paint(org.jfree.chart.renderer.category.BarRenderer renderer, DefaultCategoryDataset data,
                              String series, Color color) {
        int index = data.getRowIndex(series);
        if (index >= 0) {
            renderer.setSeriesPaint(index, color);
        }
    }

    private static void add(DefaultCategoryDataset times, Double value, String series, String scenario) {
        if (value != null) {
            times.addValue(value, series, scenario);
        }
    }
}
