package dev.fileanalysis.client;

import dev.fileanalysis.chunk.ChunkCodec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompressionSettingTest {

    @Test
    void autoNoneAndNumbersAreUnderstood() {
        assertThat(CompressionSetting.parse(" AUTO ").adaptive()).isTrue();
        assertThat(CompressionSetting.parse("none").fixedLevel()).isEqualTo(ChunkCodec.STORED);
        assertThat(CompressionSetting.parse("19").fixedLevel()).isEqualTo(19);
        assertThat(CompressionSetting.parse("-3").fixedLevel()).isEqualTo(-3);
    }

    @Test
    void autoGivesEachUploaderOneLearningChooser() {
        assertThat(CompressionSetting.AUTO.plan(2)).isInstanceOf(CompressionLevelChooser.class);
        assertThat(CompressionSetting.parse("7").plan(2).nextLevel()).isEqualTo(7);
    }

    @Test
    void whatIsNotALevelIsRefusedSayingWhatToWrite() {
        assertThatThrownBy(() -> CompressionSetting.parse("fast")).hasMessageContaining("'fast' is not a compression level")
                .hasMessageContaining("auto");
        assertThatThrownBy(() -> CompressionSetting.parse("23")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> CompressionSetting.parse("0")).hasMessageContaining("out of range");
    }
}
