package dev.fileanalysis.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.fileanalysis.apiclient.OrganisationsClient;
import dev.fileanalysis.apiclient.RetryPolicy;
import dev.fileanalysis.apiclient.ServerApiClient;
import dev.fileanalysis.runtime.Settings;
import dev.fileanalysis.client.signin.SignInClient;
import dev.fileanalysis.client.signin.ServerSession;
import dev.fileanalysis.client.signin.SessionFile;
import picocli.CommandLine.Option;

/**
 * What the session commands (login, logout, org, member) share with the client role: its data
 * folder and settings, so they use the same server and the same session file.
 */
final class ClientCommandOptions {

    @Option(names = "--data", description = "Data folder of the client (session.json, client-key.json) (default: ${DEFAULT-VALUE}).",
            defaultValue = "${env:PIPELINE_DATA:-data}")
    Path data;

    @Option(names = "--home", description = "Project folder holding client-routes/ (default: ${DEFAULT-VALUE}).",
            defaultValue = "${sys:pipeline.home:-.}", hidden = true)
    Path home;

    @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE", description = "Overrides one client setting (e.g. client.server-url=...); repeatable.")
    List<String> properties = new ArrayList<>();

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^}]+)}}");

    private Settings settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** The client role's settings; a running {@code ./pipeline up} names its server, unless told otherwise. */
    Settings settings() throws IOException {
        if (settings == null) {
            List<String> overrides = new ArrayList<>();
            overrides.add("pipeline.data=" + data.toAbsolutePath());
            if (System.getenv(Settings.environmentName("client.server-url")) == null) {
                RunningServer.read(data).ifPresent(url -> overrides.add("client.server-url=" + url));
            }
            overrides.addAll(properties);
            settings = Settings.load(home.resolve("client-routes").resolve("application.properties"),
                    data.resolve("devstack.properties"), System.getenv(), overrides);
        }
        return settings;
    }

    HttpClient http() {
        return http;
    }

    URI serverUrl() throws IOException {
        return URI.create(setting("client.server-url"));
    }

    SessionFile sessionFile() throws IOException {
        return new SessionFile(Path.of(setting("client.session-file")));
    }

    Path keyFile() throws IOException {
        return Path.of(setting("client.key-file"));
    }

    /**
     * A setting with its {@code {{key}}} placeholders filled in from the other settings, as Camel
     * does for the client role ({@code {{pipeline.data}}/session.json}).
     */
    String setting(String key) throws IOException {
        String value = settings().require(key);
        Matcher placeholder = PLACEHOLDER.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (placeholder.find()) {
            placeholder.appendReplacement(resolved, Matcher.quoteReplacement(settings().require(placeholder.group(1).trim())));
        }
        placeholder.appendTail(resolved);
        return resolved.toString();
    }

    ServerSession session() throws IOException {
        return ServerSession.resume(new SignInClient(http, serverUrl()), sessionFile());
    }

    /** A person at a terminal retries by hand: a failed call is reported at once, never repeated behind their back. */
    OrganisationsClient organisations(ServerSession session) throws IOException {
        return new OrganisationsClient(new ServerApiClient(http, serverUrl(), session, RetryPolicy.NONE));
    }

    /** {@code client.oidc-client-secret.<provider>} settings, for providers that expect a desktop client secret. */
    Map<String, String> clientSecrets() throws IOException {
        Map<String, String> secrets = new java.util.HashMap<>();
        String prefix = "client.oidc-client-secret.";
        settings().asMap().forEach((key, value) -> {
            if (key.startsWith(prefix) && !value.isBlank()) {
                secrets.put(key.substring(prefix.length()), value);
            }
        });
        return secrets;
    }
}
