package dev.fileanalysis.client.transfer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Limits as rclone users write them, in bytes (powers of 1024) or in bits (powers of 1000). */
class BandwidthLimitTest {

    @ParameterizedTest(name = "{0} is {1} bytes/s")
    @CsvSource({
            "100M, 104857600",
            "100m, 104857600",
            "100MiB, 104857600",
            "100Mi, 104857600",
            "100M/s, 104857600",
            "1.5M, 1572864",
            "512K, 524288",
            "512, 524288",        // a bare number is KiB/s, as in rclone
            "2048B, 2048",
            "1G, 1073741824",
            "100Mbit, 12500000",
            "100mbit, 12500000",
            "100Mbit/s, 12500000",
            "100Mbps, 12500000",
            "1Gbit, 125000000",
            "10kbit, 1250",
            "'  100M  ', 104857600",
    })
    void parsesBytesAndBits(String text, long bytesPerSecond) {
        BandwidthLimit limit = BandwidthLimit.parse(text);
        assertThat(limit.isUnlimited()).isFalse();
        assertThat(limit.bytesPerSecond()).isEqualTo(bytesPerSecond);
        assertThat(limit.bitsPerSecond()).isEqualTo(bytesPerSecond * 8);
    }

    @ParameterizedTest(name = "''{0}'' means no limit")
    @ValueSource(strings = {"", "off", "OFF", "0", "0M", "0Mbit"})
    void offZeroAndEmptyMeanUnlimited(String text) {
        assertThat(BandwidthLimit.parse(text).isUnlimited()).isTrue();
        assertThat(BandwidthLimit.parse(text).bytesPerSecond()).isZero();
    }

    @Test
    void nullMeansUnlimited() {
        assertThat(BandwidthLimit.parse(null)).isEqualTo(BandwidthLimit.UNLIMITED);
    }

    @ParameterizedTest(name = "''{0}'' is refused")
    @ValueSource(strings = {"fast", "100X", "-5M", "M", "100 Mbytes", "1e6", "100Mbit/h"})
    void nonsenseIsRefusedWithTheValueAndTheAcceptedForms(String text) {
        assertThatThrownBy(() -> BandwidthLimit.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("100Mbit");
    }

    @Test
    void timeTablesAndUpDownPairsAreRefusedByName() {
        assertThatThrownBy(() -> BandwidthLimit.parse("10M:100k"))
                .hasMessageContaining("UP:DOWN pairs are not supported");
        assertThatThrownBy(() -> BandwidthLimit.parse("08:00,512k 12:00,10M"))
                .hasMessageContaining("time tables");
    }

    @Test
    void lessThanOneBytePerSecondIsRefused() {
        assertThatThrownBy(() -> BandwidthLimit.parse("1bit")).hasMessageContaining("less than one byte per second");
    }

    @Test
    void describesItselfInBitsAndBytes() {
        assertThat(BandwidthLimit.parse("100Mbit").describe()).isEqualTo("100Mbit (100 Mbit/s, 12.5 MB/s)");
        assertThat(BandwidthLimit.UNLIMITED.describe()).isEqualTo("unlimited");
    }
}
