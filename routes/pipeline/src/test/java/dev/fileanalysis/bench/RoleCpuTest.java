package dev.fileanalysis.bench;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each role's CPU comes from the kernel's own counters, and a role's helper processes count for it. */
class RoleCpuTest {

    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String line = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 12 3 20 0 30 0 100 0 0";

        long[] fields = RoleCpu.parseStat(line);

        assertThat(fields[14 - 3]).as("utime").isEqualTo(250);
        assertThat(fields[15 - 3]).as("stime").isEqualTo(75);
        assertThat(fields[16 - 3]).as("cutime").isEqualTo(12);
        assertThat(fields[17 - 3]).as("cstime").isEqualTo(3);
    }

    @Test
    void aToolThatBurnsCpuShowsInTheEndedChildrenTime() throws Exception {
        double before = RoleCpu.endedChildrenSeconds();

        // about 0.3 s of CPU in a child (sha256sum of 256 MiB of zeros), waited for
        Process tool = new ProcessBuilder("sh", "-c", "head -c 268435456 /dev/zero | sha256sum >/dev/null").start();
        assertThat(tool.waitFor()).isZero();

        assertThat(RoleCpu.endedChildrenSeconds() - before).isPositive();
    }

    @Test
    void aProcessWithoutARoleCountsForItsNearestAncestorWithOne() throws Exception {
        ProcessHandle self = ProcessHandle.current();
        Process child = new ProcessBuilder("sh", "-c", "read line").start();
        try {
            ProcessHandle handle = child.toHandle();

            Map<String, Double> seconds = RoleCpu.byRole(List.of(self, handle),
                    process -> process.pid() == self.pid() ? "devstack" : null);

            assertThat(seconds).containsOnlyKeys("devstack");
            assertThat(seconds.get("devstack")).isGreaterThanOrEqualTo(RoleCpu.cpuSeconds(self.pid()).orElseThrow() - 1);
        } finally {
            child.getOutputStream().close();
            child.waitFor();
        }
    }

    @Test
    void whatWasSpentIsPerRoleAndARoleThatAppearedLaterCountsFromZero() {
        Map<String, Double> spent = RoleCpu.spent(Map.of("client", 1.0), Map.of("client", 3.5, "engine", 0.5));

        assertThat(spent).containsExactly(Map.entry("client", 2.5), Map.entry("engine", 0.5));
    }
}
