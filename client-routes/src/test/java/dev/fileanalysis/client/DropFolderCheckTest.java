package dev.fileanalysis.client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.fileanalysis.crypto.ClientKeyPair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Only regular files are sent: a folder, a symbolic link or a named pipe in the drop folder gets
 * one FAILED result that names it and says what to do, and nothing reaches the server.
 */
class DropFolderCheckTest {

    private static final String IGNORED = "^\\..*|.*\\.(tmp|temp|part|partial|crdownload|download|swp)$|.*~$";

    @TempDir
    Path temp;

    private final FakePipelineServer server = new FakePipelineServer();
    private Device device;
    private Path drop;
    private DropFolderCheck check;

    @BeforeEach
    void start() throws Exception {
        device = new Device(temp.resolve("device"), ClientKeyPair.generate(), server, Device.ONE_AT_A_TIME);
        drop = Files.createDirectories(temp.resolve("drop"));
        check = new DropFolderCheck(drop, IGNORED);
    }

    @Test
    void aFolderALinkAndAPipeEachGetOneFailedResultSayingWhatToDo() throws Exception {
        Files.createDirectories(drop.resolve("holiday photos"));
        Path secret = Files.writeString(temp.resolve("id_rsa"), "private", StandardCharsets.UTF_8);
        Files.createSymbolicLink(drop.resolve("notes.txt"), secret);
        Process mkfifo = new ProcessBuilder("mkfifo", drop.resolve("pipe").toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        Files.writeString(drop.resolve("fine.txt"), "a regular file");
        Files.createDirectories(drop.resolve(".hidden folder"));

        device.inbox.reportUnsendable(check.scan());
        device.inbox.reportUnsendable(check.scan());

        assertThat(device.resultFiles()).extracting(path -> path.getFileName().toString())
                .containsExactlyInAnyOrder("holiday photos.json", "notes.txt.json", "pipe.json");
        assertThat(Files.readString(device.results().resolve("holiday photos.json")))
                .contains("\"status\" : \"FAILED\"").contains("holiday photos is a folder").contains("move the files it holds");
        assertThat(Files.readString(device.results().resolve("notes.txt.json")))
                .contains("notes.txt is a symbolic link (to " + secret + ")").contains("copy the file itself");
        assertThat(Files.readString(device.results().resolve("pipe.json"))).contains("pipe is not a regular file");
        assertThat(server.calls).isEmpty();
    }

    @Test
    void aLinkTheWatcherHandsOverIsRefusedOnceAndItsTargetIsNeverRead() throws Exception {
        Path secret = Files.writeString(temp.resolve("secret.txt"), "do not send", StandardCharsets.UTF_8);
        Path link = Files.createSymbolicLink(drop.resolve("link.txt"), secret);
        device.inbox.reportUnsendable(check.scan());

        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> device.uploader.upload(link.toFile()));
        device.inbox.reportUploadFailure(link.toFile(), refused);

        assertThat(refused).isInstanceOf(UnsendableFileException.class).hasMessageContaining("link.txt is a symbolic link");
        assertThat(device.resultFiles()).extracting(path -> path.getFileName().toString()).containsExactly("link.txt.json");
        assertThat(server.calls).isEmpty();
    }

    @Test
    void aFolderBeingFilledIsReportedOnceAndForgottenOnceItIsGone() throws Exception {
        Path folder = Files.createDirectories(drop.resolve("box"));
        device.inbox.reportUnsendable(check.scan());
        Files.writeString(folder.resolve("one.txt"), "1");
        device.inbox.reportUnsendable(check.scan());
        Files.writeString(folder.resolve("two.txt"), "2");
        device.inbox.reportUnsendable(check.scan());

        assertThat(device.resultFiles()).extracting(path -> path.getFileName().toString()).containsExactly("box.json");
        Files.delete(folder.resolve("one.txt"));
        Files.delete(folder.resolve("two.txt"));
        Files.delete(folder);
        assertThat(check.scan()).isEmpty();
    }

    @Test
    void aDirectoryHandedToTheUploaderIsRefusedWithItsName() {
        assertThatThrownBy(() -> DropFolderCheck.sendable(drop)).isInstanceOf(UnsendableFileException.class)
                .hasMessageContaining("drop is a folder");
    }

    @Test
    void aFileWhoseNameIsNotUtf8GetsOneFailedResultShowingItsBytesAndSayingToRenameIt() throws Exception {
        // Java cannot make such a name; the shell can (printf writes the raw byte 0xFF).
        Process touch = new ProcessBuilder("sh", "-c", "touch \"$(printf 'Bericht \\377.txt')\"").directory(drop.toFile()).start();
        assertThat(touch.waitFor()).isZero();

        device.inbox.reportUnsendable(check.scan());
        device.inbox.reportUnsendable(check.scan());

        assertThat(device.resultFiles()).singleElement().satisfies(result -> {
            assertThat(result.getFileName().toString()).isEqualTo("Bericht \uFFFD.txt.json");
            assertThat(Files.readString(result)).contains("\"status\" : \"FAILED\"")
                    .contains("Bericht \\\\xFF.txt").contains("not valid UTF-8").contains("Rename it");
        });
        assertThat(server.calls).isEmpty();
    }

    @Test
    void aFileWithABackslashInItsNameGetsOneFailedResultSayingToRenameIt() throws Exception {
        Files.writeString(drop.resolve("2026\\Q4 report.txt"), "the watcher would never hand this over");

        device.inbox.reportUnsendable(check.scan());
        device.inbox.reportUnsendable(check.scan());

        assertThat(device.resultFiles()).singleElement().satisfies(result ->
                assertThat(Files.readString(result)).contains("\"status\" : \"FAILED\"").contains("has a backslash")
                        .contains("Rename it without the backslash"));
    }
}
