package dev.fileanalysis.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.fileanalysis.apiclient.ServerApiClient.ChunkUpload;
import dev.fileanalysis.apiclient.ServerApiClient.Reservation;
import dev.fileanalysis.apiclient.ServerCallException;
import dev.fileanalysis.chunk.ChunkCodec;
import dev.fileanalysis.client.chunk.ChunkPipeline;
import dev.fileanalysis.crypto.JobSignature;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.Result;

/**
 * The server and storage as the client sees them, in memory, with the same rules as the real
 * ones (idempotent reservations, progress only for chunks in storage, completion once). A test
 * can stop a client at any call, before or after the server applied it — a kill -9 at that
 * instant: the test's {@code onCrash} runs at that moment (to copy the client's folders as the
 * crash leaves them), and from then on every call of that client fails, so it can change nothing
 * more on this side.
 */
final class FakePipelineServer {

    /** One call as the fake sees it; {@code applied} tells whether the server side already happened. */
    record Call(String name, String job, int index, boolean applied) {
    }

    @FunctionalInterface
    interface CrashPoint {
        boolean matches(Call call);
    }

    static final class FakeJob {
        final String id;
        final String file;
        volatile Job signed;
        volatile String status = "RESERVED";
        volatile int chunks;
        volatile Integer totalChunks;
        volatile String uploaded;
        volatile String error;

        FakeJob(String id, String file) {
            this.id = id;
            this.file = file;
        }

        Job view() {
            Job base = signed == null ? Job.unsigned(id, null, null, "bucket", "region", file, null) : signed;
            return new Job(base.id(), base.version(), base.created(), base.bucket(), base.region(), base.file(),
                    base.client(), base.signature(), status, chunks, totalChunks, null, uploaded, null, error);
        }
    }

    final Map<String, String> reservations = new ConcurrentHashMap<>();
    final Map<String, FakeJob> jobs = new ConcurrentHashMap<>();
    final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> puts = new ConcurrentHashMap<>();
    final List<Result> results = new CopyOnWriteArrayList<>();
    final List<Call> calls = new CopyOnWriteArrayList<>();
    /** Acknowledgement requests answered (each may cover several results). */
    final AtomicInteger acknowledgements = new AtomicInteger();
    /** Presign requests answered (each may cover several chunks). */
    final AtomicInteger presignRequests = new AtomicInteger();

    /** While set, every call is refused as signed out, as a server does once the device's session ended. */
    private volatile boolean signedOut;
    /** Uploads that started waiting for a sign-in. */
    final AtomicInteger signInWaits = new AtomicInteger();

    /** The device's session ends: every call from now on is a SignedOutException. */
    void signOut() {
        signedOut = true;
    }

    /** Someone signs in on the device again: the uploads that wait go on. */
    synchronized void signIn() {
        signedOut = false;
        notifyAll();
    }

    /** Progress reports are answered but not recorded, as if a server restore had lost them. */
    volatile boolean forgetProgress;

    private volatile CrashPoint crashPoint;
    private volatile Runnable onCrash;
    private volatile Hook hook;

    @FunctionalInterface
    interface Hook {
        void at(Call call) throws IOException;
    }

    /** Stops the client at the first call matching {@code point}; {@code onCrash} runs at that instant. */
    void crashAt(CrashPoint point, Runnable onCrash) {
        this.onCrash = onCrash;
        this.crashPoint = point;
    }

    /** Runs {@code hook} at every call (e.g. to change the file half-way through an upload). */
    void hook(Hook hook) {
        this.hook = hook;
    }

    /** A client's connection; dead once that client has been stopped by a crash point. */
    PipelineServer session() {
        return new Session();
    }

    int puts(String job, int index) {
        AtomicInteger count = puts.get(job + "/" + index);
        return count == null ? 0 : count.get();
    }

    int putsOf(String job) {
        return puts.entrySet().stream().filter(e -> e.getKey().startsWith(job + "/")).mapToInt(e -> e.getValue().get()).sum();
    }

    /** The file as a processor would read it: every chunk of the completed job, decompressed in order. */
    byte[] reassemble(String jobId) throws IOException {
        FakeJob job = jobs.get(jobId);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        for (int index = 0; index < job.totalChunks; index++) {
            byte[] frame = objects.get(job.file + "/" + index);
            if (frame == null) {
                throw new IOException("chunk " + index + " of " + jobId + " is not in storage");
            }
            try (InputStream in = ChunkCodec.decompressing(frame, 1 << 30)) {
                in.transferTo(whole);
            }
        }
        return whole.toByteArray();
    }

    List<FakeJob> completedJobs() {
        return jobs.values().stream().filter(job -> job.uploaded != null).toList();
    }

    /** Stores a result for a job, as a processor would. */
    /**
     * What a processor encrypts to the device for a job: the engine's answer, inside a plaintext
     * that names the job ({@code {"job": ..., "result": ...}}).
     */
    static String sealed(String jobId, String analysis, dev.fileanalysis.crypto.ClientPublicKey key) {
        try {
            return dev.fileanalysis.crypto.ResultCipher.encrypt(dev.fileanalysis.model.ResultPlaintext.done(jobId,
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(analysis)).toBytes(), key);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    Result addResult(String jobId, String status, String payload, String error) {
        FakeJob job = jobs.get(jobId);
        Result result = new Result("result-" + UUID.randomUUID(), jobId, job == null || job.signed == null ? null
                : job.signed.client(), status, payload, error, "2026-01-01T00:00:00.000Z");
        results.add(result);
        return result;
    }

    private final class Session implements PipelineServer {

        private final AtomicBoolean dead = new AtomicBoolean();

        private void at(String name, String job, int index, boolean applied) throws IOException {
            if (dead.get()) {
                throw new ServerCallException(499, "this client was killed");
            }
            if (signedOut && !applied) {
                throw new dev.fileanalysis.client.signin.SignedOutException("Signed out: run ./pipeline login (test)");
            }
            Call call = new Call(name, job, index, applied);
            calls.add(call);
            Hook current = hook;
            if (current != null) {
                current.at(call);
            }
            CrashPoint point = crashPoint;
            if (point != null && point.matches(call)) {
                synchronized (FakePipelineServer.this) {
                    if (crashPoint == point) {
                        crashPoint = null;
                        dead.set(true);
                        onCrash.run();
                    }
                }
            }
            if (dead.get()) {
                throw new ServerCallException(499, "this client was killed");
            }
        }

        @Override
        public void awaitSignIn() throws InterruptedException {
            signInWaits.incrementAndGet();
            synchronized (FakePipelineServer.this) {
                while (signedOut) {
                    FakePipelineServer.this.wait();
                }
            }
        }

        @Override
        public Reservation reserveJob(String request) throws IOException {
            at("reserve", null, -1, false);
            String id = reservations.computeIfAbsent(request, r -> {
                String jobId = "job-" + UUID.randomUUID();
                jobs.put(jobId, new FakeJob(jobId, "file-" + UUID.randomUUID()));
                return jobId;
            });
            at("reserve", id, -1, true);
            FakeJob job = jobs.get(id);
            return new Reservation(id, "bucket", "region", job.file);
        }

        @Override
        public Job registerJob(Job signed) throws IOException {
            at("register", signed.id(), -1, false);
            FakeJob job = known(signed.id());
            if (!JobSignature.isValid(signed) || !signed.file().equals(job.file)) {
                throw new ServerCallException(400, "bad job");
            }
            synchronized (job) {
                if (job.signed == null) {
                    job.signed = signed;
                    job.status = Job.UPLOADING;
                } else if (!job.signed.signature().equals(signed.signature())) {
                    throw new ServerCallException(409, "Job " + signed.id() + " is already registered with another signature.");
                }
            }
            at("register", signed.id(), -1, true);
            return job.view();
        }

        @Override
        public Optional<Job> job(String jobId) throws IOException {
            at("job", jobId, -1, false);
            FakeJob job = jobs.get(jobId);
            return job == null ? Optional.empty() : Optional.of(job.view());
        }

        @Override
        public Map<Integer, String> presignUploads(String jobId, List<ChunkUpload> chunks) throws IOException {
            Map<Integer, String> urls = new java.util.HashMap<>();
            for (ChunkUpload chunk : chunks) {
                at("presign", jobId, chunk.index(), false);
            }
            FakeJob job = known(jobId);
            if (job.uploaded != null || !(Job.UPLOADING.equals(job.status) || Job.PROCESSING.equals(job.status))) {
                throw new ServerCallException(409, "Job " + jobId + " is not uploading (status " + job.status + ")");
            }
            for (ChunkUpload chunk : chunks) {
                urls.put(chunk.index(), "fake://" + jobId + "/" + chunk.index() + "/" + chunk.md5() + "/" + chunk.size());
            }
            presignRequests.incrementAndGet();
            return urls;
        }

        @Override
        public void putChunk(String url, String md5, byte[] frame) throws IOException {
            String[] parts = url.substring("fake://".length()).split("/", 3);
            String jobId = parts[0];
            int index = Integer.parseInt(parts[1]);
            at("put", jobId, index, false);
            if (!parts[2].equals(md5 + "/" + frame.length) || !ChunkPipeline.md5(frame).equals(md5)) {
                throw new ServerCallException(403, "signature does not match");
            }
            objects.put(jobs.get(jobId).file + "/" + index, frame.clone());
            puts.computeIfAbsent(jobId + "/" + index, key -> new AtomicInteger()).incrementAndGet();
            at("put", jobId, index, true);
        }

        @Override
        public void reportUploadProgress(String jobId, int chunks) throws IOException {
            at("progress", jobId, chunks, false);
            FakeJob job = known(jobId);
            synchronized (job) {
                if (chunks > job.chunks && !forgetProgress) {
                    if (chunks - job.chunks > ContiguousProgress.MAX_STEP) {
                        throw new ServerCallException(400, "progress may advance at most 256 chunks per report");
                    }
                    for (int index = job.chunks; index < chunks; index++) {
                        if (!objects.containsKey(job.file + "/" + index)) {
                            throw new ServerCallException(409, "Chunk " + index + " has not landed");
                        }
                    }
                    job.chunks = chunks;
                }
            }
            at("progress", jobId, chunks, true);
        }

        @Override
        public void completeUpload(String jobId, int chunks) throws IOException {
            at("complete", jobId, chunks, false);
            FakeJob job = known(jobId);
            synchronized (job) {
                if (job.uploaded != null) {
                    if (job.totalChunks != chunks) {
                        throw new ServerCallException(409, "already completed with " + job.totalChunks);
                    }
                } else {
                    if (chunks - job.chunks > ContiguousProgress.MAX_STEP) {
                        throw new ServerCallException(400, "report progress before completing");
                    }
                    for (int index = 0; index < chunks; index++) {
                        if (!objects.containsKey(job.file + "/" + index)) {
                            throw new ServerCallException(409, "completed without chunk " + index);
                        }
                    }
                    job.totalChunks = chunks;
                    job.uploaded = "2026-01-01T00:00:00.000Z";
                    job.status = Job.UPLOADED;
                }
            }
            at("complete", jobId, chunks, true);
        }

        @Override
        public List<Result> results(String clientId) throws IOException {
            at("results", null, -1, false);
            return new ArrayList<>(results);
        }

        @Override
        public void abandonJob(String jobId, String reason) throws IOException {
            at("abandon", jobId, -1, false);
            FakeJob job = known(jobId);
            synchronized (job) {
                if (!"DONE".equals(job.status) && !"FAILED".equals(job.status)) {
                    job.status = "FAILED";
                    job.error = "Upload abandoned by its client: " + reason + ".";
                }
            }
            at("abandon", jobId, -1, true);
        }

        @Override
        public void acknowledgeResults(List<String> resultIds) throws IOException {
            acknowledgements.incrementAndGet();
            for (String resultId : resultIds) {
                Result result = results.stream().filter(r -> r.id().equals(resultId)).findFirst().orElse(null);
                String job = result == null ? null : result.job();
                at("ack", job, -1, false);
                results.removeIf(r -> r.id().equals(resultId));
                at("ack", job, -1, true);
            }
        }

        private FakeJob known(String jobId) throws ServerCallException {
            FakeJob job = jobs.get(jobId);
            if (job == null) {
                throw new ServerCallException(404, "Job " + jobId + " not found.");
            }
            return job;
        }
    }
}
