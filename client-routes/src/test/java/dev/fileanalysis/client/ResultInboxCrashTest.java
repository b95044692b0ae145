package dev.fileanalysis.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.crypto.ClientKeyPair;
import dev.fileanalysis.model.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A result is written once, whatever instant the client is killed at: between choosing its name
 * and moving it into place, between moving it and recording that, between recording and
 * acknowledging. A full results disk loses nothing and says what to do.
 */
class ResultInboxCrashTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private final FakePipelineServer server = new FakePipelineServer();
    private final ClientKeyPair keys = ClientKeyPair.generate();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private Device device;
    private Path file;
    private String job;

    @BeforeEach
    void sendAFile() throws Exception {
        device = new Device(temp.resolve("device"), keys, server, Device.ONE_AT_A_TIME);
        file = Files.write(Files.createDirectories(temp.resolve("drop")).resolve("invoice.pdf"),
                "an invoice".getBytes(StandardCharsets.UTF_8));
        job = device.uploader.upload(file.toFile());
        log.start();
        ((Logger) LoggerFactory.getLogger(ResultInbox.class)).addAppender(log);
    }

    @AfterEach
    void stopLog() {
        ((Logger) LoggerFactory.getLogger(ResultInbox.class)).detachAppender(log);
    }

    @Test
    void aResultIsWrittenOnceAndAcknowledgedEvenWhenFetchedAgain() throws Exception {
        Result result = doneResult();

        Path written = deliverAll(device);
        server.results.add(result); // the acknowledgement was lost: the server offers it again
        deliverAll(device);

        assertThat(device.resultFiles()).containsExactly(written);
        JsonNode content = JSON.readTree(written.toFile());
        assertThat(content.path("job").asText()).isEqualTo(job);
        assertThat(content.path("name").asText()).isEqualTo("invoice.pdf");
        assertThat(content.path("result").path("sha256").asText()).isEqualTo("abc");
        assertThat(server.results).isEmpty();
    }

    @Test
    void resultsKeptInOnePollAreAcknowledgedTogetherInOneRequest() throws Exception {
        List<String> jobs = new java.util.ArrayList<>(List.of(job));
        for (String name : List.of("receipt.pdf", "contract.pdf")) {
            Path another = Files.write(file.resolveSibling(name), name.getBytes(StandardCharsets.UTF_8));
            jobs.add(device.uploader.upload(another.toFile()));
        }
        for (String each : jobs) {
            server.addResult(each, "DONE", FakePipelineServer.sealed(each, "{\"size\":1}", keys.publicKey()), null);
        }
        int before = server.acknowledgements.get();

        List<ResultInbox.Stored> kept = new java.util.ArrayList<>();
        for (Result result : device.inbox.fetch()) {
            kept.add(device.inbox.keep(result));
        }
        assertThat(server.results).as("nothing is acknowledged while results are being kept").hasSize(3);
        device.inbox.acknowledge(kept);

        assertThat(server.acknowledgements.get() - before).as("acknowledgement requests").isEqualTo(1);
        assertThat(server.results).isEmpty();
        assertThat(device.resultFiles()).hasSize(3);
    }

    @Test
    void killedBeforeTheAcknowledgementTheRestartedClientOnlyAcknowledges() throws Exception {
        doneResult();
        Path crashed = temp.resolve("after-crash");
        server.crashAt(call -> call.name().equals("ack") && !call.applied(), device.snapshotTo(crashed));
        deliverAll(device);

        Device restarted = device.restartFrom(crashed);
        deliverAll(restarted);

        assertThat(restarted.resultFiles()).extracting(path -> path.getFileName().toString()).containsExactly("invoice.pdf.json");
        assertThat(server.results).isEmpty();
    }

    @Test
    void killedAfterTheNameWasChosenButBeforeTheFileWasMovedTheFileGoesUnderThatName() throws Exception {
        doneResult();
        Path crashed = temp.resolve("after-crash");
        Device dying = device.restartFrom(device.home, new ResultFolder(device.results()) {
            @Override
            void publishMove(Path staged, Path target) {
                Device.copy(device.home, crashed);
                throw new IllegalStateException("killed before the move");
            }
        });
        assertThat(dying.journal.byJob(job).orElseThrow().resultFile()).isNull();
        org.assertj.core.api.Assertions.catchThrowable(() -> deliverAll(dying));

        Device restarted = device.restartFrom(crashed);
        assertThat(restarted.journal.byJob(job).orElseThrow().resultFile()).isEqualTo("invoice.pdf.json");
        assertThat(restarted.resultFiles()).as("nothing published yet").isEmpty();
        deliverAll(restarted);

        assertThat(restarted.resultFiles()).extracting(path -> path.getFileName().toString()).containsExactly("invoice.pdf.json");
        assertThat(hiddenFiles(restarted)).as("no temporary file left behind").isEmpty();
    }

    @Test
    void killedAfterTheMoveButBeforeItWasRecordedTheFileIsRecognisedAndNotWrittenAgain() throws Exception {
        doneResult();
        Path crashed = temp.resolve("after-crash");
        Device dying = device.restartFrom(device.home, new ResultFolder(device.results()) {
            @Override
            void publishMove(Path staged, Path target) throws IOException {
                super.publishMove(staged, target);
                Device.copy(device.home, crashed);
                throw new IllegalStateException("killed after the move");
            }
        });
        org.assertj.core.api.Assertions.catchThrowable(() -> deliverAll(dying));

        Device restarted = device.restartFrom(crashed);
        assertThat(restarted.journal.byJob(job).orElseThrow().resultIsWritten()).isFalse();
        deliverAll(restarted);

        assertThat(restarted.resultFiles()).extracting(path -> path.getFileName().toString()).containsExactly("invoice.pdf.json");
        assertThat(restarted.journal.byJob(job).orElseThrow().resultIsWritten()).isTrue();
        assertThat(server.results).isEmpty();
    }

    @Test
    void aResultWrittenBeforeIsNotWrittenAgainEvenIfThePersonRemovedIt() throws Exception {
        Result result = doneResult();
        Path written = deliverAll(device);
        Files.delete(written);
        server.results.add(result);

        deliverAll(device);

        assertThat(device.resultFiles()).isEmpty();
        assertThat(server.results).isEmpty();
    }

    @Test
    void aFullResultsDiskLosesNoResultSaysWhatToDoOnceAndWritesItWhenThereIsRoom() throws Exception {
        doneResult();
        boolean[] full = {true};
        Device cramped = device.restartFrom(device.home, new ResultFolder(device.results(), (path, bytes) -> {
            if (full[0]) {
                Files.write(path, new byte[] {'{'}); // the disk fills up half-way through
                throw new IOException("No space left on device");
            }
            ClientJournal.writeDurably(path, bytes);
        }));

        deliverAll(cramped);
        deliverAll(cramped);

        assertThat(cramped.resultFiles()).isEmpty();
        assertThat(hiddenFiles(cramped)).as("no half-written file left").isEmpty();
        assertThat(server.results).as("kept at the server, not acknowledged").hasSize(1);
        List<String> errors = log.list.stream().filter(event -> event.getLevel().toString().equals("ERROR"))
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(errors).singleElement().asString().contains("results folder").contains("is full")
                .contains("invoice.pdf").contains(job).contains("Free some space");

        full[0] = false;
        cramped.clock.moveOn(java.time.Duration.ofMinutes(1));
        deliverAll(cramped);

        assertThat(cramped.resultFiles()).extracting(path -> path.getFileName().toString()).containsExactly("invoice.pdf.json");
        assertThat(server.results).isEmpty();
    }

    @Test
    void aFailureResultTheClientOwesIsWrittenOnTheNextPollWhenTheDiskWasFull() throws Exception {
        boolean[] full = {true};
        Device cramped = device.restartFrom(device.home, new ResultFolder(device.results(), (path, bytes) -> {
            if (full[0]) {
                throw new IOException("No space left on device");
            }
            ClientJournal.writeDurably(path, bytes);
        }));
        Path folder = Files.createDirectories(temp.resolve("drop").resolve("photos"));
        cramped.inbox.reportUnsendable(new DropFolderCheck(folder.getParent(), "^\\..*").scan());
        assertThat(cramped.resultFiles()).isEmpty();

        full[0] = false;
        cramped.clock.moveOn(java.time.Duration.ofMinutes(1));
        cramped.inbox.fetch();

        assertThat(cramped.resultFiles()).singleElement().satisfies(result ->
                assertThat(Files.readString(result)).contains("photos is a folder"));
    }

    @Test
    void theResultOfAnAbandonedUploadIsAcknowledgedWithoutAFile() throws Exception {
        ClientJournal.Entry entry = device.journal.byJob(job).orElseThrow();
        device.journal.record(entry.withState(ClientJournal.ABANDONED, "invoice.pdf changed"));
        server.addResult(job, "FAILED", null, "upload abandoned");

        deliverAll(device);

        assertThat(device.resultFiles()).isEmpty();
        assertThat(server.results).isEmpty();
    }

    @Test
    void aResultOfAJobThisDeviceForgotIsWrittenOnceUnderTheJobId() throws Exception {
        String unknown = "job-00000000-0000-4000-8000-000000000001";
        Result result = server.addResult(unknown, "DONE", FakePipelineServer.sealed(unknown, "{\"size\":1}",
                keys.publicKey()), null);
        Path crashed = temp.resolve("after-crash");
        server.crashAt(call -> call.name().equals("ack") && !call.applied(), device.snapshotTo(crashed));
        deliverAll(device);

        Device restarted = device.restartFrom(crashed);
        deliverAll(restarted);

        assertThat(restarted.resultFiles()).extracting(path -> path.getFileName().toString()).containsExactly(unknown + ".json");
        assertThat(server.results).doesNotContain(result);
    }

    @Test
    void aSecondFileOfTheSameNameGetsItsOwnResultBesideTheFirst() throws Exception {
        doneResult();
        deliverAll(device);
        Files.write(file, "a newer invoice".getBytes(StandardCharsets.UTF_8));
        String second = device.uploader.upload(file.toFile());
        server.addResult(second, "DONE", FakePipelineServer.sealed(second, "{\"sha256\":\"def\"}", keys.publicKey()), null);

        deliverAll(device);

        assertThat(device.resultFiles()).extracting(path -> path.getFileName().toString())
                .containsExactly("invoice.pdf (2).json", "invoice.pdf.json");
    }

    private Result doneResult() {
        return server.addResult(job, "DONE", FakePipelineServer.sealed(job, "{\"size\":10,\"sha256\":\"abc\"}",
                keys.publicKey()), null);
    }

    /** One poll of the fetch-results route; returns the last file written. */
    private static Path deliverAll(Device device) throws Exception {
        Path last = null;
        for (Result result : device.inbox.fetch()) {
            Path written = device.inbox.deliver(result);
            last = written == null ? last : written;
        }
        return last;
    }

    private static List<Path> hiddenFiles(Device device) throws IOException {
        if (!Files.isDirectory(device.results())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(device.results())) {
            return files.filter(path -> path.getFileName().toString().startsWith(".")).toList();
        }
    }
}
