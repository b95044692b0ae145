package dev.fileanalysis.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Random;

import dev.fileanalysis.client.ClientJournal.Entry;
import dev.fileanalysis.crypto.ClientKeyPair;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The device's state holds what is in the drop folder, not what was ever sent: a settled upload
 * whose file left the folder is forgotten with its sent-files key, while whatever keeps a file in
 * the folder from being sent twice is kept, across restarts and crashes mid-prune. A restart is a
 * new {@link Device} and a new {@link SentFiles} over the same folder.
 */
class StateHousekeepingTest {

    private static final int CHUNK = 64 << 10;

    @TempDir
    Path temp;

    private final FakePipelineServer server = new FakePipelineServer();
    private final ClientKeyPair keys = ClientKeyPair.generate();
    private Path drop;
    private Device device;
    private SentFiles sentFiles;
    private StateHousekeeping housekeeping;

    @BeforeEach
    void start() throws IOException {
        drop = Files.createDirectories(temp.resolve("drop"));
        startOver(temp.resolve("device"));
    }

    /** The client's beans started (again) over the device folder {@code home}. */
    private void startOver(Path home) {
        device = new Device(home, keys, server, Device.ONE_AT_A_TIME);
        sentFiles = new SentFiles(home.resolve("state").resolve("sent-files.txt"));
        housekeeping = new StateHousekeeping(drop, device.journal, sentFiles);
    }

    @Test
    void aSettledUploadWhoseFileWasRemovedIsForgottenWithItsSentFilesKey() throws Exception {
        Path file = write("report.pdf", 3 * CHUNK, 1);
        String key = key(file);
        Entry entry = sendAndReceiveResult(file);
        Files.delete(file);

        prune();

        assertThat(device.journal.find(entry.id())).isEmpty();
        assertThat(jobsFolder().resolve(entry.id() + ".json")).doesNotExist();
        assertThat(sentFiles.contains(key)).isFalse();
        assertThat(Files.readString(home().resolve("state/sent-files.txt"))).doesNotContain("report.pdf");
        assertThat(Files.readString(jobsFolder().resolve("acknowledged.log"))).doesNotContain(entry.job());
        assertThat(device.resultFiles()).as("the person's result stays").extracting(p -> p.getFileName().toString())
                .containsExactly("report.pdf.json");
    }

    @Test
    void theEntryAndKeyOfAFileStillInTheDropFolderAreKept() throws Exception {
        Path kept = write("kept.pdf", CHUNK, 2);
        Entry keptEntry = sendAndReceiveResult(kept);
        Path removed = write("removed.pdf", CHUNK, 3);
        Entry removedEntry = sendAndReceiveResult(removed);
        Files.delete(removed);

        prune();

        assertThat(device.journal.find(keptEntry.id())).isPresent();
        assertThat(sentFiles.contains(key(kept))).isTrue();
        assertThat(device.journal.find(removedEntry.id())).isEmpty();
        assertThat(Files.readString(jobsFolder().resolve("acknowledged.log"))).contains(keptEntry.job())
                .doesNotContain(removedEntry.job());
    }

    @Test
    void aReplacedFilesOldUploadIsForgottenAndItsNewVersionIsSent() throws Exception {
        Path file = write("notes.txt", CHUNK, 4);
        Entry old = sendAndReceiveResult(file);
        Path replacement = temp.resolve("notes.txt");
        Files.write(replacement, random(CHUNK, 5));
        Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING);

        prune();

        assertThat(device.journal.find(old.id())).as("a replaced file is a new file").isEmpty();
        String job = device.uploader.upload(file.toFile());
        assertThat(job).isNotEqualTo(old.job());
        assertThat(server.reassemble(job)).isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void afterAPruneAndARestartFilesStillThereAreNotSentAgainAndARemovedFilePutBackIsSentAsNew() throws Exception {
        Path present = write("present.bin", 2 * CHUNK, 6);
        Entry presentEntry = sendAndReceiveResult(present);
        Path removed = write("removed.bin", 2 * CHUNK, 7);
        byte[] removedBytes = Files.readAllBytes(removed);
        FileTime removedTime = Files.getLastModifiedTime(removed);
        String removedKey = key(removed);
        Entry removedEntry = sendAndReceiveResult(removed);
        Files.delete(removed);
        prune();
        int reservations = server.reservations.size();

        startOver(home());

        assertThat(sentFiles.contains(key(present))).as("the watcher does not hand it over").isTrue();
        assertThat(device.uploader.upload(present.toFile())).as("nor would the journal send it").isEqualTo(presentEntry.job());
        assertThat(server.reservations).hasSize(reservations);
        // Put back with the same name, size and time: the watcher's key is the old one's.
        Files.write(removed, removedBytes);
        Files.setLastModifiedTime(removed, removedTime);
        assertThat(key(removed)).isEqualTo(removedKey);
        assertThat(sentFiles.contains(removedKey)).as("the watcher hands it over").isFalse();
        String job = device.uploader.upload(removed.toFile());
        assertThat(job).as("sent as a new job").isNotEqualTo(removedEntry.job());
        assertThat(server.reservations).hasSize(reservations + 1);
        assertThat(server.reassemble(job)).isEqualTo(removedBytes);
    }

    @Test
    void anUploadInFlightIsNeverForgottenEvenWhenItsFileIsRemoved() throws Exception {
        Path file = write("big.bin", 5 * CHUNK, 8);
        server.hook(call -> {
            if (call.name().equals("put") && call.index() == 2 && !call.applied()) {
                Files.delete(file);
                prune();
                Entry inFlight = device.journal.latestUpload(file).orElseThrow();
                assertThat(inFlight.unfinished()).isTrue();
                assertThat(jobsFolder().resolve(inFlight.id() + ".json")).exists();
                assertThat(jobsFolder().resolve(inFlight.id() + ".chunks")).exists();
            }
        });

        assertThatThrownBy(() -> device.uploader.upload(file.toFile())).isInstanceOf(UploadFailedException.class)
                .hasMessageContaining("was removed");
        server.hook(call -> { });

        Entry failed = device.journal.latestUpload(file).orElseThrow();
        prune();
        assertThat(device.journal.find(failed.id())).as("its FAILED result is still owed").isPresent();
        device.inbox.fetch();
        prune();
        // Its job was reserved: the server may still send a result for it (its sweep fails the job).
        assertThat(device.journal.find(failed.id())).as("a result may still come for its job").isPresent();
        server.addResult(failed.job(), Job.FAILED, null, "Upload abandoned: no chunk arrived.");
        deliverAll();
        prune();
        assertThat(device.journal.find(failed.id())).isEmpty();
        assertThat(device.resultFiles()).as("one result, the client's own").hasSize(1);
    }

    @Test
    void anInterruptedUploadIsKeptAfterACrashAndResumedOnStart() throws Exception {
        Path file = write("resumed.bin", 4 * CHUNK, 9);
        Path crashed = temp.resolve("after-crash");
        server.crashAt(c -> c.name().equals("put") && c.index() == 2 && c.applied(), device.snapshotTo(crashed));
        assertThatThrownBy(() -> device.uploader.upload(file.toFile())).isInstanceOf(IOException.class);

        startOver(crashed);
        prune();

        assertThat(device.uploader.unfinishedFiles()).containsExactly(file.toFile());
        String job = device.uploader.resume(file.toFile());
        assertThat(server.reassemble(job)).isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void aCrashAfterTheKeysWereForgottenButBeforeTheEntriesLeavesAStateTheNextStartFinishes() throws Exception {
        Path file = write("moved.bin", 2 * CHUNK, 10);
        Entry entry = sendAndReceiveResult(file);
        Path away = temp.resolve("moved.bin");
        Files.move(file, away);
        // Killed between the two steps: the keys are forgotten, the entries not yet.
        housekeeping.forgetSentFilesGone(housekeeping.lookThroughDropFolder());
        Path crashed = temp.resolve("after-crash");
        Device.copy(home(), crashed);

        startOver(crashed);
        // The same file (same inode, size and time) is put back: the watcher hands it over ...
        Files.move(away, file);
        assertThat(sentFiles.contains(key(file))).isFalse();
        int reservations = server.reservations.size();
        // ... and the journal, still whole, says it was sent.
        assertThat(device.uploader.upload(file.toFile())).isEqualTo(entry.job());
        assertThat(server.reservations).hasSize(reservations);

        Files.delete(file);
        prune();
        assertThat(device.journal.find(entry.id())).isEmpty();
    }

    @Test
    void aCrashAfterTheEntriesWereForgottenButBeforeTheAcknowledgedLogWasCompactedIsFinishedByTheNextPrune()
            throws Exception {
        Path file = write("gone.bin", CHUNK, 11);
        Entry entry = sendAndReceiveResult(file);
        Files.delete(file);
        // Killed after the entry was deleted, before the log of acknowledged jobs was rewritten.
        Files.delete(jobsFolder().resolve(entry.id() + ".json"));
        Files.writeString(jobsFolder().resolve("acknowledged.log.tmp"), "job-half");
        Path crashed = temp.resolve("after-crash");
        Device.copy(home(), crashed);

        startOver(crashed);
        assertThat(device.journal.find(entry.id())).isEmpty();
        prune();

        assertThat(Files.readString(jobsFolder().resolve("acknowledged.log"))).doesNotContain(entry.job());
        assertThat(jobsFolder().resolve("acknowledged.log.tmp")).doesNotExist();
        assertThat(sentFiles.size()).isZero();
    }

    @Test
    void aKeyWithANewlineStaysOneKeyAcrossARestart() {
        String key = "two\nlines%0A.txt-3-1700000000000";
        sentFiles.add(key);
        sentFiles.add("plain.txt-1-1700000000000");

        startOver(home());

        assertThat(sentFiles.contains(key)).isTrue();
        assertThat(sentFiles.contains("plain.txt-1-1700000000000")).isTrue();
        assertThat(sentFiles.size()).isEqualTo(2);
    }

    /** Sends the file, as the watcher would, and writes and acknowledges its result: a settled upload. */
    private Entry sendAndReceiveResult(Path file) throws Exception {
        String job = device.uploader.upload(file.toFile());
        server.addResult(job, Job.DONE, FakePipelineServer.sealed(job, "{\"size\":1}", keys.publicKey()), null);
        deliverAll();
        // The watcher keeps the key once the upload is over.
        sentFiles.add(key(file));
        Entry entry = device.journal.byJob(job).orElseThrow();
        assertThat(device.journal.settled(entry)).isTrue();
        return entry;
    }

    private void deliverAll() throws InterruptedException {
        for (Result result : device.inbox.fetch()) {
            device.inbox.deliver(result);
        }
    }

    private void prune() throws IOException {
        StateHousekeeping.DropFolderNow now = housekeeping.lookThroughDropFolder();
        housekeeping.forgetSentFilesGone(now);
        housekeeping.forgetSettledUploadsGone(now);
    }

    private static String key(Path file) throws IOException {
        return StateHousekeeping.watchKey(file.getFileName().toString(), FileIdentity.of(file));
    }

    private Path home() {
        return device.home;
    }

    private Path jobsFolder() {
        return home().resolve("state").resolve("jobs");
    }

    private Path write(String name, int size, long seed) throws IOException {
        return Files.write(drop.resolve(name), random(size, seed));
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
