package dev.fileanalysis.client;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fileanalysis.api.ServerApiClient;
import dev.fileanalysis.crypto.ClientKeyPair;
import dev.fileanalysis.crypto.ResultCipher;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches this device's results, decrypts them with its private key and writes
 * {@code RESULTS/<original name>.json} (suffixed, never overwritten, when the name was used
 * before). A result is acknowledged to the server only after its file is safely on disk.
 */
public final class ResultInbox {

    private static final Logger LOG = LoggerFactory.getLogger(ResultInbox.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ServerApiClient server;
    private final ClientKeyPair keys;
    private final ClientJournal journal;
    private final Path resultsFolder;

    public ResultInbox(ServerApiClient server, ClientKeyPair keys, ClientJournal journal, Path resultsFolder) {
        this.server = server;
        this.keys = keys;
        this.journal = journal;
        this.resultsFolder = resultsFolder;
    }

    /** Results waiting at the server for this device's key. */
    public List<Result> fetch() throws IOException, InterruptedException {
        return server.results(keys.publicKey().clientId());
    }

    /** Writes one result's file (once) and acknowledges it; returns the file written, or the earlier one. */
    public Path deliver(Result result) throws IOException, InterruptedException {
        Optional<ClientJournal.Entry> known = journal.find(result.job());
        ClientJournal.Entry entry = known.orElse(new ClientJournal.Entry(result.job(), result.job(), -1, null, null));
        Path written;
        if (entry.resultFile() != null) {
            written = resultsFolder.resolve(entry.resultFile());
        } else {
            written = write(entry, describe(result, entry));
            if (known.isPresent()) {
                journal.markResultWritten(entry, written);
            }
            LOG.info("result of {} ({}) written to {}", entry.name(), result.job(), written);
        }
        server.acknowledgeResult(result.id());
        return written;
    }

    /**
     * A file that could not be sent gets a FAILED result file saying why, so nothing fails
     * silently; the file stays in the drop folder and is sent again once it is changed or replaced.
     */
    public Path reportUploadFailure(org.apache.camel.Exchange exchange) throws IOException {
        Throwable failure = exchange.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, Throwable.class);
        java.io.File file = exchange.getIn().getBody(java.io.File.class);
        String name = exchange.getIn().getHeader(org.apache.camel.Exchange.FILE_NAME_ONLY, String.class);
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("job", null);
        content.put("status", Job.FAILED);
        content.put("name", name);
        if (file != null && file.exists()) {
            content.put("size", file.length());
        }
        content.put("error", "Could not send " + name + ": " + (failure == null ? "unknown error" : failure.getMessage())
                + ". Fix the cause, then save the file again (or drop a new copy) to send it again.");
        LOG.warn("could not send {}: {}", name, failure == null ? "unknown error" : failure.toString());
        return write(new ClientJournal.Entry("upload-failure-" + java.util.UUID.randomUUID(), name, -1, null, null), content);
    }

    private Map<String, Object> describe(Result result, ClientJournal.Entry entry) {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("job", result.job());
        file.put("name", entry.name());
        if (entry.size() >= 0) {
            file.put("size", entry.size());
        }
        String status = result.status();
        if (result.payload() == null) {
            status = Job.FAILED;
            file.put("error", result.error() == null ? "The job failed without a reason." : result.error());
        } else {
            try {
                JsonNode plaintext = JSON.readTree(new String(ResultCipher.decrypt(result.payload(), keys), StandardCharsets.UTF_8));
                if (Job.DONE.equals(result.status())) {
                    file.put("result", plaintext);
                } else {
                    file.put("error", plaintext.path("error").asText("The analysis failed without a reason."));
                }
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
     * Puts the result file under a free name: NAME.json, then NAME (2).json, NAME (3).json, ...
     * The bytes are written and fsync'd to a hidden temporary file first, so a crash never leaves
     * a half-written result under a real name.
     */
    private Path write(ClientJournal.Entry entry, Map<String, Object> content) throws IOException {
        Files.createDirectories(resultsFolder);
        String base = Path.of(entry.name()).getFileName().toString();
        Path temporary = resultsFolder.resolve("." + entry.job() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(content)));
            channel.force(true);
        }
        for (int attempt = 1; ; attempt++) {
            Path candidate = resultsFolder.resolve(attempt == 1 ? base + ".json" : base + " (" + attempt + ").json");
            try {
                // Without REPLACE_EXISTING the move refuses a taken name: an earlier result is never overwritten.
                return Files.move(temporary, candidate);
            } catch (FileAlreadyExistsException taken) {
                // next suffix
            }
        }
    }
}
