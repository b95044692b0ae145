package dev.fileanalysis.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.fileanalysis.apiclient.RetryPolicy;
import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.crypto.ClientKeyFile;
import dev.fileanalysis.crypto.ClientKeyPair;
import dev.fileanalysis.crypto.CryptoWarmUp;
import dev.fileanalysis.runtime.CamelSettings;
import dev.fileanalysis.runtime.Settings;
import dev.fileanalysis.client.signin.SignInClient;
import dev.fileanalysis.client.signin.DevProviderBrowser;
import dev.fileanalysis.client.signin.ServerSession;
import dev.fileanalysis.client.signin.SessionFile;
import dev.fileanalysis.client.signin.SignIn;
import dev.fileanalysis.client.transfer.BandwidthLimit;
import dev.fileanalysis.client.transfer.RateLimiter;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * Wires the client's beans from its settings; named in client-routes/application.properties as
 * {@code camel.main.configuration-classes}.
 */
public class ClientBeans implements CamelConfiguration {

    @Override
    public void configure(CamelContext camel) throws Exception {
        Settings settings = CamelSettings.of(camel);
        String nameEncoding = System.getProperty("sun.jnu.encoding");
        if (!"UTF-8".equals(nameEncoding)) {
            // Java reads file names in the locale's encoding, and no setting changes that later.
            org.slf4j.LoggerFactory.getLogger(ClientBeans.class).warn("This client reads file names as {}, not UTF-8 (the "
                    + "locale is not a UTF-8 one): files whose names go beyond ASCII cannot be read. Start it with "
                    + "LC_ALL=C.UTF-8 (./pipeline does).", nameEncoding);
        }
        // The first job would otherwise pay for the crypto provider's start.
        CryptoWarmUp.run();
        Path state = Path.of(settings.require("client.state-folder"));
        Files.createDirectories(state);
        Files.createDirectories(Path.of(settings.require("client.drop-folder")));
        Path results = Path.of(settings.require("client.results-folder"));
        Files.createDirectories(results);

        ClientKeyPair keys = ClientKeyFile.loadOrCreate(Path.of(settings.require("client.key-file")));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        URI serverUrl = URI.create(settings.require("client.server-url"));
        ServerSession session = session(settings, http, serverUrl, keys);
        ServerApiClient server = new ServerApiClient(http, serverUrl, session);
        // Read before any route starts, so the watcher and the resume route see the same journal.
        ClientJournal journal = new ClientJournal(state);

        int cores = Runtime.getRuntime().availableProcessors();
        int workers = settings.getInt("client.compression-workers", 0);
        CompressionSetting compression;
        try {
            compression = CompressionSetting.parse(settings.get("client.compression-level", "auto"));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Setting 'client.compression-level': " + e.getMessage(), e);
        }
        FileUploader.UploadSettings upload = new FileUploader.UploadSettings(
                settings.getInt("client.chunk-bytes", 4 << 20),
                compression,
                workers > 0 ? workers : cores,
                settings.getInt("client.chunks-in-flight", cores + 2),
                settings.getLong("client.max-file-bytes", Long.MAX_VALUE));

        BandwidthLimit bandwidth;
        try {
            bandwidth = BandwidthLimit.parse(settings.get("client.bandwidth-limit", "off"));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Setting 'client.bandwidth-limit': " + e.getMessage(), e);
        }
        PipelineServer pipeline = new HttpPipelineServer(server, session, http, RateLimiter.of(bandwidth));
        camel.getRegistry().bind("fileUploader", new FileUploader(pipeline, keys, journal, upload));
        camel.getRegistry().bind("resultInbox", new ResultInbox(pipeline, keys, journal, results));
        // Writes fetched results in parallel (fetch-results.camel.yaml); a handful is enough to overlap their fsyncs.
        camel.getRegistry().bind("resultWriters", camel.getExecutorServiceManager().newFixedThreadPool(this, "result-writers",
                settings.getInt("client.result-writers", 4)));
        // The watcher and the unsendable-file check look through the drop folder only when its
        // entries may have changed (DropFolderChanges): thousands of files stay there once sent.
        Path dropFolder = Path.of(settings.require("client.drop-folder"));
        Duration fullLook = Duration.ofMillis(settings.getLong("client.full-scan-ms", 60_000));
        Duration busy = Duration.ofMillis(settings.getLong("client.stable-timeout-ms", 10_000)
                + 2 * settings.getLong("client.stable-ms", 1_000));
        camel.getRegistry().bind("dropFolderPolls", new DropFolderPolls(new DropFolderChanges(dropFolder, fullLook, busy)));
        camel.getRegistry().bind("dropFolderCheck", new DropFolderCheck(dropFolder, settings.require("client.ignored-names"),
                new DropFolderChanges(dropFolder, fullLook, busy)));
        // Files already sent, keyed by name, size and modification time: a file replaced under the
        // same name is a new file and is sent again. The watcher adds a key only once the file's
        // upload is over (idempotentEager=false); the journal, not this list, is what resumes and
        // what keeps a file from being sent twice. It forgets a key only when the prune finds the
        // file gone (Camel's FileIdempotentRepository would drop the oldest keys on its own).
        SentFiles sentFiles = new SentFiles(state.resolve("sent-files.txt"));
        camel.getRegistry().bind("sentFiles", sentFiles);
        // Forgets what the journal and the record hold of files that left the drop folder (prune-state.camel.yaml).
        camel.getRegistry().bind("stateHousekeeping", new StateHousekeeping(Path.of(settings.require("client.drop-folder")),
                journal, sentFiles));
    }

    /**
     * The signed-in person's session from {@code client.session-file}. Without one, only the
     * embedded default signs in by itself (as {@code client.dev-user}, at the dev provider); a
     * real deployment starts signed out, says so once, and keeps the dropped files waiting until a
     * person runs {@code ./pipeline login}.
     */
    private static ServerSession session(Settings settings, HttpClient http, URI serverUrl, ClientKeyPair keys) throws Exception {
        SessionFile file = new SessionFile(Path.of(settings.require("client.session-file")));
        SignInClient signIn = new SignInClient(http, serverUrl);
        String devUser = settings.get("client.dev-user", "").trim();
        if (!file.exists() && !devUser.isEmpty()) {
            DevProviderBrowser browser = new DevProviderBrowser(devUser);
            // The server may still be starting (or restarting under ./pipeline up): ride that out.
            RetryPolicy.DEFAULT.run("sign-in as dev user '" + devUser + "'",
                    () -> new SignIn(http, file).signIn(serverUrl, "dev", browser, keys));
        }
        return ServerSession.ofDevice(signIn, file);
    }
}
