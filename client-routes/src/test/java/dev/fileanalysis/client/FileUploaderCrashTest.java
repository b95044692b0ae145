package dev.fileanalysis.client;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import dev.fileanalysis.crypto.ClientKeyPair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A client killed at any point of an upload finishes it after a restart as the same job,
 * sending again only the chunk that was in flight; a file that changed meanwhile goes as a new
 * job and is never mixed into the old one. Each crash is simulated by copying the device folder
 * at that instant and starting new beans over the copy.
 */
class FileUploaderCrashTest {

    private static final int CHUNK = 64 << 10;

    @TempDir
    Path temp;

    private final FakePipelineServer server = new FakePipelineServer();
    private final ClientKeyPair keys = ClientKeyPair.generate();
    private Path drop;
    private Device device;

    @BeforeEach
    void start() throws IOException {
        drop = Files.createDirectories(temp.resolve("drop"));
        device = new Device(temp.resolve("device"), keys, server, Device.ONE_AT_A_TIME);
    }

    static Stream<Arguments> crashPoints() {
        return Stream.of(
                Arguments.of("before the reservation reached the server", "reserve", -1, false),
                Arguments.of("after the job was reserved, its answer lost", "reserve", -1, true),
                Arguments.of("before the signed job was registered", "register", -1, false),
                Arguments.of("after registration, its answer lost", "register", -1, true),
                Arguments.of("before chunk 0 was sent", "put", 0, false),
                Arguments.of("with chunk 3 in storage but not yet in the journal", "put", 3, true),
                Arguments.of("before chunk 5 (the last) was sent", "put", 5, false),
                Arguments.of("with chunk 3 in the journal but not yet counted by the server", "progress", 4, false),
                Arguments.of("after progress 4 was recorded at the server", "progress", 4, true),
                Arguments.of("before completion reached the server", "complete", 6, false),
                Arguments.of("after completion, its answer lost", "complete", 6, true));
    }

    @ParameterizedTest(name = "killed {0}")
    @MethodSource("crashPoints")
    void aClientKilledAtAnyPointFinishesTheSameJobAndResendsOnlyTheChunkInFlight(String when, String call, int index,
                                                                                  boolean applied) throws Exception {
        Path file = write("report.bin", random(5 * CHUNK + 1234, 1));
        Path crashed = temp.resolve("after-crash");
        server.crashAt(c -> c.name().equals(call) && c.index() == index && c.applied() == applied,
                device.snapshotTo(crashed));

        assertThatThrownBy(() -> device.uploader.upload(file.toFile())).as("the killed run stops").isInstanceOf(IOException.class);
        assertThat(server.reservations).as("reservations before the crash").hasSizeLessThanOrEqualTo(1);
        Map<String, Integer> putsAtCrash = putsPerChunk();

        Device restarted = device.restartFrom(crashed);
        // The watcher hands the file over again: its sent-files key was not kept before the upload ended.
        String job = restarted.uploader.upload(file.toFile());

        assertThat(server.reservations).as("one reservation, reused after the crash").hasSize(1);
        assertThat(server.completedJobs()).singleElement().satisfies(done -> assertThat(done.id).isEqualTo(job));
        assertThat(server.reassemble(job)).isEqualTo(Files.readAllBytes(file));
        for (int chunk = 0; chunk < 6; chunk++) {
            int sentAgain = server.puts(job, chunk) - putsAtCrash.getOrDefault(job + "/" + chunk, 0);
            boolean inFlight = call.equals("put") && chunk == index;
            if (putsAtCrash.getOrDefault(job + "/" + chunk, 0) > 0) {
                assertThat(sentAgain).as("chunk " + chunk + " had landed before the crash")
                        .isEqualTo(inFlight ? 1 : 0);
            }
            assertThat(server.puts(job, chunk)).as("PUTs of chunk " + chunk).isBetween(1, inFlight && applied ? 2 : 1);
        }
        assertThat(restarted.journal.latestUpload(file).orElseThrow().state()).isEqualTo(ClientJournal.UPLOADED);
        assertThat(restarted.uploader.unfinishedFiles()).isEmpty();
    }

    @Test
    void onStartTheResumeRouteFinishesAnUploadTheWatcherWillNotHandOverAgain() throws Exception {
        Path file = write("kept.bin", random(4 * CHUNK, 2));
        Path crashed = temp.resolve("after-crash");
        server.crashAt(c -> c.name().equals("put") && c.index() == 2 && c.applied(), device.snapshotTo(crashed));
        assertThatThrownBy(() -> device.uploader.upload(file.toFile())).isInstanceOf(IOException.class);
        String jobBefore = server.reservations.values().iterator().next();

        Device restarted = device.restartFrom(crashed);
        List<File> unfinished = restarted.uploader.unfinishedFiles();
        assertThat(unfinished).containsExactly(file.toFile());
        String job = restarted.uploader.resume(unfinished.get(0));

        assertThat(job).isEqualTo(jobBefore);
        assertThat(server.reassemble(job)).isEqualTo(Files.readAllBytes(file));
        assertThat(server.puts(job, 0)).isEqualTo(1);
        assertThat(server.puts(job, 1)).isEqualTo(1);
        assertThat(server.puts(job, 2)).as("the chunk in flight").isEqualTo(2);
        assertThat(server.puts(job, 3)).isEqualTo(1);
        // And if the watcher hands it over after all, nothing is sent twice.
        int putsBefore = server.putsOf(job);
        assertThat(restarted.uploader.upload(file.toFile())).isEqualTo(job);
        assertThat(server.putsOf(job)).isEqualTo(putsBefore);
    }

    @Test
    void withSeveralChunksInFlightOnlyThoseInFlightAreSentAgain() throws Exception {
        FileUploader.UploadSettings parallel = new FileUploader.UploadSettings(CHUNK, 1, 3, 4, 1L << 30);
        device = new Device(temp.resolve("parallel"), keys, server, parallel);
        Path file = write("big.bin", random(40 * CHUNK + 7, 3));
        Path crashed = temp.resolve("after-crash");
        server.crashAt(c -> c.name().equals("put") && c.applied() && server.puts.size() >= 17, device.snapshotTo(crashed));
        assertThatThrownBy(() -> device.uploader.upload(file.toFile())).isInstanceOf(IOException.class);
        Map<String, Integer> atCrash = putsPerChunk();
        ClientJournal journalAtCrash = new ClientJournal(crashed.resolve("state"));
        Set<Integer> journaled = journalAtCrash.landedChunks(journalAtCrash.latestUpload(file).orElseThrow()).keySet();

        String job = device.restartFrom(crashed).uploader.upload(file.toFile());
        for (int chunk : journaled) {
            assertThat(server.puts(job, chunk)).as("chunk " + chunk + " was in the journal at the crash").isEqualTo(1);
        }

        assertThat(server.reassemble(job)).isEqualTo(Files.readAllBytes(file));
        long sentTwice = server.puts.values().stream().filter(count -> count.get() > 1).count();
        assertThat(sentTwice).as("chunks sent twice (at most those in flight: " + parallel.chunksInFlight() + ")")
                .isLessThanOrEqualTo(parallel.chunksInFlight());
        assertThat(server.puts.values()).allSatisfy(count -> assertThat(count.get()).isLessThanOrEqualTo(2));
        assertThat(atCrash).as("the crash came mid-upload").hasSizeGreaterThanOrEqualTo(17);
    }

    @Test
    void aFileAlreadySentIsNotSentAgainWhenTheWatcherHandsItOverAgain() throws Exception {
        Path file = write("once.bin", random(3 * CHUNK, 4));
        String job = device.uploader.upload(file.toFile());
        int puts = server.putsOf(job);

        // E.g. the sent-files list lost its last line in a power cut.
        assertThat(device.restartFrom(device.home).uploader.upload(file.toFile())).isEqualTo(job);

        assertThat(server.putsOf(job)).isEqualTo(puts);
        assertThat(server.reservations).hasSize(1);
    }

    @Test
    void aFileChangedWhileTheClientWasDownGoesAsANewJobOnceTheWatcherSeesIt() throws Exception {
        Path file = write("draft.bin", random(5 * CHUNK, 5));
        Path crashed = temp.resolve("after-crash");
        server.crashAt(c -> c.name().equals("put") && c.index() == 2 && c.applied(), device.snapshotTo(crashed));
        assertThatThrownBy(() -> device.uploader.upload(file.toFile())).isInstanceOf(IOException.class);
        String oldJob = server.reservations.values().iterator().next();
        byte[] newContent = random(5 * CHUNK + 99, 6);
        Files.write(file, newContent);

        Device restarted = device.restartFrom(crashed);
        List<File> unfinished = restarted.uploader.unfinishedFiles();
        assertThat(restarted.uploader.resume(unfinished.get(0))).as("left to the watcher: it waits for the file to be still")
                .isNull();
        String newJob = restarted.uploader.upload(file.toFile());

        assertThat(newJob).isNotEqualTo(oldJob);
        assertThat(server.completedJobs()).singleElement().satisfies(done -> assertThat(done.id).isEqualTo(newJob));
        assertThat(server.reassemble(newJob)).isEqualTo(newContent);
        assertThat(server.putsOf(oldJob)).as("nothing more sent to the old job").isEqualTo(3);
        assertThat(restarted.journal.byJob(oldJob).orElseThrow().state()).isEqualTo(ClientJournal.ABANDONED);
    }

    @Test
    void contentChangedUnderTheSameSizeAndTimeIsCaughtByTheChunkHashesAndSentAsANewJob() throws Exception {
        byte[] original = random(4 * CHUNK, 7);
        Path file = write("sneaky.bin", original);
        FileTime modified = Files.getLastModifiedTime(file);
        Path crashed = temp.resolve("after-crash");
        server.crashAt(c -> c.name().equals("put") && c.index() == 2 && c.applied(), device.snapshotTo(crashed));
        assertThatThrownBy(() -> device.uploader.upload(file.toFile())).isInstanceOf(IOException.class);
        String oldJob = server.reservations.values().iterator().next();
        byte[] changed = original.clone();
        changed[10] ^= 1;
        Files.write(file, changed);
        Files.setLastModifiedTime(file, modified);

        Device restarted = device.restartFrom(crashed);
        String newJob = restarted.uploader.resume(restarted.uploader.unfinishedFiles().get(0));

        assertThat(newJob).isNotNull().isNotEqualTo(oldJob);
        assertThat(server.completedJobs()).singleElement().satisfies(done -> assertThat(done.id).isEqualTo(newJob));
        assertThat(server.reassemble(newJob)).isEqualTo(changed);
        assertThat(restarted.journal.byJob(oldJob).orElseThrow().error()).contains("sneaky.bin").contains("changed");
    }

    @Test
    void aFileChangedDuringItsUploadIsNeverMixedIntoItsJobAndItsNewVersionGoesAsANewJob() throws Exception {
        byte[] original = random(6 * CHUNK, 8);
        Path file = write("growing.log", original);
        byte[] longer = random(7 * CHUNK, 9);
        server.hook(call -> {
            if (call.name().equals("put") && call.index() == 2 && !call.applied() && Files.size(file) == original.length) {
                Files.write(file, longer);
            }
        });

        assertThat(device.uploader.upload(file.toFile())).as("the watcher sends the new version once it is still").isNull();
        String oldJob = server.reservations.values().iterator().next();
        assertThat(server.completedJobs()).isEmpty();
        assertThat(server.putsOf(oldJob)).as("chunks 0 to 2, read before the change").isEqualTo(3);

        server.hook(call -> { });
        String newJob = device.uploader.upload(file.toFile());
        assertThat(server.reassemble(newJob)).isEqualTo(longer);
        assertThat(server.completedJobs()).hasSize(1);
    }

    @Test
    void aFileReplacedByOneTheWatcherCannotTellApartIsSentAgainAtOnce() throws Exception {
        byte[] original = random(4 * CHUNK, 10);
        Path file = write("same-size.bin", original);
        byte[] replacement = random(4 * CHUNK, 11);
        server.hook(call -> {
            if (call.name().equals("put") && call.index() == 1 && !call.applied() && server.reservations.size() == 1) {
                Path staged = Files.write(drop.resolve(".staged"), replacement);
                Files.setLastModifiedTime(staged, Files.getLastModifiedTime(file));
                Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        });

        String job = device.uploader.upload(file.toFile());

        assertThat(server.reservations).hasSize(2);
        assertThat(server.completedJobs()).singleElement().satisfies(done -> assertThat(done.id).isEqualTo(job));
        assertThat(server.reassemble(job)).isEqualTo(replacement);
    }

    @Test
    void aFileRemovedDuringItsUploadGetsAFailedResultNamingItAndItsJobIsNotCompleted() throws Exception {
        Path file = write("vanishing.pdf", random(5 * CHUNK, 12));
        server.hook(call -> {
            if (call.name().equals("put") && call.index() == 1 && !call.applied()) {
                Files.deleteIfExists(file);
            }
        });

        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> device.uploader.upload(file.toFile()));
        assertThat(failure).isInstanceOf(UploadFailedException.class);
        Path result = device.inbox.reportUploadFailure(file.toFile(), failure);

        assertThat(server.completedJobs()).isEmpty();
        String text = Files.readString(result);
        assertThat(result.getFileName().toString()).isEqualTo("vanishing.pdf.json");
        assertThat(text).contains("\"status\" : \"FAILED\"").contains("vanishing.pdf was removed from the drop folder")
                .contains("Put it back into the drop folder");
        assertThat(device.uploader.unfinishedFiles()).isEmpty();
    }

    @Test
    void aFileRemovedWhileTheClientWasDownGetsAFailedResultOnStart() throws Exception {
        Path file = write("gone.bin", random(4 * CHUNK, 13));
        Path crashed = temp.resolve("after-crash");
        server.crashAt(c -> c.name().equals("put") && c.index() == 2 && c.applied(), device.snapshotTo(crashed));
        assertThatThrownBy(() -> device.uploader.upload(file.toFile())).isInstanceOf(IOException.class);
        Files.delete(file);

        Device restarted = device.restartFrom(crashed);
        File unfinished = restarted.uploader.unfinishedFiles().get(0);
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> restarted.uploader.resume(unfinished));
        restarted.inbox.reportUploadFailure(unfinished, failure);

        assertThat(restarted.resultFiles()).singleElement().satisfies(result -> assertThat(Files.readString(result))
                .contains("gone.bin was removed from the drop folder before it was completely sent (2 of 4 chunks")
                .contains("Put it back"));
        assertThat(restarted.uploader.unfinishedFiles()).isEmpty();
    }

    @Test
    void aJobTheServerNoLongerKnowsIsReplacedByANewOne() throws Exception {
        Path file = write("lost.bin", random(3 * CHUNK, 14));
        Path crashed = temp.resolve("after-crash");
        server.crashAt(c -> c.name().equals("put") && c.index() == 1 && c.applied(), device.snapshotTo(crashed));
        assertThatThrownBy(() -> device.uploader.upload(file.toFile())).isInstanceOf(IOException.class);
        String oldJob = server.reservations.values().iterator().next();
        server.jobs.remove(oldJob);

        String job = device.restartFrom(crashed).uploader.upload(file.toFile());

        assertThat(job).isNotEqualTo(oldJob);
        assertThat(server.reassemble(job)).isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void anUploadTheServerGaveUpWhileTheClientWasDownIsSentAgainAndOnlyTheNewJobsResultIsWritten() throws Exception {
        Path file = write("late.bin", random(3 * CHUNK, 15));
        Path crashed = temp.resolve("after-crash");
        server.crashAt(c -> c.name().equals("put") && c.index() == 1 && c.applied(), device.snapshotTo(crashed));
        assertThatThrownBy(() -> device.uploader.upload(file.toFile())).isInstanceOf(IOException.class);
        String oldJob = server.reservations.values().iterator().next();
        server.jobs.get(oldJob).status = "FAILED";
        server.jobs.get(oldJob).error = "upload abandoned";

        Device restarted = device.restartFrom(crashed);
        String job = restarted.uploader.upload(file.toFile());
        server.addResult(oldJob, "FAILED", null, "upload abandoned");
        server.addResult(job, "FAILED", null, "the engine said no");
        for (var result : restarted.inbox.fetch()) {
            restarted.inbox.deliver(result);
        }

        assertThat(job).isNotEqualTo(oldJob);
        assertThat(restarted.resultFiles()).singleElement().satisfies(result -> assertThat(Files.readString(result))
                .contains(job).contains("the engine said no").doesNotContain("upload abandoned"));
        assertThat(server.results).as("both acknowledged").isEmpty();
    }

    @Test
    void aFileLargerThanTheLimitIsRefusedWithTheSettingToChange() throws Exception {
        device = new Device(temp.resolve("small"), keys, server, new FileUploader.UploadSettings(CHUNK, 1, 1, 1, 1000));
        Path file = write("huge.iso", new byte[1001]);

        assertThatThrownBy(() -> device.uploader.upload(file.toFile())).isInstanceOf(UnsendableFileException.class)
                .hasMessageContaining("huge.iso").hasMessageContaining("client.max-file-bytes");
        assertThat(server.reservations).isEmpty();
    }

    @Test
    void anEmptyFileAndAFileOfExactlyWholeChunksAreSentAndResumedLikeAnyOther() throws Exception {
        Path empty = write("empty.txt", new byte[0]);
        Path whole = write("whole.bin", random(3 * CHUNK, 16));
        Path crashed = temp.resolve("after-crash");
        server.crashAt(c -> c.name().equals("complete") && c.applied(), device.snapshotTo(crashed));
        assertThatThrownBy(() -> device.uploader.upload(empty.toFile())).isInstanceOf(IOException.class);

        Device restarted = device.restartFrom(crashed);
        String emptyJob = restarted.uploader.upload(empty.toFile());
        String wholeJob = restarted.uploader.upload(whole.toFile());

        assertThat(server.reassemble(emptyJob)).isEmpty();
        assertThat(server.jobs.get(emptyJob).totalChunks).isEqualTo(1);
        assertThat(server.puts(emptyJob, 0)).isEqualTo(1);
        assertThat(server.reassemble(wholeJob)).isEqualTo(Files.readAllBytes(whole));
        assertThat(server.jobs.get(wholeJob).totalChunks).isEqualTo(3);
    }

    @Test
    void aResumeFarAheadOfTheCountTheServerKnowsReportsItInStepsTheServerAccepts() throws Exception {
        device = new Device(temp.resolve("small-chunks"), keys, server, new FileUploader.UploadSettings(1024, 1, 1, 1, 1L << 30));
        Path file = write("many.bin", random(600 * 1024, 17));
        Path crashed = temp.resolve("after-crash");
        server.forgetProgress = true;
        server.crashAt(c -> c.name().equals("complete") && !c.applied(), device.snapshotTo(crashed));
        assertThatThrownBy(() -> device.uploader.upload(file.toFile())).isInstanceOf(IOException.class);
        server.forgetProgress = false;

        String job = device.restartFrom(crashed).uploader.upload(file.toFile());

        assertThat(server.reassemble(job)).isEqualTo(Files.readAllBytes(file));
        assertThat(server.putsOf(job)).as("every chunk sent once").isEqualTo(600);
    }

    @Test
    void aChunkStorageRefusesForAMomentOrWhoseUrlExpiredIsSentAgainWithAFreshUrlNotFailed() throws Exception {
        Path file = write("patient.bin", random(4 * CHUNK, 18));
        java.util.Set<Integer> refused = java.util.concurrent.ConcurrentHashMap.newKeySet();
        server.hook(call -> {
            if (call.name().equals("put") && !call.applied() && call.index() == 1 && refused.add(1)) {
                throw new dev.fileanalysis.apiclient.ServerCallException(503, "Slow Down");
            }
            if (call.name().equals("put") && !call.applied() && call.index() == 2 && refused.add(2)) {
                throw new dev.fileanalysis.apiclient.ServerCallException(403, "Request has expired");
            }
        });

        String job = device.uploader.upload(file.toFile());

        assertThat(refused).containsExactlyInAnyOrder(1, 2);
        assertThat(server.reassemble(job)).isEqualTo(Files.readAllBytes(file));
        assertThat(server.calls.stream().filter(c -> c.name().equals("presign") && c.index() == 2).count())
                .as("a fresh URL for the retry").isEqualTo(2);
    }

    @Test
    void aChunkStorageKeepsRefusingFailsTheUploadWithAResultThatSaysWhy() throws Exception {
        Path file = write("refused.bin", random(2 * CHUNK, 19));
        server.hook(call -> {
            if (call.name().equals("put") && !call.applied()) {
                throw new dev.fileanalysis.apiclient.ServerCallException(400, "InvalidDigest");
            }
        });

        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> device.uploader.upload(file.toFile()));
        Path result = device.inbox.reportUploadFailure(file.toFile(), failure);

        assertThat(failure).isInstanceOf(UploadFailedException.class);
        assertThat(Files.readString(result)).contains("Could not send refused.bin").contains("InvalidDigest")
                .contains("save the file again");
        assertThat(server.calls.stream().filter(c -> c.name().equals("put")).count()).as("a refusal is not retried").isEqualTo(1);
    }

    private Map<String, Integer> putsPerChunk() {
        Map<String, Integer> counts = new java.util.HashMap<>();
        server.puts.forEach((key, count) -> counts.put(key, count.get()));
        return counts;
    }

    private Path write(String name, byte[] content) throws IOException {
        Path file = drop.resolve(name);
        Files.write(file, content);
        return file;
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
