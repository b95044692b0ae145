package dev.fileanalysis.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.github.luben.zstd.Zstd;
import dev.fileanalysis.bench.BenchData.Generated;
import dev.fileanalysis.bench.BenchData.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The benchmark's data: the same seed gives the same bytes, and the mix is what the issue asks for. */
class BenchDataTest {

    @TempDir
    Path folder;

    @Test
    void theSameSeedMakesTheSameBytesAndAnotherSeedOtherBytes() throws Exception {
        Generated first = BenchData.mixed(7, 3_000_000, folder.resolve("a.bin"));
        Generated again = BenchData.mixed(7, 3_000_000, folder.resolve("b.bin"));
        Generated other = BenchData.mixed(8, 3_000_000, folder.resolve("c.bin"));

        assertThat(Files.mismatch(first.path(), again.path())).isEqualTo(-1);
        assertThat(again.sha256()).isEqualTo(first.sha256());
        assertThat(other.sha256()).isNotEqualTo(first.sha256());
    }

    @Test
    void theReportedSizeAndHashAreThoseOfTheFileOnDisk() throws Exception {
        Generated file = BenchData.mixed(1, 1_000_001, folder.resolve("odd.bin"));

        byte[] bytes = Files.readAllBytes(file.path());
        assertThat(bytes).hasSize(1_000_001);
        assertThat(java.util.HexFormat.of().formatHex(BenchData.sha256().digest(bytes))).isEqualTo(file.sha256());
        assertThat(file.composition().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1_000_001);
    }

    @Test
    void aMixedFileIsFifteenPercentRandomAndTheRestLogsJsonAndCsv() throws Exception {
        // 20 segments per deck, 40 decks
        Generated file = BenchData.mixed(42, 800L * BenchData.SEGMENT_BYTES, folder.resolve("mixed.bin"));

        assertThat(file.share(Kind.RANDOM)).isEqualTo(0.15);
        assertThat(file.share(Kind.LOG)).isEqualTo(0.35);
        assertThat(file.share(Kind.JSON)).isEqualTo(0.25);
        assertThat(file.share(Kind.CSV)).isEqualTo(0.25);
    }

    @Test
    void theTextCompressesWellAndTheRandomPartNotAtAll() throws Exception {
        Generated mixed = BenchData.mixed(42, 4L << 20, folder.resolve("mixed.bin"));
        Generated random = BenchData.random(42, 4L << 20, folder.resolve("random.bin"));

        double mixedRatio = Zstd.compress(Files.readAllBytes(mixed.path()), 3).length / (double) mixed.bytes();
        double randomRatio = Zstd.compress(Files.readAllBytes(random.path()), 3).length / (double) random.bytes();

        // 15% stays as it is, the 85% of text shrinks several times
        assertThat(mixedRatio).isBetween(0.18, 0.40);
        assertThat(randomRatio).isCloseTo(1.0, within(0.001));
        assertThat(random.share(Kind.RANDOM)).isEqualTo(1.0);
    }

    @Test
    void smallFilesAreDeterministicAndAllDifferent() throws Exception {
        List<Generated> files = BenchData.smallFiles(3, 50, 4096, folder.resolve("small"));
        List<Generated> again = BenchData.smallFiles(3, 50, 4096, folder.resolve("again"));

        assertThat(files).hasSize(50).allSatisfy(file -> assertThat(Files.size(file.path())).isEqualTo(4096));
        assertThat(files.stream().map(Generated::sha256).distinct()).hasSize(50);
        assertThat(again.stream().map(Generated::sha256).toList()).isEqualTo(files.stream().map(Generated::sha256).toList());
        assertThat(files.get(0).path().getFileName().toString()).isEqualTo("small-00000.txt");
    }

    @Test
    void anEmptyFileIsAFileToo() throws Exception {
        Generated empty = BenchData.mixed(1, 0, folder.resolve("empty.bin"));

        assertThat(Files.size(empty.path())).isZero();
        assertThat(empty.sha256()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
