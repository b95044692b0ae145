package dev.fileanalysis.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** One line naming the machine a run was measured on, so that figures are never quoted without it. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name");
        String memory = firstValue(Path.of("/proc/meminfo"), "MemTotal");
        String ram = "";
        if (memory != null) {
            try {
                ram = String.format(Locale.ROOT, ", %.1f GiB RAM", Long.parseLong(memory.replaceAll("[^0-9]", "")) / 1048576.0);
            } catch (NumberFormatException ignored) {
                // leave it out
            }
        }
        return String.format(Locale.ROOT, "%s %s %s, %d cores%s%s, Java %s", System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(),
                cpu == null ? "" : " (" + cpu + ")", ram, System.getProperty("java.version"));
    }

    private static String firstValue(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                if (line.startsWith(key)) {
                    int colon = line.indexOf(':');
                    return colon < 0 ? null : line.substring(colon + 1).trim();
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            // not available on this system
        }
        return null;
    }
}
