package dev.fileanalysis.client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.fileanalysis.client.ClientJournal.Entry;
import dev.fileanalysis.client.ClientJournal.LandedChunk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The journal as a restarted client finds it: every recorded step, and nothing a crash tore. */
class ClientJournalTest {

    private static final String SHA = "a".repeat(64);
    private static final String MD5 = "1B2M2Y8AsgTpgAmY7PhCfg==";

    @TempDir
    Path state;

    private final Path file = Path.of("/drop/report.pdf");
    private final FileIdentity identity = new FileIdentity(300_000, 1_700_000_000_123_456_789L, "(dev=1,ino=2)");

    @Test
    void everyRecordedStepIsWhatANewJournalOverTheSameFolderFinds() throws Exception {
        ClientJournal journal = new ClientJournal(state);
        Entry entry = journal.begin(file, identity, 65536);
        journal.record(entry.withJob("job-11111111-2222-4333-8444-555555555555").withState(ClientJournal.UPLOADING, null));

        ClientJournal restarted = new ClientJournal(state);

        Entry found = restarted.find(entry.id()).orElseThrow();
        assertThat(found.state()).isEqualTo(ClientJournal.UPLOADING);
        assertThat(found.describes(identity)).isTrue();
        assertThat(found.totalChunks()).isEqualTo(5);
        assertThat(restarted.byJob("job-11111111-2222-4333-8444-555555555555")).contains(found);
        assertThat(restarted.latestUpload(file)).contains(found);
        assertThat(restarted.unfinished()).containsExactly(found);
    }

    @Test
    void landedChunksSurviveARestartAndALineTornByACrashIsLeftOut() throws Exception {
        ClientJournal journal = new ClientJournal(state);
        Entry entry = journal.begin(file, identity, 65536);
        journal.landed(entry, 0, SHA, MD5);
        journal.landed(entry, 2, SHA, MD5);
        // A kill -9 in the middle of the third append.
        Files.writeString(state.resolve("jobs").resolve(entry.id() + ".chunks"), "1 " + SHA.substring(0, 10),
                StandardCharsets.US_ASCII, java.nio.file.StandardOpenOption.APPEND);

        assertThat(new ClientJournal(state).landedChunks(entry))
                .containsOnlyKeys(0, 2)
                .containsEntry(2, new LandedChunk(2, SHA, MD5));
    }

    @Test
    void aTemporaryEntryLeftByACrashIsIgnoredAndTheLastWholeEntryWins() throws Exception {
        ClientJournal journal = new ClientJournal(state);
        Entry entry = journal.begin(file, identity, 65536);
        Files.writeString(state.resolve("jobs").resolve(entry.id() + ".json.tmp"), "{\"id\":\"" + entry.id() + "\",\"sta");

        assertThat(new ClientJournal(state).find(entry.id())).contains(entry);
    }

    @Test
    void theLatestUploadOfAFileIsTheOneStartedLastAndRefusalsAreNotUploads() throws Exception {
        ClientJournal journal = new ClientJournal(state);
        Entry first = journal.begin(file, identity, 65536);
        journal.record(first.withState(ClientJournal.UPLOADED, null));
        Entry second = journal.begin(file, new FileIdentity(5, 6, "k"), 65536);
        journal.refused("failure-0123456789abcdef0123456789abcdef", file, 5L, "refused");

        assertThat(new ClientJournal(state).latestUpload(file).orElseThrow().id()).isEqualTo(second.id());
    }

    @Test
    void entriesOfEarlierVersionsAreReadAsSentJobsWithTheirResultFile() throws Exception {
        Files.createDirectories(state.resolve("jobs"));
        Files.writeString(state.resolve("jobs").resolve("job-11111111-2222-4333-8444-555555555555.json"),
                "{\"job\":\"job-11111111-2222-4333-8444-555555555555\",\"name\":\"old.txt\",\"size\":3,"
                        + "\"path\":\"/drop/old.txt\",\"resultFile\":\"old.txt.json\"}");

        Entry legacy = new ClientJournal(state).byJob("job-11111111-2222-4333-8444-555555555555").orElseThrow();

        assertThat(legacy.name()).isEqualTo("old.txt");
        assertThat(legacy.isUploaded()).isTrue();
        assertThat(legacy.resultIsWritten()).isTrue();
        assertThat(legacy.unfinished()).isFalse();
    }

    @Test
    void anUnreadableEntryIsSkippedAndTheOthersStillLoad() throws Exception {
        ClientJournal journal = new ClientJournal(state);
        Entry good = journal.begin(file, identity, 65536);
        Files.writeString(state.resolve("jobs").resolve("upload-00000000-0000-4000-8000-000000000000.json"), "{not json");

        assertThat(new ClientJournal(state).unfinished()).containsExactly(good);
    }
}
