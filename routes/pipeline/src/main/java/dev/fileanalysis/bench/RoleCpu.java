package dev.fileanalysis.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * CPU time (user + system) each role of the system under test has spent, read from the kernel's
 * {@code /proc/PID/stat}: the figures are the processes' own, not sampled. A process without a role
 * of its own (dynalite, the devstack's Node.js child) counts for the nearest ancestor that has one.
 * A role's figure is the sum over its processes (both processors, say).
 *
 * <p>The tool floors are timed the same way for processes the bench itself runs and waits for: the
 * kernel adds a reaped child's time to its parent's {@code cutime}/{@code cstime}, so the bench's
 * own children-time before and after a tool's run is what that run cost.
 */
final class RoleCpu {

    /** The roles as the report names them, in its order; {@code devstack} is the storage emulator (S3, DynamoDB, OIDC). */
    static final List<String> ROLES = List.of("client", "processor", "engine", "server", "devstack");

    /** Clock ticks per second of {@code /proc/PID/stat}: USER_HZ, 100 on every Linux architecture the JDK runs on. */
    static final double TICKS_PER_SECOND = 100.0;

    private RoleCpu() {
    }

    /** Seconds of CPU per role among {@code processes} (a process tree's descendants); roles without a process are absent. */
    static Map<String, Double> byRole(List<ProcessHandle> processes, Function<ProcessHandle, String> roleOf) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (ProcessHandle process : processes) {
            String role = owningRole(process, roleOf);
            if (role == null) {
                continue;
            }
            cpuSeconds(process.pid()).ifPresent(cpu -> seconds.merge(role, cpu, Double::sum));
        }
        return seconds;
    }

    private static String owningRole(ProcessHandle process, Function<ProcessHandle, String> roleOf) {
        Optional<ProcessHandle> at = Optional.of(process);
        while (at.isPresent()) {
            String role = roleOf.apply(at.get());
            if (role != null) {
                return role;
            }
            at = at.get().parent();
        }
        return null;
    }

    /** What was spent between two readings, per role (a role that appeared only later counts from zero). */
    static Map<String, Double> spent(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> spent = new LinkedHashMap<>();
        for (String role : ROLES) {
            if (after.containsKey(role)) {
                spent.put(role, Math.max(0, after.get(role) - before.getOrDefault(role, 0.0)));
            }
        }
        return spent;
    }

    /** user + system seconds of one live process, its own threads only. */
    static Optional<Double> cpuSeconds(long pid) {
        return stat(pid).map(fields -> (fields[UTIME] + fields[STIME]) / TICKS_PER_SECOND);
    }

    /** user + system seconds of this process's children that have ended and been waited for. */
    static double endedChildrenSeconds() {
        return stat(ProcessHandle.current().pid()).map(fields -> (fields[CUTIME] + fields[CSTIME]) / TICKS_PER_SECOND)
                .orElseThrow(() -> new IllegalStateException("/proc/self/stat is not readable"));
    }

    // Fields after the command's closing parenthesis, from the third (state) on: proc(5) numbers them from 1.
    private static final int UTIME = 14 - 3;
    private static final int STIME = 15 - 3;
    private static final int CUTIME = 16 - 3;
    private static final int CSTIME = 17 - 3;

    private static Optional<long[]> stat(long pid) {
        try {
            return Optional.of(parseStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    /**
     * The numeric fields of a {@code stat} line from the state on, up to the children's times (later
     * ones, such as the unsigned resource limit, do not fit a long and are not needed). The command
     * name is skipped by its last parenthesis, since a name may itself hold spaces and parentheses.
     */
    static long[] parseStat(String line) {
        String[] rest = line.substring(line.lastIndexOf(')') + 2).trim().split("\\s+");
        long[] fields = new long[CSTIME + 1];
        for (int i = 1; i <= CSTIME; i++) {
            fields[i] = Long.parseLong(rest[i]);
        }
        return fields;
    }
}
