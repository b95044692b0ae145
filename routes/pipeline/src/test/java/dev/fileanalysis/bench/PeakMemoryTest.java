package dev.fileanalysis.bench;

import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PeakMemoryTest {

    @Test
    void thePeakIsReadFromTheKernelsStatusInBytes() {
        String status = "Name:\tjava\nVmPeak:\t 3000000 kB\nVmHWM:\t  402688 kB\nVmRSS:\t  390000 kB\n";

        assertThat(PeakMemory.parseStatus(status)).isEqualTo(OptionalLong.of(402688L * 1024));
        assertThat(PeakMemory.parseStatus("Name:\tkthreadd\n")).as("kernel threads have none").isEmpty();
    }

    @Test
    void thisProcesssPeakIsAtLeastWhatItHoldsNow() {
        ProcessHandle self = ProcessHandle.current();
        long peak = PeakMemory.peak(List.of(self)).orElseThrow();

        assertThat(peak).isGreaterThan(Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
    }
}
