package dev.fileanalysis.client;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

import dev.fileanalysis.apiclient.ServerApiClient.ChunkUpload;
import dev.fileanalysis.apiclient.ServerApiClient.Reservation;
import dev.fileanalysis.apiclient.ServerCallException;
import dev.fileanalysis.client.chunk.ChunkPipeline;
import dev.fileanalysis.client.signin.SignedOutException;
import dev.fileanalysis.client.chunk.CompressedChunk;
import dev.fileanalysis.client.chunk.CompressionPlan;
import dev.fileanalysis.runtime.ProductVersion;
import dev.fileanalysis.client.ClientJournal.Entry;
import dev.fileanalysis.client.ClientJournal.LandedChunk;
import dev.fileanalysis.crypto.ClientKeyPair;
import dev.fileanalysis.crypto.JobSignature;
import dev.fileanalysis.model.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one dropped file: reserves a job, signs it with this device's key, and streams the file
 * through the chunk pipeline, each compressed chunk going straight to storage with a presigned
 * PUT, while the server learns how many chunks have landed contiguously so processors can start.
 *
 * <p>The send path is one loop over the upload's states in the {@link ClientJournal}, one step
 * per state ({@link #carryOn}): RESERVING (reserve and sign), SIGNED (register), UPLOADING
 * (compress and upload the missing chunks, report progress, complete), ABANDONED (start over with
 * the file's new version), until UPLOADED. Every step is recorded in the journal before the next
 * one starts, so the same call after a crash (the watcher handing the file over again, or the
 * resume route on start) carries on with the same job: it re-sends no chunk the journal or the
 * server says landed, and checks first that the file still holds what was sent (size, time, file
 * key and the SHA-256 of each landed chunk). A file that changed is never mixed into its old job:
 * that job is abandoned and the new version goes as a new job.
 */
public final class FileUploader {

    private static final Logger LOG = LoggerFactory.getLogger(FileUploader.class);
    /** The brief's {@code created}: ISO-8601 UTC, always with milliseconds (Instant.toString drops zero millis). */
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** A file replaced by one the watcher cannot tell apart is sent again at once, but not forever. */
    private static final int MAX_RESTARTS = 3;
    private static final int PUT_ATTEMPTS = 5;
    private static final Duration LONGEST_WAIT = Duration.ofMinutes(5);

    private final PipelineServer server;
    private final ClientKeyPair keys;
    private final ClientJournal journal;
    private final UploadSettings settings;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    /** Uploads waiting for a condition that may clear, by path, with why (for the person asking what is stuck). */
    private final Map<String, String> waiting = new ConcurrentHashMap<>();
    /** Set while the server or storage cannot be reached, so the outage is said once, not once per file. */
    private final java.util.concurrent.atomic.AtomicBoolean outage = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Duration firstWait = Duration.ofSeconds(10);
    /** Shared by every upload: with {@code auto} it learns from all of them (they share the link and the CPU). */
    private final CompressionPlan compression;
    /** Shared by every upload, so that memory stays bounded however many files are sent at once. */
    private final ChunkPipeline pipeline;

    /** How chunks are cut, compressed and sent. */
    public record UploadSettings(int chunkSize, CompressionSetting compression, int workers, int chunksInFlight,
                                 long maxFileBytes) {
        /** A fixed zstd level. */
        public UploadSettings(int chunkSize, int level, int workers, int chunksInFlight, long maxFileBytes) {
            this(chunkSize, CompressionSetting.level(level), workers, chunksInFlight, maxFileBytes);
        }
    }

    public FileUploader(PipelineServer server, ClientKeyPair keys, ClientJournal journal, UploadSettings settings) {
        this.server = server;
        this.keys = keys;
        this.journal = journal;
        this.settings = settings;
        this.compression = settings.compression().plan(settings.workers());
        this.pipeline = new ChunkPipeline(settings.chunkSize(), compression, settings.workers(), settings.chunksInFlight());
    }

    /**
     * Sends a file the watcher picked up, or carries on with its unfinished upload. Returns its
     * job id; null when there is nothing to send now (the file is gone, or it changed and its
     * new version is sent once it has stopped changing).
     */
    public String upload(File file) throws IOException, InterruptedException {
        return send(file.toPath(), false);
    }

    /** Files whose upload a crash or shutdown interrupted, to be finished on start. */
    public List<File> unfinishedFiles() throws IOException {
        Set<String> paths = new LinkedHashSet<>();
        for (Entry entry : journal.unfinished()) {
            Optional<Entry> latest = journal.latestUpload(Path.of(entry.path()));
            if (latest.isPresent() && !latest.get().id().equals(entry.id())) {
                journal.record(entry.withState(ClientJournal.ABANDONED, "a later upload of " + entry.name() + " replaced it"));
                continue;
            }
            paths.add(entry.path());
        }
        List<File> files = new ArrayList<>();
        paths.forEach(path -> files.add(new File(path)));
        if (!files.isEmpty()) {
            LOG.info("resuming {} upload(s) interrupted by a crash or shutdown", files.size());
        }
        return files;
    }

    /** Finishes the interrupted upload of one file (see {@link #unfinishedFiles()}). */
    public String resume(File file) throws IOException, InterruptedException {
        return send(file.toPath(), true);
    }

    private String send(Path file, boolean resuming) throws IOException, InterruptedException {
        Path path = file.toAbsolutePath().normalize();
        // One upload per file at a time: the watcher and the resume route may both hand it over.
        ReentrantLock lock = locks.computeIfAbsent(path.toString(), key -> new ReentrantLock());
        lock.lockInterruptibly();
        try {
            Upload upload = whereTheFileStands(path, resuming);
            return upload == null ? null : carryOn(upload);
        } finally {
            lock.unlock();
        }
    }

    /**
     * One upload while this call carries it on: its journal entry, the file's identity when this
     * call found it, and the job as the server answered this call's registration (null until then,
     * or when the server is to be asked where the upload stands).
     */
    private record Upload(Path path, Entry entry, FileIdentity identity, Job atServer) {

        Upload at(Entry next) {
            return new Upload(path, next, identity, atServer);
        }
    }

    /**
     * Compares the file with its latest upload in the journal: that upload, if it describes the
     * file as it is now (finished or not); a new upload, if the file is new or changed (a changed
     * file's unfinished upload is abandoned first); or null when there is nothing to send now.
     */
    private Upload whereTheFileStands(Path path, boolean resuming) throws IOException {
        String name = path.getFileName().toString();
        Optional<Entry> latest = journal.latestUpload(path);
        Entry active = latest.filter(Entry::unfinished).orElse(null);
        FileIdentity identity;
        try {
            identity = DropFolderCheck.sendable(path);
        } catch (NoSuchFileException gone) {
            if (active != null) {
                throw fail(active, name + " was removed from the drop folder before it was completely sent ("
                        + landedSoFar(active) + " of " + active.totalChunks() + " chunks had been sent), so it was not "
                        + "analysed. Put it back into the drop folder to send it.", null);
            }
            LOG.info("{} is no longer in the drop folder; nothing to send", name);
            return null;
        } catch (UnsendableFileException refused) {
            if (active != null) {
                abandon(active, name + " was replaced by something that cannot be sent");
            }
            throw refused;
        }

        if (latest.isPresent() && latest.get().describes(identity)) {
            Entry known = latest.get();
            if (known.isUploaded()) {
                LOG.info("{} was sent before as {} and has not changed; not sending it again", name, known.job());
            }
            if (known.isUploaded() || known.unfinished()) {
                return new Upload(path, known, identity, null);
            }
        } else if (active != null) {
            abandon(active, name + " changed since its upload started");
            if (resuming && !identity.sameWatchKey(recordedIdentity(active))) {
                LOG.info("the new version of {} will be sent once it has stopped changing", name);
                return null;
            }
        }
        if (resuming && active == null) {
            // The interrupted upload was finished or given up since (e.g. by the watcher): nothing to resume.
            return null;
        }
        return newUpload(path, identity);
    }

    /**
     * The send path: one step per journal state, until the upload is over. Each step records in the
     * journal what the next one starts from (fsync'd), so after a crash this same loop, given the
     * entry as the crash left it, carries on where it stopped:
     * <ul>
     *   <li>RESERVING: reserve the job (the entry's id is the request id) and sign it with this
     *   device's key; journalled as SIGNED.</li>
     *   <li>SIGNED: register the signed job; the server's answer says where the upload stands.
     *   UPLOADING from then on is held in memory only (registering again after a crash is harmless).</li>
     *   <li>UPLOADING: compress and upload the chunks storage does not have yet, each journalled once
     *   it landed and before progress is reported for it; then complete the upload. Journalled as
     *   UPLOADED.</li>
     *   <li>ABANDONED (the file changed, or the server lost the job): the file's current version goes
     *   as a new upload, unless the watcher will hand it over itself once it is still.</li>
     *   <li>UPLOADED, or FAILED at the server (which sends its own result): over.</li>
     * </ul>
     * A removed file, a refusal or an error ends the upload as FAILED with the sentence the person
     * reads ({@link UploadFailedException}); an interruption (shutdown) leaves it unfinished, to be
     * resumed on the next start.
     */
    private String carryOn(Upload upload) throws IOException, InterruptedException {
        try {
            return stepThrough(upload);
        } finally {
            waiting.remove(upload.path().toString());
        }
    }

    private String stepThrough(Upload upload) throws IOException, InterruptedException {
        int restarts = 0;
        int waits = 0;
        while (true) {
            try {
                switch (upload.entry().state()) {
                    case ClientJournal.RESERVING -> upload = reserveAndSign(upload);
                    case ClientJournal.SIGNED -> upload = register(upload);
                    case ClientJournal.UPLOADING -> upload = sendChunksAndComplete(upload);
                    case ClientJournal.ABANDONED -> {
                        upload = startOver(upload, ++restarts);
                        if (upload == null) {
                            return null;
                        }
                    }
                    case ClientJournal.UPLOADED, ClientJournal.FAILED -> {
                        return upload.entry().job();
                    }
                    default -> throw new IllegalStateException("upload " + upload.entry().id() + " is in an unknown state "
                            + upload.entry().state());
                }
                if (waits > 0 && outage.compareAndSet(true, false)) {
                    LOG.info("the server and storage answer again; the files that waited are being sent");
                }
            } catch (FileChangedException changed) {
                upload = changedFile(upload, changed);
            } catch (InterruptedException | ClosedByInterruptException | InterruptedIOException interrupted) {
                // Shutdown: the entry stays unfinished and is resumed on the next start.
                Thread.currentThread().interrupt();
                throw new InterruptedException("the upload of " + upload.entry().name()
                        + " was interrupted; it resumes on the next start");
            } catch (UploadFailedException | UnsendableFileException alreadySaid) {
                throw alreadySaid;
            } catch (IOException | RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("the upload of " + upload.entry().name()
                            + " was interrupted; it resumes on the next start");
                }
                // Conditions that may clear by waiting keep the file waiting, not FAILED: the
                // same step is tried again from the journal once they have.
                if (causeOf(e, SignedOutException.class) != null) {
                    upload = waitForSignIn(upload);
                    continue;
                }
                ServerUnavailableException unavailable = causeOf(e, ServerUnavailableException.class);
                if (unavailable != null) {
                    upload = waitForServer(upload, unavailable, ++waits);
                    continue;
                }
                Entry now = journal.find(upload.entry().id()).orElse(upload.entry());
                throw fail(now, "Could not send " + now.name() + ": " + reason(e) + ". Fix the cause, then save the file "
                        + "again (or drop a new copy) to send it again.", e);
            }
        }
    }

    /**
     * Signed out (the session ended, or nobody signed in yet): the file waits in the drop folder
     * until someone signs in on this device (the session says so once, not once per file), then
     * its upload carries on from the journal where it stopped.
     */
    private Upload waitForSignIn(Upload upload) throws InterruptedException {
        waiting.put(upload.path().toString(), "signed out: run ./pipeline login");
        try {
            server.awaitSignIn();
        } catch (InterruptedException e) {
            throw interrupted(upload);
        }
        waiting.remove(upload.path().toString());
        return fromJournal(upload);
    }

    /**
     * The server or storage cannot be reached, or is failing (after the call's own retries): the
     * upload waits, longer each time (10 s doubling to 5 minutes, with jitter so clients do not
     * come back in step), and carries on from the journal. Said once per outage at WARN, each
     * further wait at INFO.
     */
    private Upload waitForServer(Upload upload, ServerUnavailableException why, int waits) throws InterruptedException {
        long ceiling = Math.min(LONGEST_WAIT.toMillis(), firstWait.toMillis() << Math.min(waits - 1, 20));
        long wait = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        waiting.put(upload.path().toString(), why.getMessage());
        if (outage.compareAndSet(false, true)) {
            LOG.warn("{} failed; {} and any other file being sent wait and are sent as soon as it works again "
                    + "(next try in {} s)", why.getMessage(), upload.entry().name(), Math.max(1, wait / 1000));
        } else {
            LOG.info("{} is waiting ({}); next try in {} s", upload.entry().name(), why.getMessage(), Math.max(1, wait / 1000));
        }
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            throw interrupted(upload);
        }
        return fromJournal(upload);
    }

    /** The upload as its journal entry has it, to be asked of the server afresh (what it knew may be stale). */
    private Upload fromJournal(Upload upload) {
        return new Upload(upload.path(), journal.find(upload.entry().id()).orElse(upload.entry()), upload.identity(), null);
    }

    private static InterruptedException interrupted(Upload upload) {
        Thread.currentThread().interrupt();
        return new InterruptedException("the upload of " + upload.entry().name() + " was interrupted; it resumes on the next start");
    }

    /** Files whose upload waits for something that may clear (the server, a sign-in), by path, with why. */
    public Map<String, String> waiting() {
        return Map.copyOf(waiting);
    }

    /** The first wait after the server could not be reached; tests shorten it. */
    void firstWaitWhenUnavailable(Duration wait) {
        this.firstWait = wait;
    }

    private static <T extends Throwable> T causeOf(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

    /** RESERVING → SIGNED. */
    private Upload reserveAndSign(Upload upload) throws IOException, InterruptedException {
        // The entry's id is the reservation's request id: after a crash here the server
        // answers with the same job instead of reserving a second one.
        Reservation reservation = server.reserveJob(upload.entry().id());
        Job signed = JobSignature.sign(Job.unsigned(reservation.id(), ProductVersion.get(),
                CREATED.format(Instant.now()), reservation.bucket(), reservation.region(), reservation.file(),
                keys.publicKey().clientId()), keys);
        Entry next = upload.entry().withSigned(signed);
        journal.record(next);
        return upload.at(next);
    }

    /** SIGNED → UPLOADING (in memory), or ABANDONED when the reservation is gone. */
    private Upload register(Upload upload) throws IOException, InterruptedException {
        Entry entry = upload.entry();
        // Not journalled as UPLOADING: after a crash from here on the entry is still SIGNED,
        // registering again is harmless (the same signature gets the job as stored), and the
        // answer says where the upload stands. That is one durable journal write fewer per file.
        Job registered;
        try {
            registered = server.registerJob(entry.signed());
        } catch (ServerCallException refused) {
            if (refused.status() != 404) {
                throw refused;
            }
            // The reservation is gone (swept while this client was down): send the file afresh.
            return abandoned(upload, "the server no longer knows job " + entry.job());
        }
        LOG.info("uploading {} ({} bytes) as {}", entry.name(), entry.size(), entry.job());
        return new Upload(upload.path(), entry.withState(ClientJournal.UPLOADING, null), upload.identity(), registered);
    }

    /**
     * UPLOADING → UPLOADED: sends the chunks storage does not have yet and completes the upload;
     * or ABANDONED / FAILED when the server says the job is gone or failed.
     */
    private Upload sendChunksAndComplete(Upload upload) throws IOException, InterruptedException {
        Entry entry = upload.entry();
        String jobId = entry.job();
        Job job = upload.atServer();
        if (job == null) {
            Optional<Job> remote = server.job(jobId);
            if (remote.isEmpty()) {
                return abandoned(upload, "the server no longer knows job " + jobId);
            }
            job = remote.get();
        }
        long started = System.nanoTime();
        if (job.uploaded() != null) {
            // Completed just before a crash: only the journal did not know yet.
            return uploaded(upload, 0, started);
        }
        if (Job.FAILED.equals(job.status())) {
            if (entry.resultFile() != null) {
                Entry failed = entry.failed(job.error(), false);
                journal.record(failed);
                return upload.at(failed);
            }
            // E.g. the server gave the upload up while this client was down: send the file afresh.
            return abandoned(upload, "job " + jobId + " failed at the server before its upload finished ("
                    + job.error() + ")");
        }
        int sentNow = sendMissingChunks(upload, job);
        server.completeUpload(jobId, entry.totalChunks());
        return uploaded(upload, sentNow, started);
    }

    /**
     * ABANDONED → a new upload of the file's current version (RESERVING), or null when the watcher
     * will hand that version over itself once it has stopped changing, or when the file is gone.
     */
    private Upload startOver(Upload abandoned, int restarts) throws IOException {
        Path path = abandoned.path();
        String name = abandoned.entry().name();
        FileIdentity now;
        try {
            now = DropFolderCheck.sendable(path);
        } catch (IOException notSendable) {
            LOG.info("{} is no longer a file that can be sent; nothing more to send", name);
            return null;
        }
        if (!now.sameWatchKey(abandoned.identity())) {
            LOG.info("the new version of {} will be sent once it has stopped changing", name);
            return null;
        }
        // Same name, size and time: the watcher would take it for the file already sent.
        if (restarts > MAX_RESTARTS) {
            throw fail(journal.begin(path, now, settings.chunkSize()), name + " kept changing while it was being "
                    + "sent. Save it again once it is finished to send it.", null);
        }
        return newUpload(path, now);
    }

    /** A new upload of the file as it is now, remembered before anything is asked of the server. */
    private Upload newUpload(Path path, FileIdentity identity) throws IOException {
        if (identity.size() > settings.maxFileBytes()) {
            throw DropFolderCheck.tooLarge(path, identity, settings.maxFileBytes());
        }
        return new Upload(path, journal.begin(path, identity, settings.chunkSize()), identity, null);
    }

    /** The file changed under its upload: removed means FAILED (the person is told), otherwise ABANDONED. */
    private Upload changedFile(Upload upload, FileChangedException changed) throws IOException {
        Entry now = journal.find(upload.entry().id()).orElse(upload.entry());
        if (changed.gone()) {
            throw fail(now, changed.getMessage() + " (" + landedSoFar(now) + " of " + now.totalChunks()
                    + " chunks had been sent), so it was not analysed. Put it back into the drop folder to send it.", null);
        }
        return abandoned(upload.at(now), changed.getMessage());
    }

    /**
     * Sends every chunk that storage does not have yet (neither in the journal's log nor counted
     * by the server), through the one chunk pipeline all files share: compressed on the workers,
     * presigned in batches, PUT, logged in the journal, then counted in the contiguous progress.
     * Returns how many chunks this call sent.
     */
    private int sendMissingChunks(Upload upload, Job job) throws IOException, InterruptedException {
        Entry entry = upload.entry();
        Path path = upload.path();
        String jobId = entry.job();
        int total = entry.totalChunks();
        int reported = job.chunks() == null ? 0 : Math.min(job.chunks(), total);
        Map<Integer, LandedChunk> logged = journal.landedChunks(entry);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            if (!FileIdentity.of(path).equals(upload.identity())) {
                throw new FileChangedException(entry.name() + " changed while it was being opened", false);
            }
            checkLandedChunks(entry, channel, logged.values());
            BitSet landed = new BitSet(total);
            logged.keySet().stream().filter(index -> index < total).forEach(landed::set);
            landed.set(0, reported);
            List<Integer> missing = new ArrayList<>();
            for (int index = landed.nextClearBit(0); index < total; index = landed.nextClearBit(index + 1)) {
                missing.add(index);
            }
            if (landed.cardinality() > 0) {
                LOG.info("resuming {} as {}: {} of {} chunks already in storage, {} to send", entry.name(), jobId,
                        landed.cardinality(), total, missing.size());
            }
            ContiguousProgress progress = new ContiguousProgress(chunks -> server.reportUploadProgress(jobId, chunks),
                    total, landed, reported);
            if (!missing.isEmpty()) {
                SelectedChunksStream chunks = new SelectedChunksStream(channel, path, upload.identity(), entry.chunkBytes(),
                        missing);
                UploadUrlBatcher urls = new UploadUrlBatcher(wanted -> server.presignUploads(jobId, wanted));
                pipeline.run(chunks, entry.chunkBytes(), chunk -> {
                    int index = missing.get(chunk.index());
                    put(entry, index, chunk, urls);
                    // Logged only once storage has it, and before progress is reported for it.
                    journal.landed(entry, index, chunks.takeHash(index), chunk.md5Base64());
                    LOG.info("chunk {} of {} landed ({} of {} bytes, {})", index, jobId, chunk.frame().length,
                            chunk.originalLength(), chunk.encoding());
                    progress.landed(index);
                });
            }
            try {
                progress.prepareCompletion();
            } catch (IOException | InterruptedException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e.getMessage(), e);
            }
            return missing.size();
        }
    }

    /** UPLOADED: the journal says so and forgets the chunk log, which only served to resume. */
    private Upload uploaded(Upload upload, int sentNow, long started) throws IOException {
        Entry entry = upload.entry().withState(ClientJournal.UPLOADED, null);
        journal.record(entry);
        journal.forgetChunks(entry);
        LOG.info("uploaded {} as {}: {} chunks ({} sent by this run) in {} ms", entry.name(), entry.job(),
                entry.totalChunks(), sentNow, (System.nanoTime() - started) / 1_000_000);
        return upload.at(entry);
    }

    private static FileIdentity recordedIdentity(Entry entry) {
        return new FileIdentity(entry.size(), entry.modified(), entry.fileKey());
    }

    /** The chunks that landed must still hold what was sent, or the file changed without its size and time showing it. */
    private static void checkLandedChunks(Entry entry, FileChannel channel, Iterable<LandedChunk> landed) throws IOException {
        MessageDigest digest = SelectedChunksStream.sha256();
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(entry.chunkBytes(), 1 << 20));
        for (LandedChunk chunk : landed) {
            long start = (long) chunk.index() * entry.chunkBytes();
            long end = Math.min(start + entry.chunkBytes(), entry.size());
            if (start > entry.size()) {
                continue;
            }
            digest.reset();
            for (long position = start; position < end; ) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new FileChangedException(entry.name() + " became shorter since its upload started", false);
                }
                digest.update(buffer.array(), 0, n);
                position += n;
            }
            if (!HexFormat.of().formatHex(digest.digest()).equals(chunk.sha256())) {
                throw new FileChangedException("the content of " + entry.name() + " changed since chunk " + chunk.index()
                        + " was sent (its size and modification time did not)", false);
            }
        }
    }

    /** Presigns (in a batch with the job's other ready chunks) and PUTs one chunk; a passing storage failure (or an expired URL) is retried with a fresh URL. */
    private void put(Entry entry, int index, CompressedChunk chunk, UploadUrlBatcher urls) throws IOException, InterruptedException {
        long ceiling = 200;
        for (int attempt = 1; ; attempt++) {
            String url = urls.url(new ChunkUpload(index, chunk.md5Base64(), chunk.frame().length));
            // Only the PUT is timed: the adaptive level weighs the link, not the server's presigning.
            try {
                putTimed(url, chunk);
                return;
            } catch (IOException failure) {
                boolean passing = !(failure instanceof ServerCallException refused)
                        || refused.retryable() || refused.status() == 403;
                if (!passing || attempt >= PUT_ATTEMPTS) {
                    throw new IOException("storage refused chunk " + index + " of job " + entry.job() + ": "
                            + failure.getMessage(), failure);
                }
                long wait = ThreadLocalRandom.current().nextLong(ceiling + 1);
                LOG.info("chunk {} of {} not stored (attempt {}: {}); trying again in {} ms", index, entry.job(), attempt,
                        failure.getMessage(), wait);
                Thread.sleep(wait);
                ceiling = Math.min(10_000, ceiling * 2);
            }
        }
    }

    /** One PUT; with the adaptive level, its bytes and duration tell the chooser what the link carries. */
    private void putTimed(String url, CompressedChunk chunk) throws IOException, InterruptedException {
        if (!(compression instanceof CompressionLevelChooser chooser)) {
            server.putChunk(url, chunk.md5Base64(), chunk.frame());
            return;
        }
        long delivered = 0;
        chooser.uploadStarted();
        try {
            server.putChunk(url, chunk.md5Base64(), chunk.frame());
            delivered = chunk.frame().length;
        } finally {
            chooser.uploadEnded(delivered);
        }
    }

    /** ABANDONED: the upload is given up for good (its job too, at the server), and another may start. */
    private Upload abandoned(Upload upload, String why) throws IOException {
        return upload.at(abandon(upload.entry(), why));
    }

    private Entry abandon(Entry entry, String why) throws IOException {
        Entry abandoned = entry.withState(ClientJournal.ABANDONED, why);
        journal.record(abandoned);
        journal.forgetChunks(entry);
        if (entry.job() != null) {
            LOG.warn("{}: job {} is abandoned and its chunks are not used; a result of it will not be written", why,
                    entry.job());
            try {
                // Frees the job's processor and storage now; the server's sweep would otherwise
                // do it only after server.upload-abandon-seconds.
                server.abandonJob(entry.job(), why);
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not tell the server that job {} is abandoned ({}); its sweep will end it", entry.job(),
                        e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            LOG.info("{}: its upload is abandoned before a job was reserved", why);
        }
        return abandoned;
    }

    /**
     * Records the upload as FAILED with the sentence the person will read, and returns the
     * exception that makes the watch route write it as the file's result. If the server already
     * failed the job, its result (with the server's reason) is the file's result instead.
     */
    private UploadFailedException fail(Entry entry, String message, Throwable cause) throws IOException {
        boolean serverWillReport = false;
        if (entry.job() != null && entry.resultFile() == null) {
            try {
                serverWillReport = server.job(entry.job()).map(job -> Job.FAILED.equals(job.status())).orElse(false);
            } catch (IOException | InterruptedException | RuntimeException unknown) {
                if (unknown instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        journal.record(entry.failed(message, !serverWillReport && entry.resultFile() == null));
        journal.forgetChunks(entry);
        LOG.warn(message);
        return new UploadFailedException(entry.id(), message, cause);
    }

    private int landedSoFar(Entry entry) {
        try {
            return journal.landedChunks(entry).size();
        } catch (IOException unreadable) {
            return 0;
        }
    }

    private static String reason(Throwable e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "it cannot be read (permission denied); give this user read access to it";
        }
        if (e instanceof NoSuchFileException) {
            return "it is no longer there";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
