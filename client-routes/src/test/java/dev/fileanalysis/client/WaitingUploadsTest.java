package dev.fileanalysis.client;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.fileanalysis.crypto.ClientKeyPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What may clear by waiting keeps the file waiting in the drop folder, not FAILED: a signed-out
 * device sends its files once someone signs in, and a server that cannot be reached is tried
 * again with growing waits, said once in the log.
 */
class WaitingUploadsTest {

    @TempDir
    Path temp;

    private final FakePipelineServer server = new FakePipelineServer();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private Device device;
    private Path drop;

    @BeforeEach
    void start() throws IOException {
        device = new Device(temp.resolve("device"), ClientKeyPair.generate(), server, Device.ONE_AT_A_TIME);
        drop = Files.createDirectories(temp.resolve("drop"));
        log.start();
        ((Logger) LoggerFactory.getLogger(FileUploader.class)).addAppender(log);
    }

    @AfterEach
    void stopLog() {
        ((Logger) LoggerFactory.getLogger(FileUploader.class)).detachAppender(log);
    }

    @Test
    void aSignedOutDeviceKeepsItsFilesWaitingAndSendsThemOnceSomeoneSignsIn() throws Exception {
        Path first = write("contract.pdf");
        Path second = write("invoice.pdf");
        server.signOut();

        CompletableFuture<String> firstJob = CompletableFuture.supplyAsync(() -> upload(first));
        CompletableFuture<String> secondJob = CompletableFuture.supplyAsync(() -> upload(second));
        await("both uploads wait for a sign-in").atMost(Duration.ofSeconds(10)).until(() -> server.signInWaits.get() >= 2);

        assertThat(firstJob).isNotDone();
        assertThat(device.uploader.waiting()).containsOnlyKeys(first.toString(), second.toString())
                .allSatisfy((path, why) -> assertThat(why).contains("signed out").contains("./pipeline login"));
        assertThat(device.journal.owedResults()).as("no FAILED result for a file that waits").isEmpty();
        assertThat(device.resultFiles()).isEmpty();

        server.signIn();

        assertThat(firstJob.get(10, TimeUnit.SECONDS)).startsWith("job-");
        assertThat(secondJob.get(10, TimeUnit.SECONDS)).startsWith("job-");
        assertThat(server.completedJobs()).hasSize(2);
        assertThat(server.reassemble(firstJob.get())).isEqualTo(Files.readAllBytes(first));
        assertThat(device.uploader.waiting()).isEmpty();
    }

    @Test
    void aServerThatCannotBeReachedIsTriedAgainLaterAndTheFileIsSentWhenItAnswers() throws Exception {
        Path file = write("ledger.xlsx");
        device.uploader.firstWaitWhenUnavailable(Duration.ofMillis(20));
        AtomicInteger refusals = new AtomicInteger();
        server.hook(call -> {
            if (call.name().equals("reserve") && !call.applied() && refusals.incrementAndGet() <= 3) {
                throw new ServerUnavailableException("reserving a job at the server", new ConnectException("Connection refused"));
            }
        });

        String job = device.uploader.upload(file.toFile());

        assertThat(refusals.get()).as("tried until the server answered").isEqualTo(4);
        assertThat(server.reassemble(job)).isEqualTo(Files.readAllBytes(file));
        assertThat(device.journal.owedResults()).isEmpty();
        assertThat(log.list).filteredOn(event -> event.getLevel() == Level.WARN)
                .singleElement().satisfies(event -> assertThat(event.getFormattedMessage())
                        .contains("Connection refused").contains("ledger.xlsx").contains("wait"));
        assertThat(device.uploader.waiting()).isEmpty();
    }

    @Test
    void storageThatKeepsFailingMidUploadMakesTheFileWaitAndOnlyTheMissingChunksAreSentLater() throws Exception {
        Path file = Files.write(drop.resolve("scan.tiff"), random(3 * (64 << 10)));
        device.uploader.firstWaitWhenUnavailable(Duration.ofMillis(20));
        AtomicInteger failures = new AtomicInteger();
        server.hook(call -> {
            // Chunk 2 cannot reach storage for six tries in a row: more than one round of PUT attempts.
            if (call.name().equals("put") && !call.applied() && call.index() == 2 && failures.incrementAndGet() <= 6) {
                throw new ServerUnavailableException("sending a chunk to storage", new ConnectException("Connection refused"));
            }
        });

        String job = device.uploader.upload(file.toFile());

        assertThat(server.reassemble(job)).isEqualTo(Files.readAllBytes(file));
        assertThat(server.puts(job, 0)).as("a chunk that landed is not sent again after the wait").isEqualTo(1);
        assertThat(device.journal.owedResults()).isEmpty();
    }

    private String upload(Path file) {
        try {
            return device.uploader.upload(file.toFile());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new java.util.Random(7).nextBytes(bytes);
        return bytes;
    }

    private Path write(String name) throws IOException {
        return Files.write(drop.resolve(name), (name + " content").getBytes(StandardCharsets.UTF_8));
    }
}
