package dev.fileanalysis.client;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.model.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this device remembers, crash-safely, of every file it started to send: file → job →
 * chunks, and where each result went. It is what makes a kill -9 at any instant harmless: on
 * restart the client finishes what it had started, re-sends no chunk that landed and writes no
 * result twice.
 *
 * <p>Two files per upload under {@code DATA/state/jobs}:
 * <ul>
 *   <li>{@code <id>.json}, the entry: the file's name, path and identity (size, modification
 *   time, file key), the reservation and signed job, the upload's state, and the result file.
 *   It changes a handful of times per upload, so it is rewritten whole: written to a temporary
 *   file, fsync'd, renamed over the old one and the folder fsync'd. A reader sees the old or the
 *   new entry, never a mix.</li>
 *   <li>{@code <id>.chunks}, an append-only log with one line per chunk that landed in storage:
 *   {@code index sha256-of-the-original-bytes md5-of-the-frame}. A chunk lands every few
 *   milliseconds, so rewriting a growing entry each time would cost O(chunks²); an append is
 *   one small write and one fsync. A line torn by a crash is ignored on reading: that chunk is
 *   simply sent again, which is the chunk that was in flight.</li>
 * </ul>
 * A chunk is logged only after storage accepted it and before progress is reported for it, so
 * the log never claims a chunk storage does not have. Entries are created before the job is
 * reserved (the entry's id is the reservation's idempotency key), so a crash between reserving
 * and remembering leaves no job behind that nobody will finish.
 *
 * <p>Writes use {@link FileOutputStream}, not interruptible channels: an interrupted upload
 * thread (shutdown) must not tear a write half-way.
 */
public final class ClientJournal {

    private static final Logger LOG = LoggerFactory.getLogger(ClientJournal.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("(upload|failure)-[0-9a-f-]{8,64}|job-[0-9a-f-]{36}");
    private static final Pattern CHUNK_LINE = Pattern.compile("(\\d{1,10}) ([0-9a-f]{64}) ([A-Za-z0-9+/]{22}==)");

    /** Where an upload stands. */
    public static final String RESERVING = "RESERVING";
    public static final String SIGNED = "SIGNED";
    /**
     * Registered and sending chunks. The uploader holds it in memory only: a SIGNED entry on disk
     * registers again after a crash (harmless, and the answer says where the upload stands), so
     * the state costs no durable write. Journals written before that keep it, and it reads back.
     */
    public static final String UPLOADING = "UPLOADING";
    public static final String UPLOADED = "UPLOADED";
    /** Given up because the file changed or was replaced; its job's result, if any comes, is not written. */
    public static final String ABANDONED = "ABANDONED";
    /** Could not be sent; the person is told why in a result file. */
    public static final String FAILED = "FAILED";

    /**
     * One upload (or one refused file).
     *
     * @param id              {@code upload-<uuid>} (also the reservation's request id), {@code failure-<hex>}
     *                        for a refused file, or the job id for entries of earlier versions and of
     *                        results whose upload this device does not remember
     * @param state           see the constants
     * @param name            the file's name as the person knows it (never sent to the server)
     * @param path            absolute path of the file in the drop folder
     * @param size            the file's size when the upload started
     * @param modified        its modification time then, in nanoseconds since the epoch
     * @param fileKey         its file key (device and inode) then
     * @param chunkBytes      the slice size the upload uses (a setting change does not affect a resumed upload)
     * @param started         when the entry was created
     * @param job             the job id, once reserved
     * @param signed          the signed job, once signed (registering it again is harmless)
     * @param error           why the upload failed or was abandoned, as a person should read it
     * @param resultOwed      the client itself owes a result file (a failure it found), not the server
     * @param resultFile      name of the result file in the results folder, chosen before it is written
     * @param resultWritten   that file has been written (so it is never written again)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Entry(String id, String state, String name, String path, Long size, Long modified, String fileKey,
                        Integer chunkBytes, String started, String job, Job signed, String error, Boolean resultOwed,
                        String resultFile, Boolean resultWritten) {

        public Entry withState(String newState, String why) {
            return new Entry(id, newState, name, path, size, modified, fileKey, chunkBytes, started, job, signed, why,
                    resultOwed, resultFile, resultWritten);
        }

        public Entry withJob(String jobId) {
            return new Entry(id, state, name, path, size, modified, fileKey, chunkBytes, started, jobId, signed, error,
                    resultOwed, resultFile, resultWritten);
        }

        public Entry withSigned(Job signedJob) {
            return new Entry(id, SIGNED, name, path, size, modified, fileKey, chunkBytes, started, signedJob.id(), signedJob,
                    error, resultOwed, resultFile, resultWritten);
        }

        /** Failed, with a result file owed to the person ({@code owed}) or coming from the server. */
        public Entry failed(String why, boolean owed) {
            return new Entry(id, FAILED, name, path, size, modified, fileKey, chunkBytes, started, job, signed, why,
                    owed, resultFile, resultWritten);
        }

        public Entry withResultFile(String file, boolean written) {
            return new Entry(id, state, name, path, size, modified, fileKey, chunkBytes, started, job, signed, error,
                    resultOwed, file, written);
        }

        /** Still to be finished: reserving, signed or uploading. */
        public boolean unfinished() {
            return RESERVING.equals(state) || SIGNED.equals(state) || UPLOADING.equals(state);
        }

        public boolean isUploaded() {
            return UPLOADED.equals(state);
        }

        public boolean isAbandoned() {
            return ABANDONED.equals(state);
        }

        public boolean owesResult() {
            return Boolean.TRUE.equals(resultOwed) && !Boolean.TRUE.equals(resultWritten);
        }

        public boolean resultIsWritten() {
            return Boolean.TRUE.equals(resultWritten);
        }

        public boolean describes(FileIdentity identity) {
            return identity.size() == (size == null ? -1 : size) && modified != null && identity.modified() == modified
                    && identity.key().equals(fileKey);
        }

        /** Chunks of the whole file: every file has at least chunk 0, an empty one for an empty file. */
        public int totalChunks() {
            return size == 0 ? 1 : (int) ((size + chunkBytes - 1) / chunkBytes);
        }
    }

    /** A chunk that landed in storage, as the log recorded it. */
    public record LandedChunk(int index, String sha256, String md5) {
    }

    private static final Pattern JOB = Pattern.compile("job-[0-9a-f-]{36}");

    private final Path folder;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /**
     * Jobs whose result this device has acknowledged, so the server offers it no more: the entry
     * of such a job may be forgotten without its result ever coming back as one of a job this
     * device does not know (which {@link #adopt} would write a second time, under the job's id).
     * Kept in {@code acknowledged.log}, one job id a line, appended once per acknowledgement request.
     */
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Object acknowledgedLog = new Object();
    private int acknowledgedLines;

    /** Opens the journal in {@code stateFolder/jobs}, reading every entry a previous run left. */
    public ClientJournal(Path stateFolder) {
        this.folder = stateFolder.resolve("jobs");
        try {
            Files.createDirectories(folder);
            load();
            loadAcknowledged();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the client's state folder " + folder + ": " + e.getMessage(), e);
        }
    }

    private void load() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.json")) {
            for (Path file : files) {
                String id = file.getFileName().toString().replaceFirst("\\.json$", "");
                if (!ID.matcher(id).matches()) {
                    continue;
                }
                Entry entry;
                try {
                    entry = JSON.readValue(file.toFile(), Entry.class);
                } catch (IOException unreadable) {
                    // Entries are replaced by rename, so a torn entry means the disk lost it; say
                    // so and carry on with the others rather than refusing to start.
                    LOG.error("The client's journal entry {} is unreadable ({}); the upload it described cannot be "
                            + "resumed. Move the file out of the way and drop its file again if it was not analysed.",
                            file, unreadable.getMessage());
                    continue;
                }
                entries.put(id, upgrade(id, entry));
            }
        }
    }

    private void loadAcknowledged() throws IOException {
        String text;
        try {
            text = Files.readString(folder.resolve("acknowledged.log"), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException none) {
            return;
        }
        int end = text.lastIndexOf('\n');
        // A line torn by a crash is left out: that entry is only kept longer.
        for (String line : end < 0 ? new String[0] : text.substring(0, end).split("\n")) {
            if (JOB.matcher(line).matches()) {
                acknowledged.add(line);
                acknowledgedLines++;
            }
        }
    }

    /** Entries written by earlier versions had only job, name, size, path and resultFile, and were written after the upload. */
    private static Entry upgrade(String id, Entry entry) {
        if (entry.id() != null && entry.state() != null) {
            return entry;
        }
        return new Entry(id, UPLOADED, entry.name(), entry.path(), entry.size(), entry.modified(), entry.fileKey(),
                entry.chunkBytes(), entry.started() == null ? Instant.EPOCH.toString() : entry.started(),
                entry.job() == null ? id : entry.job(), entry.signed(), entry.error(), entry.resultOwed(),
                entry.resultFile(), entry.resultFile() != null ? Boolean.TRUE : entry.resultWritten());
    }

    /** Starts remembering a new upload of {@code file}, before anything is asked of the server. */
    public Entry begin(Path file, FileIdentity identity, int chunkBytes) throws IOException {
        Entry entry = new Entry("upload-" + UUID.randomUUID(), RESERVING, file.getFileName().toString(),
                file.toAbsolutePath().normalize().toString(), identity.size(), identity.modified(), identity.key(),
                chunkBytes, Instant.now().toString(), null, null, null, null, null, null);
        record(entry);
        return entry;
    }

    /** Remembers a file that could not be sent, under an id derived from what was refused, so it is reported once. */
    public Entry refused(String id, Path file, Long size, String why) throws IOException {
        Entry entry = new Entry(id, FAILED, file.getFileName().toString(), file.toAbsolutePath().normalize().toString(),
                size, null, null, null, Instant.now().toString(), null, null, why, true, null, null);
        record(entry);
        return entry;
    }

    /** Remembers a result whose upload this device does not know (its journal was lost), so it too is written once. */
    public Entry adopt(String jobId) throws IOException {
        Entry entry = new Entry(jobId, UPLOADED, jobId, null, -1L, null, null, null, Instant.now().toString(), jobId,
                null, null, null, null, null);
        record(entry);
        return entry;
    }

    /** Replaces the entry atomically and durably. */
    public void record(Entry entry) throws IOException {
        if (!ID.matcher(entry.id()).matches()) {
            throw new IllegalArgumentException("not a journal id: " + entry.id());
        }
        Path target = folder.resolve(entry.id() + ".json");
        Path temporary = folder.resolve(entry.id() + ".json.tmp");
        writeDurably(temporary, JSON.writeValueAsBytes(entry));
        try {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
        syncFolder(folder);
        entries.put(entry.id(), entry);
    }

    public Optional<Entry> find(String id) {
        return Optional.ofNullable(entries.get(id));
    }

    /** The entry of a job: the upload that reserved it. */
    public Optional<Entry> byJob(String jobId) {
        Entry direct = entries.get(jobId);
        if (direct != null) {
            return Optional.of(direct);
        }
        return entries.values().stream().filter(entry -> jobId.equals(entry.job())).findFirst();
    }

    /** The most recent upload of the file at {@code path} (refusals are not uploads). */
    public Optional<Entry> latestUpload(Path path) {
        String key = path.toAbsolutePath().normalize().toString();
        return entries.values().stream()
                .filter(entry -> key.equals(entry.path()) && entry.id().startsWith("upload-"))
                .max(Comparator.comparing(Entry::started).thenComparing(Entry::id));
    }

    /** Uploads a crash or shutdown interrupted, oldest first. */
    public List<Entry> unfinished() {
        return entries.values().stream().filter(Entry::unfinished).sorted(Comparator.comparing(Entry::started)).toList();
    }

    /** Entries whose result file the client owes and has not written yet (a full disk, a crash). */
    public List<Entry> owedResults() {
        return entries.values().stream().filter(Entry::owesResult).sorted(Comparator.comparing(Entry::started)).toList();
    }

    /** Records that chunk {@code index} of the upload is in storage; durable when this returns. */
    public void landed(Entry entry, int index, String sha256, String md5) throws IOException {
        byte[] line = (index + " " + sha256 + " " + md5 + "\n").getBytes(StandardCharsets.US_ASCII);
        Path log = folder.resolve(entry.id() + ".chunks");
        synchronized (this) {
            try (FileOutputStream out = new FileOutputStream(log.toFile(), true)) {
                out.write(line);
                out.getFD().sync();
            }
        }
    }

    /** The chunks the log says landed; a line torn by a crash is left out (that chunk is sent again). */
    public Map<Integer, LandedChunk> landedChunks(Entry entry) throws IOException {
        Map<Integer, LandedChunk> landed = new TreeMap<>();
        Path log = folder.resolve(entry.id() + ".chunks");
        String text;
        try {
            text = Files.readString(log, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException none) {
            return landed;
        }
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return landed;
        }
        for (String line : text.substring(0, end).split("\n")) {
            Matcher matcher = CHUNK_LINE.matcher(line);
            if (matcher.matches()) {
                int index = Integer.parseInt(matcher.group(1));
                landed.put(index, new LandedChunk(index, matcher.group(2), matcher.group(3)));
            }
        }
        return landed;
    }

    /** Drops the chunk log of a finished upload: it is only needed to resume. */
    public void forgetChunks(Entry entry) throws IOException {
        Files.deleteIfExists(folder.resolve(entry.id() + ".chunks"));
    }

    /**
     * Records, durably, that the results of these jobs were acknowledged to the server (after it
     * answered): none of them will be offered again. One append and one fsync for them all.
     */
    public void acknowledged(Collection<String> jobIds) throws IOException {
        StringBuilder lines = new StringBuilder();
        int count = 0;
        for (String job : jobIds) {
            if (job != null && JOB.matcher(job).matches() && !acknowledged.contains(job)) {
                lines.append(job).append('\n');
                count++;
            }
        }
        if (count == 0) {
            return;
        }
        synchronized (acknowledgedLog) {
            try (FileOutputStream out = new FileOutputStream(folder.resolve("acknowledged.log").toFile(), true)) {
                out.write(lines.toString().getBytes(StandardCharsets.US_ASCII));
                out.getFD().sync();
            }
            acknowledgedLines += count;
            jobIds.stream().filter(job -> job != null && JOB.matcher(job).matches()).forEach(acknowledged::add);
        }
    }

    /**
     * The entry is over for good: no upload of it runs or will be resumed, no result file is owed
     * for it, and no result of its job will come (the job's result was acknowledged, or there was
     * never a job). Such an entry is needed only while its file is in the drop folder, to tell that
     * file was sent.
     */
    public boolean settled(Entry entry) {
        if (entry.unfinished() || entry.owesResult()) {
            return false;
        }
        return entry.job() == null || acknowledged.contains(entry.job());
    }

    /**
     * Forgets settled entries: their chunk logs and temporary files first, then the entries, then
     * one folder sync. A crash part-way leaves entries that are still whole (a settled entry without
     * its chunk log is the same entry), forgotten by the next prune.
     */
    public void forget(Collection<Entry> settled) throws IOException {
        for (Entry entry : settled) {
            if (!settled(entry)) {
                throw new IllegalArgumentException("journal entry " + entry.id() + " is not settled; it cannot be forgotten");
            }
            Files.deleteIfExists(folder.resolve(entry.id() + ".chunks"));
            Files.deleteIfExists(folder.resolve(entry.id() + ".json.tmp"));
            Files.deleteIfExists(folder.resolve(entry.id() + ".json"));
            entries.remove(entry.id());
        }
        if (!settled.isEmpty()) {
            syncFolder(folder);
        }
        compactAcknowledged();
    }

    /** Rewrites the acknowledged log with only the jobs whose entries are still here, when it holds others. */
    void compactAcknowledged() throws IOException {
        synchronized (acknowledgedLog) {
            Set<String> kept = new HashSet<>();
            entries.values().forEach(entry -> {
                if (entry.job() != null && acknowledged.contains(entry.job())) {
                    kept.add(entry.job());
                }
            });
            if (acknowledgedLines == kept.size()) {
                return;
            }
            StringBuilder text = new StringBuilder(kept.size() * 41);
            kept.forEach(job -> text.append(job).append('\n'));
            Path log = folder.resolve("acknowledged.log");
            Path temporary = folder.resolve("acknowledged.log.tmp");
            writeDurably(temporary, text.toString().getBytes(StandardCharsets.US_ASCII));
            try {
                Files.move(temporary, log, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, log, StandardCopyOption.REPLACE_EXISTING);
            }
            syncFolder(folder);
            acknowledged.retainAll(kept);
            acknowledgedLines = kept.size();
        }
    }

    List<Entry> all() {
        return new ArrayList<>(entries.values());
    }

    static void writeDurably(Path file, byte[] bytes) throws IOException {
        try (FileOutputStream out = new FileOutputStream(file.toFile())) {
            out.write(bytes);
            out.getFD().sync();
        }
    }

    /** Makes a rename in {@code folder} durable: without it a power cut can undo the rename after a crash-safe write. */
    static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException notSupported) {
            // Some file systems cannot sync a directory; the rename is still atomic there.
        }
    }
}
