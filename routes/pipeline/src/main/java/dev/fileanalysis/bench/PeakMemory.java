package dev.fileanalysis.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The kernel's record of a process's peak resident set size ({@code VmHWM} in
 * {@code /proc/PID/status}): exact, with no sampling that could miss a short peak. Writing 5 to
 * {@code /proc/PID/clear_refs} resets it to the current size (Linux 4.0 and later, the process's
 * owner or root), so a peak can be taken over one piece of work.
 */
final class PeakMemory {

    private PeakMemory() {
    }

    /** Resets the peak of every process; false if there is none or any could not be reset. */
    static boolean reset(List<ProcessHandle> processes) {
        boolean all = !processes.isEmpty();
        for (ProcessHandle process : processes) {
            try {
                Files.writeString(Path.of("/proc", Long.toString(process.pid()), "clear_refs"), "5");
            } catch (IOException | SecurityException refused) {
                all = false;
            }
        }
        return all;
    }

    /** The largest peak resident set size among the processes, in bytes; empty when none could be read. */
    static OptionalLong peak(List<ProcessHandle> processes) {
        OptionalLong largest = OptionalLong.empty();
        for (ProcessHandle process : processes) {
            OptionalLong peak = peakOf(process.pid());
            if (peak.isPresent() && (largest.isEmpty() || peak.getAsLong() > largest.getAsLong())) {
                largest = peak;
            }
        }
        return largest;
    }

    static OptionalLong peakOf(long pid) {
        try {
            return parseStatus(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        } catch (IOException gone) {
            return OptionalLong.empty();
        }
    }

    /** {@code VmHWM:   123456 kB} of a status file, in bytes. */
    static OptionalLong parseStatus(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmHWM:")) {
                String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
                if (parts.length == 2 && parts[1].toLowerCase(Locale.ROOT).equals("kb")) {
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        }
        return OptionalLong.empty();
    }
}
