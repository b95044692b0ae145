package dev.fileanalysis.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

import dev.fileanalysis.crypto.ClientKeyPair;

/**
 * One run of the client's beans over a device folder ({@code state/} and {@code results/}),
 * talking to a {@link FakePipelineServer}. A crash is simulated by copying the folder at the
 * instant of the crash and starting a new run over the copy, as a restarted process would.
 */
final class Device {

    static final FileUploader.UploadSettings ONE_AT_A_TIME = new FileUploader.UploadSettings(64 << 10, 1, 1, 1, 1L << 30);

    final Path home;
    final ClientKeyPair keys;
    final FakePipelineServer server;
    final FileUploader.UploadSettings settings;
    final ClientJournal journal;
    final FileUploader uploader;
    final ResultInbox inbox;
    /** The device's clock: a test moves it on to where a waiting result is tried again. */
    final MovableClock clock = new MovableClock();

    Device(Path home, ClientKeyPair keys, FakePipelineServer server, FileUploader.UploadSettings settings) {
        this(home, keys, server, settings, null);
    }

    Device(Path home, ClientKeyPair keys, FakePipelineServer server, FileUploader.UploadSettings settings,
           ResultFolder results) {
        this.home = home;
        this.keys = keys;
        this.server = server;
        this.settings = settings;
        PipelineServer session = server.session();
        this.journal = new ClientJournal(home.resolve("state"));
        this.uploader = new FileUploader(session, keys, journal, settings);
        this.inbox = new ResultInbox(session, keys, journal, results == null ? new ResultFolder(results()) : results, clock);
    }

    Path results() {
        return home.resolve("results");
    }

    /** The client started again over the folder as a crash left it in {@code snapshot}. */
    Device restartFrom(Path snapshot) {
        return new Device(snapshot, keys, server, settings);
    }

    Device restartFrom(Path snapshot, ResultFolder results) {
        return new Device(snapshot, keys, server, settings, results);
    }

    /** The result files a person sees (hidden temporary files left out). */
    List<Path> resultFiles() throws IOException {
        if (!Files.isDirectory(results())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(results())) {
            return files.filter(file -> !file.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    /** A clock that stands still until a test moves it on. */
    static final class MovableClock extends java.time.Clock {

        private volatile java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");

        void moveOn(java.time.Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    /** Copies the device folder as it is at this instant, as a kill -9 would leave it. */
    Runnable snapshotTo(Path target) {
        return () -> copy(home, target);
    }

    static void copy(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path copy = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else if (Files.exists(file)) {
                    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
