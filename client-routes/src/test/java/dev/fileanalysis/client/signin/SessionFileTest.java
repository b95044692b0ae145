package dev.fileanalysis.client.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionFileTest {

    @TempDir
    Path dir;

    private static StoredSession session(String refreshToken) {
        return new StoredSession("http://127.0.0.1:8080", "dev", refreshToken,
                new SessionGrant.User("user-1", "alice@pipeline.test", "Alice"),
                new SessionGrant.Organisation("org-1", "Alice's organisation", "owner"));
    }

    @Test
    void aWrittenSessionReadsBackAndIsReadableByItsOwnerOnly() throws Exception {
        SessionFile file = new SessionFile(dir.resolve("session.json"));

        file.write(session("refresh-1"));

        assertThat(file.read()).contains(session("refresh-1"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path()))).isEqualTo("rw-------");
        assertThat(Files.readString(file.path())).contains("\"refresh_token\"").contains("alice@pipeline.test");
    }

    @Test
    void writingReplacesTheFileByRenameLeavingNoTempFileAndNoLooserMode() throws Exception {
        Path path = dir.resolve("session.json");
        Files.writeString(path, "{\"refresh_token\":\"old\"}");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
        Object before = Files.getAttribute(path, "unix:ino");
        SessionFile file = new SessionFile(path);

        file.write(session("refresh-2"));

        // A new inode: the old file was replaced whole, never rewritten in place.
        assertThat(Files.getAttribute(path, "unix:ino")).isNotEqualTo(before);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-------");
        assertThat(file.read().map(StoredSession::refreshToken)).contains("refresh-2");
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString()).toList()).containsExactly("session.json");
        }
    }

    @Test
    void aReaderNeverSeesHalfAWrittenSession() throws Exception {
        SessionFile file = new SessionFile(dir.resolve("session.json"));
        file.write(session("refresh-0"));
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                while (writing.get()) {
                    Optional<StoredSession> seen = file.read();
                    assertThat(seen).as("the file is always there, whole").isPresent();
                    assertThat(seen.get().refreshToken()).startsWith("refresh-");
                }
            } catch (Throwable e) {
                readerFailure.set(e);
            }
        });
        reader.start();
        for (int i = 1; i <= 300 && readerFailure.get() == null; i++) {
            file.write(session("refresh-" + i + "-" + "x".repeat(i * 10)));
        }
        writing.set(false);
        reader.join();

        assertThat(readerFailure.get()).isNull();
    }

    @Test
    void noFileMeansNoSessionAndADamagedFileIsNamed() throws Exception {
        SessionFile file = new SessionFile(dir.resolve("session.json"));
        assertThat(file.read()).isEmpty();

        Files.writeString(file.path(), "{\"refresh_token\": ");
        assertThatThrownBy(file::read).hasMessageContaining(file.path().toString()).hasMessageContaining("not a valid session file")
                .hasMessageContaining("./pipeline login");
    }

    @Test
    void deletingForgetsTheSession() throws Exception {
        SessionFile file = new SessionFile(dir.resolve("session.json"));
        file.write(session("refresh-1"));

        file.delete();

        assertThat(file.read()).isEmpty();
        assertThat(file.exists()).isFalse();
    }

    @Test
    void theLockLetsOneRefreshAtATimeThrough() throws Exception {
        SessionFile file = new SessionFile(dir.resolve("session.json"));
        AtomicBoolean inside = new AtomicBoolean();
        AtomicReference<String> overlap = new AtomicReference<>();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 50; i++) {
                    try {
                        file.locked(() -> {
                            if (!inside.compareAndSet(false, true)) {
                                overlap.set("two holders at once");
                            }
                            Thread.yield();
                            inside.set(false);
                            return null;
                        });
                    } catch (Exception e) {
                        overlap.set(e.toString());
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(overlap.get()).isNull();
    }
}
