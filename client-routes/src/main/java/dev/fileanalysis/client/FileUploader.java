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
 * <p>Every step is recorded in the {@link ClientJournal} before the next one starts, so the same
 * call after a crash (the watcher handing the file over again, or the resume route on start)
 * carries on with the same job: it re-sends no chunk the journal or the server says landed, and
 * checks first that the file still holds what was sent (size, time, file key and the SHA-256 of
 * each landed chunk). A file that changed is never mixed into its old job: that job is abandoned
 * and the new version goes as a new job.
 */
public final class FileUploader {

    private static final Logger LOG = LoggerFactory.getLogger(FileUploader.class);
    /** The brief's {@code created}: ISO-8601 UTC, always with milliseconds (Instant.toString drops zero millis). */
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** A file replaced by one the watcher cannot tell apart is sent again at once, but not forever. */
    private static final int MAX_RESTARTS = 3;
    private static final int PUT_ATTEMPTS = 5;

    private final PipelineServer server;
    private final ClientKeyPair keys;
    private final ClientJournal journal;
    private final UploadSettings settings;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
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
            return sendLocked(path, resuming, 0);
        } finally {
            lock.unlock();
        }
    }

    private String sendLocked(Path path, boolean resuming, int restarts) throws IOException, InterruptedException {
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
                return known.job();
            }
            if (known.unfinished()) {
                return advance(known, path, identity, restarts);
            }
        } else if (active != null) {
            abandon(active, name + " changed since its upload started");
            if (resuming && !identity.sameWatchKey(new FileIdentity(active.size(), active.modified(), active.fileKey()))) {
                LOG.info("the new version of {} will be sent once it has stopped changing", name);
                return null;
            }
        }
        if (resuming && active == null) {
            return latest.map(Entry::job).orElse(null);
        }
        if (identity.size() > settings.maxFileBytes()) {
            throw DropFolderCheck.tooLarge(path, identity, settings.maxFileBytes());
        }
        return advance(journal.begin(path, identity, settings.chunkSize()), path, identity, restarts);
    }

    /** Carries the upload on from wherever the journal says it is, and turns what stops it into the journal's terms. */
    private String advance(Entry entry, Path path, FileIdentity identity, int restarts)
            throws IOException, InterruptedException {
        String name = entry.name();
        try {
            return carryOn(entry, path, identity, restarts);
        } catch (FileChangedException changed) {
            Entry now = journal.find(entry.id()).orElse(entry);
            if (changed.gone()) {
                throw fail(now, changed.getMessage() + " (" + landedSoFar(now) + " of " + now.totalChunks()
                        + " chunks had been sent), so it was not analysed. Put it back into the drop folder to send it.", null);
            }
            abandon(now, changed.getMessage());
            FileIdentity after;
            try {
                after = DropFolderCheck.sendable(path);
            } catch (IOException notSendable) {
                return null;
            }
            if (!after.sameWatchKey(identity)) {
                LOG.info("the new version of {} will be sent once it has stopped changing", name);
                return null;
            }
            // Same name, size and time: the watcher would take it for the file already sent.
            if (restarts >= MAX_RESTARTS) {
                throw fail(journal.begin(path, after, settings.chunkSize()), name + " kept changing while it was being "
                        + "sent. Save it again once it is finished to send it.", null);
            }
            return sendLocked(path, false, restarts + 1);
        } catch (InterruptedException | ClosedByInterruptException | InterruptedIOException interrupted) {
            // Shutdown: the entry stays unfinished and is resumed on the next start.
            Thread.currentThread().interrupt();
            throw new InterruptedException("the upload of " + name + " was interrupted; it resumes on the next start");
        } catch (UploadFailedException failed) {
            throw failed;
        } catch (IOException | RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("the upload of " + name + " was interrupted; it resumes on the next start");
            }
            Entry now = journal.find(entry.id()).orElse(entry);
            throw fail(now, "Could not send " + name + ": " + reason(e) + ". Fix the cause, then save the file again "
                    + "(or drop a new copy) to send it again.", e);
        }
    }

    private String carryOn(Entry entry, Path path, FileIdentity identity, int restarts)
            throws IOException, InterruptedException {
        if (ClientJournal.RESERVING.equals(entry.state())) {
            // The entry's id is the reservation's request id: after a crash here the server
            // answers with the same job instead of reserving a second one.
            Reservation reservation = server.reserveJob(entry.id());
            Job signed = JobSignature.sign(Job.unsigned(reservation.id(), ProductVersion.get(),
                    CREATED.format(Instant.now()), reservation.bucket(), reservation.region(), reservation.file(),
                    keys.publicKey().clientId()), keys);
            entry = entry.withSigned(signed);
            journal.record(entry);
        }
        Job registered = null;
        if (ClientJournal.SIGNED.equals(entry.state())) {
            // Not journalled as UPLOADING: after a crash from here on the entry is still SIGNED,
            // registering again is harmless (the same signature gets the job as stored), and the
            // answer says where the upload stands. That is one durable journal write fewer per file.
            try {
                registered = server.registerJob(entry.signed());
            } catch (ServerCallException refused) {
                if (refused.status() != 404) {
                    throw refused;
                }
                // The reservation is gone (swept while this client was down): send the file afresh.
                abandon(entry, "the server no longer knows job " + entry.job());
                return sendLocked(path, false, restarts + 1);
            }
            entry = entry.withState(ClientJournal.UPLOADING, null);
            LOG.info("uploading {} ({} bytes) as {}", entry.name(), entry.size(), entry.job());
        }
        return uploadChunks(entry, path, identity, restarts, registered);
    }

    /**
     * {@code registered}: the job as the server answered its registration by this very call, or
     * null to ask the server where the upload stands (a resumed upload).
     */
    private String uploadChunks(Entry entry, Path path, FileIdentity identity, int restarts, Job registered)
            throws IOException, InterruptedException {
        String jobId = entry.job();
        int total = entry.totalChunks();
        Job job = registered;
        if (job == null) {
            Optional<Job> remote = server.job(jobId);
            if (remote.isEmpty()) {
                abandon(entry, "the server no longer knows job " + jobId);
                return sendLocked(path, false, restarts + 1);
            }
            job = remote.get();
        }
        if (job.uploaded() != null) {
            // Completed just before a crash: only the journal did not know yet.
            return finished(entry, 0, System.nanoTime());
        }
        if (Job.FAILED.equals(job.status())) {
            if (entry.resultFile() != null) {
                journal.record(entry.failed(job.error(), false));
                return jobId;
            }
            // E.g. the server gave the upload up while this client was down: send the file afresh.
            abandon(entry, "job " + jobId + " failed at the server before its upload finished (" + job.error() + ")");
            return sendLocked(path, false, restarts + 1);
        }
        int reported = job.chunks() == null ? 0 : Math.min(job.chunks(), total);
        long started = System.nanoTime();
        Map<Integer, LandedChunk> logged = journal.landedChunks(entry);
        int sentNow;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            if (!FileIdentity.of(path).equals(identity)) {
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
            final Entry uploading = entry;
            ContiguousProgress progress = new ContiguousProgress(chunks -> server.reportUploadProgress(jobId, chunks),
                    total, landed, reported);
            if (!missing.isEmpty()) {
                SelectedChunksStream chunks = new SelectedChunksStream(channel, path, identity, entry.chunkBytes(), missing);
                UploadUrlBatcher urls = new UploadUrlBatcher(wanted -> server.presignUploads(jobId, wanted));
                pipeline.run(chunks, entry.chunkBytes(), chunk -> {
                    int index = missing.get(chunk.index());
                    put(uploading, index, chunk, urls);
                    // Logged only once storage has it, and before progress is reported for it.
                    journal.landed(uploading, index, chunks.takeHash(index), chunk.md5Base64());
                    LOG.info("chunk {} of {} landed ({} of {} bytes, {})", index, jobId, chunk.frame().length,
                            chunk.originalLength(), chunk.encoding());
                    progress.landed(index);
                });
            }
            sentNow = missing.size();
            try {
                progress.prepareCompletion();
            } catch (IOException | InterruptedException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        server.completeUpload(jobId, total);
        return finished(entry, sentNow, started);
    }

    private String finished(Entry entry, int sentNow, long started) throws IOException {
        journal.record(entry.withState(ClientJournal.UPLOADED, null));
        journal.forgetChunks(entry);
        LOG.info("uploaded {} as {}: {} chunks ({} sent by this run) in {} ms", entry.name(), entry.job(),
                entry.totalChunks(), sentNow, (System.nanoTime() - started) / 1_000_000);
        return entry.job();
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

    private void abandon(Entry entry, String why) throws IOException {
        journal.record(entry.withState(ClientJournal.ABANDONED, why));
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
