package dev.fileanalysis.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import dev.fileanalysis.client.SentFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drop-folder phase starts a client on a folder it has "sent": every seeded file's key must be
 * the one the watcher computes ({@code ${file:name}-${file:size}-${file:modified}}, from
 * java.io.File as Camel's file consumer reads it), or the client would send them all.
 */
class BenchDropFolderTest {

    @TempDir
    Path folder;

    @Test
    void everySeededFileIsInTheWatchersRecordUnderTheKeyTheWatcherComputes() throws Exception {
        Path drop = Files.createDirectories(folder.resolve("drop"));
        Path record = Files.createDirectories(folder.resolve("state")).resolve("sent-files.txt");

        Bench.seedSentFiles(drop, record, 25);

        SentFiles sent = new SentFiles(record);
        assertThat(sent.size()).isEqualTo(25);
        try (Stream<Path> files = Files.list(drop)) {
            assertThat(files).hasSize(25).allSatisfy(path -> {
                File file = path.toFile();
                assertThat(sent.contains(file.getName() + "-" + file.length() + "-" + file.lastModified()))
                        .as(file.getName()).isTrue();
            });
        }
    }
}
