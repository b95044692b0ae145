package dev.fileanalysis.client;

import java.io.File;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.client.ClientJournal.Entry;
import dev.fileanalysis.client.signin.SignedOutException;
import dev.fileanalysis.crypto.ClientKeyPair;
import dev.fileanalysis.crypto.ResultCipher;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.MalformedResultException;
import dev.fileanalysis.model.Result;
import dev.fileanalysis.model.ResultPlaintext;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches this device's results, decrypts them with its private key and writes
 * {@code RESULTS/<original name>.json} (suffixed, never overwritten, when the name was used
 * before), and writes the FAILED result files of files the client itself could not send.
 *
 * <p>Each result file is written once, whatever crashes: its name is recorded in the journal
 * before the file is moved into place, and its being written after; a result fetched again
 * after a crash finds its file (same bytes under the recorded name) and is only acknowledged.
 * A result is acknowledged to the server only once its file is safely on disk, so a full disk
 * loses nothing: the result waits at the server and is written when there is room.
 */
public final class ResultInbox {

    private static final Logger LOG = LoggerFactory.getLogger(ResultInbox.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    private static final Duration LONGEST_WAIT = Duration.ofMinutes(1);

    private final PipelineServer server;
    private final ClientKeyPair keys;
    private final ClientJournal journal;
    private final ResultFolder results;
    /**
     * Results (by journal id) that could not be written, with why and when they are tried again:
     * said once, not every second, and tried again after a wait that doubles from a second to a
     * minute, so a full disk or a folder this user may not write to is not hammered.
     */
    private final Map<String, Stuck> stuck = new ConcurrentHashMap<>();
    private final Object[] writeLocks = new Object[64];
    private final Clock clock;
    /** Set while results cannot be fetched, so that is said once, not every second. */
    private final java.util.concurrent.atomic.AtomicBoolean unreachable = new java.util.concurrent.atomic.AtomicBoolean();

    public ResultInbox(PipelineServer server, ClientKeyPair keys, ClientJournal journal, Path resultsFolder) {
        this(server, keys, journal, new ResultFolder(resultsFolder), Clock.systemUTC());
    }

    ResultInbox(PipelineServer server, ClientKeyPair keys, ClientJournal journal, ResultFolder results, Clock clock) {
        this.clock = clock;
        this.server = server;
        this.keys = keys;
        this.journal = journal;
        this.results = results;
        for (int i = 0; i < writeLocks.length; i++) {
            writeLocks[i] = new Object();
        }
    }

    /**
     * Results waiting at the server for this device's key. Failure results the client owes
     * (not written yet because of a crash or a full disk) are written first.
     */
    public List<Result> fetch() throws InterruptedException {
        writeOwedResults();
        try {
            List<Result> waiting = server.results(keys.publicKey().clientId());
            if (unreachable.compareAndSet(true, false)) {
                LOG.info("Results can be fetched from the server again.");
            }
            return waiting;
        } catch (SignedOutException signedOut) {
            // The session has said so once; the results wait at the server until someone signs in.
            return List.of();
        } catch (IOException e) {
            if (unreachable.compareAndSet(false, true)) {
                LOG.warn("Results could not be fetched from the server ({}); they wait there, and the client keeps "
                        + "trying.", e.getMessage());
            } else {
                LOG.debug("Results could still not be fetched from the server ({}).", e.getMessage());
            }
            return List.of();
        }
    }

    /**
     * Writes one result's file (once) and acknowledges it; returns the file, or null when it is
     * not written (an abandoned job's result, or a results folder that cannot take it now).
     */
    public Path deliver(Result result) throws InterruptedException {
        Stored stored = keep(result);
        if (stored != null) {
            acknowledge(List.of(stored));
        }
        return stored == null ? null : stored.file();
    }

    /** A result this device has kept (its file written, or deliberately not written): it may be acknowledged. */
    public record Stored(String resultId, Path file, String job) {
    }

    /**
     * Writes one result's file (once) without acknowledging it: what the fetch route does for each
     * result, in parallel, before it acknowledges them together with {@link #acknowledge(List)}.
     * Returns what to acknowledge, or null when the result must stay at the server (its file could
     * not be written now).
     */
    public Stored keep(Result result) throws InterruptedException {
        try {
            Entry entry = journal.byJob(result.job()).orElse(null);
            if (entry == null) {
                // A job this device no longer remembers (its state folder was lost): still written once.
                entry = journal.adopt(result.job());
            }
            Path written = null;
            if (entry.isAbandoned() && entry.resultFile() == null) {
                LOG.info("result of {} not written: its upload of {} was abandoned ({})", result.job(), entry.name(),
                        entry.error());
            } else if (entry.resultIsWritten()) {
                // Written before: a crash or a lost answer kept it from being acknowledged.
                written = results.resolve(entry.resultFile());
            } else if (Boolean.TRUE.equals(entry.resultOwed())) {
                // The client found this upload's failure itself and says so in its own result file.
                written = writeOwedResult(entry.id());
            } else {
                written = write(entry, describe(result, entry));
                if (written == null) {
                    // Said why already; the result stays at the server and is tried again on the next poll.
                    return null;
                }
                LOG.info("result of {} ({}) written to {}", entry.name(), result.job(), written);
            }
            return new Stored(result.id(), written, result.job());
        } catch (IOException e) {
            LOG.warn("The result of job {} could not be written: {}", result.job(), e.getMessage());
            return null;
        }
    }

    /**
     * Tells the server these results are kept, in as few requests as it takes (it takes up to 100
     * at once). Only results whose files are safely written get here, so a failed acknowledgement
     * loses nothing: the results are offered again and found already written. Once the server has
     * answered, the journal records their jobs as acknowledged (one append for the request): their
     * entries may then be forgotten once their files leave the drop folder.
     */
    public void acknowledge(List<?> kept) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        List<String> jobs = new ArrayList<>();
        for (Object item : kept == null ? List.of() : kept) {
            if (item instanceof Stored stored) {
                ids.add(stored.resultId());
                jobs.add(stored.job());
            } else if (item instanceof String id) {
                ids.add(id);
                jobs.add(null);
            }
        }
        for (int from = 0; from < ids.size(); from += ServerApiClient.MAX_ACKNOWLEDGEMENTS) {
            int to = Math.min(ids.size(), from + ServerApiClient.MAX_ACKNOWLEDGEMENTS);
            List<String> batch = ids.subList(from, to);
            try {
                server.acknowledgeResults(batch);
            } catch (IOException e) {
                LOG.warn("{} result(s) could not be acknowledged ({}); they are offered again and found already written",
                        batch.size(), e.getMessage());
                continue;
            }
            try {
                journal.acknowledged(jobs.subList(from, to));
            } catch (IOException e) {
                // Nothing is lost: those entries are only kept (and their files' keys) until a later run knows better.
                LOG.warn("could not record that {} result(s) were acknowledged ({}); their journal entries are kept",
                        batch.size(), e.getMessage());
            }
        }
    }

    /**
     * The watch route's failure step: the file gets a FAILED result file saying why, so nothing
     * fails silently. The file stays in the drop folder and is sent again once changed or replaced.
     */
    public Path reportUploadFailure(Exchange exchange) throws InterruptedException {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        File file = exchange.getIn().getBody(File.class);
        return reportUploadFailure(file, failure);
    }

    Path reportUploadFailure(File file, Throwable failure) throws InterruptedException {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InterruptedException interrupted) {
                // Shutdown, not a failure: the upload resumes on the next start.
                LOG.info("{}", interrupted.getMessage());
                throw interrupted;
            }
            if (cause instanceof UploadFailedException failed) {
                return writeOwedResult(failed.entry());
            }
            if (cause instanceof UnsendableFileException refused) {
                return reportRefusal(refused);
            }
        }
        Path path = file == null ? Path.of("unknown file") : file.toPath();
        String reason = failure == null || failure.getMessage() == null ? String.valueOf(failure) : failure.getMessage();
        long size = file != null && file.isFile() ? file.length() : -1;
        return reportRefusal(new UnsendableFileException(path, size < 0 ? null : size,
                DropFolderCheck.reportKey(path, "failure:" + reason, size + "/" + (file == null ? 0 : file.lastModified())),
                "Could not send " + path.getFileName() + ": " + reason
                        + ". Fix the cause, then save the file again (or drop a new copy) to send it again."));
    }

    /** Every entry of the drop folder that cannot be sent gets one FAILED result saying why. */
    public void reportUnsendable(List<UnsendableFileException> refusals) throws InterruptedException {
        for (UnsendableFileException refusal : refusals) {
            reportRefusal(refusal);
        }
    }

    private Path reportRefusal(UnsendableFileException refusal) throws InterruptedException {
        // The drop-folder check and the watch route can refuse the same entry at the same moment
        // (a symbolic link reaches both): looking the report up and recording it is one step, or
        // the second would record it afresh after the first had written its result, and owe a
        // second one.
        synchronized (lockFor(refusal.reportKey())) {
            try {
                Optional<Entry> known = journal.find(refusal.reportKey());
                if (known.isPresent() && !known.get().owesResult()) {
                    return known.get().resultFile() == null ? null : results.resolve(known.get().resultFile());
                }
                if (known.isEmpty()) {
                    LOG.warn(refusal.getMessage());
                    journal.refused(refusal.reportKey(), refusal.file(), refusal.size(), refusal.getMessage());
                }
            } catch (IOException e) {
                LOG.warn("{} (and this could not be recorded: {})", refusal.getMessage(), e.getMessage());
                return null;
            }
            return writeOwedResult(refusal.reportKey());
        }
    }

    /** Writes the FAILED result file the client owes for a journal entry, if it still owes it. */
    private Path writeOwedResult(String id) {
        Entry entry = journal.find(id).orElse(null);
        if (entry == null || !entry.owesResult()) {
            return entry == null || entry.resultFile() == null ? null : results.resolve(entry.resultFile());
        }
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("job", entry.job());
        content.put("status", Job.FAILED);
        content.put("name", entry.name());
        if (entry.size() != null && entry.size() >= 0) {
            content.put("size", entry.size());
        }
        content.put("error", entry.error());
        try {
            return write(entry, content);
        } catch (IOException e) {
            LOG.warn("{} (and this could not be recorded in the results folder: {})", entry.error(), e.getMessage());
            return null;
        }
    }

    private void writeOwedResults() {
        for (Entry entry : journal.owedResults()) {
            writeOwedResult(entry.id());
        }
    }

    private Map<String, Object> describe(Result result, Entry entry) {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("job", result.job());
        file.put("name", entry.name());
        if (entry.size() != null && entry.size() >= 0) {
            file.put("size", entry.size());
        }
        String status = result.status();
        if (result.payload() == null) {
            status = Job.FAILED;
            file.put("error", result.error() == null ? "The job failed without a reason." : result.error());
        } else {
            try {
                // The processor names the job inside what it encrypts, where the server cannot
                // change it: a result made for another job of this device (swapped by a server
                // that was broken into, or mixed up) is refused instead of written under this name.
                ResultPlaintext plaintext = ResultPlaintext.readFor(result.job(), ResultCipher.decrypt(result.payload(), keys));
                if (plaintext.isDone()) {
                    status = Job.DONE;
                    file.put("result", plaintext.result());
                } else {
                    status = Job.FAILED;
                    file.put("error", plaintext.error());
                }
            } catch (MalformedResultException refused) {
                status = Job.FAILED;
                file.put("error", refused.getMessage() + " It may have been swapped or tampered with on the way. Drop the "
                        + "file again to re-analyse it.");
            } catch (Exception e) {
                status = Job.FAILED;
                file.put("error", "The result of job " + result.job() + " could not be decrypted with this device's key ("
                        + e.getMessage() + "); it may have been tampered with. Drop the file again to re-analyse it.");
            }
        }
        Map<String, Object> ordered = new LinkedHashMap<>();
        ordered.put("job", file.remove("job"));
        ordered.put("status", status);
        ordered.putAll(file);
        return ordered;
    }

    /**
     * Puts the entry's result file in place exactly once: the name is recorded before the move
     * (so a crash in between finds the staged file's name again), and "written" after it (so a
     * crash in between recognises the file by its bytes instead of writing a second copy).
     * Returns null when the results folder cannot take it now (said once, in words).
     */
    private Path write(Entry entry, Map<String, Object> content) throws IOException {
        // One writer per entry at a time (a fetched result and the entry's own failure report may
        // meet); results of different files are written in parallel, each with its own fsyncs.
        synchronized (lockFor(entry.id())) {
            return writeLocked(entry, content);
        }
    }

    /** The lock of one journal entry (shared by a few: results of different files are written in parallel). */
    private Object lockFor(String entryId) {
        return writeLocks[Math.floorMod(entryId.hashCode(), writeLocks.length)];
    }

    private Path writeLocked(Entry entry, Map<String, Object> content) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(content);
        entry = journal.find(entry.id()).orElse(entry);
        if (entry.resultIsWritten()) {
            return results.resolve(entry.resultFile());
        }
        Stuck waiting = stuck.get(entry.id());
        if (waiting != null && clock.instant().isBefore(waiting.retryAt())) {
            return null;
        }
        if (entry.resultFile() != null && results.holds(entry.resultFile(), bytes)) {
            // Published before a crash; its staged twin may still be there.
            results.discardStaged(entry.id());
            journal.record(entry.withResultFile(entry.resultFile(), true));
            return results.resolve(entry.resultFile());
        }
        Path staged;
        try {
            staged = results.stage(entry.id(), bytes);
        } catch (IOException e) {
            reportStuck(entry, e);
            return null;
        }
        // A name recorded before a crash is used again, so a result is never written under two names.
        String name = entry.resultFile() != null && !Files.exists(results.resolve(entry.resultFile()))
                ? entry.resultFile() : null;
        FileSystemException refused = null;
        for (String base : ResultName.candidates(Path.of(entry.name()).getFileName().toString(), entry.id())) {
            try {
                if (name == null) {
                    name = results.freeName(base);
                }
                while (true) {
                    entry = entry.withResultFile(name, false);
                    journal.record(entry);
                    if (results.publish(staged, name)) {
                        return written(entry, name);
                    }
                    name = results.freeName(base);
                }
            } catch (AccessDeniedException | NoSuchFileException notTheName) {
                reportStuck(entry, notTheName);
                return null;
            } catch (FileSystemException nameRefused) {
                // The file system will never take this name (too long for it, or characters it
                // refuses): waiting would not help, the next name in the list is tried at once.
                LOG.info("the results folder refused the name {} for the result of {} ({}); trying another",
                        name, entry.name(), nameRefused.getReason());
                refused = nameRefused;
                name = null;
            } catch (IOException e) {
                reportStuck(entry, e);
                return null;
            }
        }
        // Even a name of the entry's id alone was refused: it is not the name (a full disk, say).
        reportStuck(entry, refused);
        return null;
    }

    private Path written(Entry entry, String name) throws IOException {
        journal.record(entry.withResultFile(name, true));
        if (stuck.remove(entry.id()) != null) {
            LOG.info("the result of {} could be written after all: {}", entry.name(), results.resolve(name));
        }
        return results.resolve(name);
    }

    /** A result that cannot be written now: why (the sentence the person was told), and when it is tried again. */
    record Stuck(String reason, Instant retryAt, Duration backOff) {
    }

    /** The results that wait to be written, by file name, with why: for the person asking what is stuck. */
    public Map<String, String> waiting() {
        Map<String, String> waiting = new LinkedHashMap<>();
        stuck.forEach((id, why) -> journal.find(id).ifPresent(entry -> waiting.put(entry.name(), why.reason())));
        return waiting;
    }

    /** Says once, in words, why a result cannot be written and what to do; it is kept and tried again later. */
    private void reportStuck(Entry entry, IOException e) {
        Stuck before = stuck.get(entry.id());
        Duration wait = before == null ? FIRST_WAIT : before.backOff().multipliedBy(2);
        if (wait.compareTo(LONGEST_WAIT) > 0) {
            wait = LONGEST_WAIT;
        }
        String reason = before != null ? before.reason() : describeStuck(entry, e);
        stuck.put(entry.id(), new Stuck(reason, clock.instant().plus(wait), wait));
        if (before == null) {
            LOG.error(reason);
        }
    }

    private String describeStuck(Entry entry, IOException e) {
        String what = entry.job() == null ? "the FAILED result of " + entry.name()
                : "the result of " + entry.name() + " (" + entry.job() + ")";
        String where = results.folder().toAbsolutePath().toString();
        if (isDiskFull(e)) {
            return "The results folder " + where + " is full: " + what + " could not be written. Free some space on that "
                    + "disk; the result is kept (" + (entry.job() == null ? "in the client's journal" : "at the server until then")
                    + ") and written as soon as it fits.";
        }
        return what + " could not be written to the results folder " + where + ": " + e.getMessage() + ". Check that the "
                + "folder exists and this user may write to it; the result is kept and written as soon as that works.";
    }

    private boolean isDiskFull(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("No space left") || message.contains("Disk quota exceeded")) {
            return true;
        }
        try {
            FileStore store = Files.getFileStore(results.folder());
            return store.getUsableSpace() < 1 << 20;
        } catch (IOException unknown) {
            return false;
        }
    }
}
