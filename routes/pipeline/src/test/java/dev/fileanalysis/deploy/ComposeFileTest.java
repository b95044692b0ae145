package dev.fileanalysis.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.runtime.Settings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml keeps the security model and wires what it starts together: the engine is
 * reachable by processors alone, nothing that should be closed publishes a port, every service
 * waited for can say it is healthy, and every variable a service is given is one its program reads.
 */
class ComposeFileTest {

    /** LocalStack's own variables the compose file sets, with what each is for (LocalStack 4 configuration). */
    private static final Map<String, String> LOCALSTACK_VARIABLES = Map.of(
            "SERVICES", "LocalStack: the emulators to start",
            "S3_SKIP_SIGNATURE_VALIDATION", "LocalStack: 0 checks presigned URLs' signature and expiry",
            "LOCALSTACK_AUTH_TOKEN", "LocalStack: the auth token releases after 4.14.0 require");

    private static final Pattern URL = Pattern.compile("https?://[^\\s,\"']+");
    private static final Pattern HOOK_VARIABLE = Pattern.compile("os\\.environ\\.get\\(\"([A-Z0-9_]+)\"");

    private static ComposeFile compose;
    private static Map<String, ComposeFile.Service> services;

    @BeforeAll
    static void load() throws IOException {
        compose = ComposeFile.load(Images.home().resolve("docker-compose.yml"));
        services = compose.services();
    }

    @Test
    void theEngineIsReachableByProcessorsAloneOnAnInternalNetwork() {
        ComposeFile.Service engine = serviceOf(Images.ENGINE);

        assertThat(engine.networks()).as("the engine's networks").isNotEmpty().doesNotContain("default");
        for (String network : engine.networks()) {
            assertThat(compose.isInternal(network)).as("network %s of the engine is internal: true", network).isTrue();
            for (ComposeFile.Service other : services.values()) {
                if (other != engine && other.networks().contains(network)) {
                    assertThat(imageOf(other)).as("%s joins the engine's network %s", other.name(), network)
                            .isEqualTo(Images.PROCESSOR);
                }
            }
        }
        assertThat(engine.networkMode()).as("the engine's network_mode").isEmpty();
        for (ComposeFile.Service other : services.values()) {
            assertThat(other.networkMode().orElse("")).as("%s shares no network namespace with the engine", other.name())
                    .doesNotContain(engine.name());
            assertThat(other.has("links") || other.has("external_links")).as("%s uses links", other.name()).isFalse();
        }
    }

    @Test
    void neitherTheEngineNorAProcessorPublishesAPort() {
        for (Images closed : List.of(Images.ENGINE, Images.PROCESSOR)) {
            ComposeFile.Service service = serviceOf(closed);
            assertThat(service.ports()).as("ports published by %s", service.name()).isEmpty();
            assertThat(service.networkMode()).as("%s's network_mode (host would open its ports)", service.name()).isEmpty();
        }
        assertThat(serviceOf(Images.PROCESSOR).containerPorts()).as("a processor listens on nothing").isEmpty();
    }

    @Test
    void publishedPortsListenOnTheHostsLoopbackOnly() {
        for (ComposeFile.Service service : services.values()) {
            for (String port : service.ports()) {
                assertThat(port).as("port %s of %s", port, service.name()).startsWith("127.0.0.1:");
            }
        }
    }

    @Test
    void everyServiceWaitedForHasAHealthCheckAndIsWaitedForUntilHealthy() throws IOException {
        for (ComposeFile.Service service : services.values()) {
            for (Map.Entry<String, String> dependency : service.dependsOn().entrySet()) {
                ComposeFile.Service target = services.get(dependency.getKey());
                assertThat(target).as("%s depends on an unknown service %s", service.name(), dependency.getKey()).isNotNull();
                assertThat(hasHealthCheck(target)).as("%s, which %s waits for, has a health check", target.name(), service.name())
                        .isTrue();
                assertThat(dependency.getValue()).as("%s waits for %s", service.name(), target.name()).isEqualTo("service_healthy");
            }
        }
    }

    @Test
    void everyEnvironmentVariableIsOneTheProgramInItsServiceReads() throws IOException {
        List<String> unknown = new ArrayList<>();
        for (ComposeFile.Service service : services.values()) {
            Map<String, String> known = knownVariables(service);
            for (String variable : service.environment().keySet()) {
                if (!known.containsKey(variable)) {
                    unknown.add(service.name() + ": " + variable);
                }
            }
        }
        for (Images image : Images.values()) {
            Map<String, String> known = image.knownVariables();
            for (String variable : image.load().image().environment().keySet()) {
                if (!known.containsKey(variable)) {
                    unknown.add(image.dockerfile() + " ENV: " + variable);
                }
            }
        }
        assertThat(unknown).as("variables no program of their service reads (a typo stays silently unused)").isEmpty();
    }

    @Test
    void everyAddressInAnEnvironmentNamesAServiceAndAPortItListensOn() {
        Map<String, ComposeFile.Service> byName = new LinkedHashMap<>();
        for (ComposeFile.Service service : services.values()) {
            byName.put(service.name(), service);
            service.aliases().forEach(alias -> byName.put(alias, service));
        }
        for (ComposeFile.Service service : services.values()) {
            service.environment().forEach((variable, value) -> {
                Matcher urls = URL.matcher(value);
                while (urls.find()) {
                    URI address = URI.create(urls.group());
                    ComposeFile.Service target = byName.get(address.getHost());
                    assertThat(target).as("%s of %s names host %s: no service or alias", variable, service.name(), address.getHost())
                            .isNotNull();
                    assertThat(target.containerPorts()).as("%s of %s: %s listens on", variable, service.name(), target.name())
                            .contains(address.getPort());
                    assertThat(service.networks()).as("%s of %s: a network shared with %s", variable, service.name(), target.name())
                            .containsAnyElementsOf(target.networks());
                }
            });
        }
    }

    @Test
    void theInitHookCreatesTheBucketAndTablesTheServerUsesInTheServersRegion() throws IOException {
        ComposeFile.Service localstack = services.get("localstack");
        Map<String, String> hook = localstack.environment();
        Settings server = Images.SERVER.settings(serviceOf(Images.SERVER).environment());

        assertThat(localstack.volumes()).contains("./localstack/ready.d:/etc/localstack/init/ready.d:ro",
                "./localstack/tables.json:" + hook.get("PIPELINE_TABLES_FILE") + ":ro");
        assertThat(hook.get("PIPELINE_BUCKET")).isEqualTo(server.require("s3.bucket"));
        assertThat(hook.get("AWS_DEFAULT_REGION")).isEqualTo(server.require("aws.region"));
        JsonNode tables = new ObjectMapper().readTree(Images.home().resolve("localstack/tables.json").toFile());
        List<String> defined = new ArrayList<>();
        tables.forEach(table -> defined.add(table.path("TableName").asText()));
        assertThat(defined).contains(server.require("server.jobs-table"), server.require("server.results-table"),
                server.require("server.directory-table"));
    }

    @Test
    void presignedUrlsNameLocalStackByANameTheHostAndEveryContainerResolveAlike() {
        ComposeFile.Service localstack = services.get("localstack");
        Settings server = Images.SERVER.settings(serviceOf(Images.SERVER).environment());
        URI internal = URI.create(server.require("s3.endpoint"));
        URI presigned = URI.create(server.require("s3.public-endpoint"));

        assertThat(internal.getHost()).isEqualTo("localstack");
        assertThat(localstack.aliases()).as("LocalStack answers inside the network to the name URLs carry")
                .contains(presigned.getHost());
        assertThat(presigned.getHost()).as("resolves to 127.0.0.1 through LocalStack's public DNS")
                .isEqualTo("localhost.localstack.cloud");
        assertThat(localstack.ports()).as("and the host reaches that port").contains("127.0.0.1:" + presigned.getPort() + ":" + presigned.getPort());
        for (Images user : List.of(Images.CLIENT, Images.PROCESSOR)) {
            assertThat(serviceOf(user).networks()).as("%s shares a network with LocalStack", user.name)
                    .containsAnyElementsOf(localstack.networks());
        }
    }

    @Test
    void theDevProviderIssuesTheIssuerAndAudienceTheServerChecks() throws IOException {
        Settings server = Images.SERVER.settings(serviceOf(Images.SERVER).environment());
        JsonNode config = new ObjectMapper().readTree(Images.home().resolve("devstack/oidc-config.json").toFile());
        JsonNode callback = config.path("tokenCallbacks").get(0);
        JsonNode serviceCredential = callback.path("requestMappings").get(0);

        assertThat(URI.create(server.require("oidc.issuer")).getPath()).isEqualTo("/" + callback.path("issuerId").asText());
        assertThat(serviceCredential.path("match").asText()).isEqualTo("client_credentials");
        assertThat(serviceCredential.path("claims").path("aud").get(0).asText()).isEqualTo(server.require("oidc.audience"));
        assertThat(config.path("interactiveLogin").asBoolean()).as("people sign in through its login form").isTrue();
    }

    @Test
    void localStackIsAPinned4xReleaseWithSignatureValidationOnAndAnOptionalAuthToken() throws IOException {
        ComposeFile.Service localstack = services.get("localstack");
        String text = Files.readString(Images.home().resolve("docker-compose.yml"));

        assertThat(localstack.image()).contains("localstack/localstack:4.14.0");
        assertThat(localstack.environment()).containsEntry("S3_SKIP_SIGNATURE_VALIDATION", "0");
        assertThat(text).as("a token, when one is given to docker compose").contains("LOCALSTACK_AUTH_TOKEN: ${LOCALSTACK_AUTH_TOKEN:-}");
        assertThat(localstack.healthcheck()).as("LocalStack's health check").isPresent();
    }

    @Test
    void everyServiceBuiltHereRunsHardened() throws IOException {
        for (ComposeFile.Service service : services.values()) {
            if (service.dockerfile().isEmpty()) {
                continue;
            }
            assertThat(service.get("read_only")).as("%s read_only", service.name()).isEqualTo(true);
            assertThat(service.get("cap_drop")).as("%s cap_drop", service.name()).isEqualTo(List.of("ALL"));
            assertThat(service.get("security_opt")).as("%s security_opt", service.name()).isEqualTo(List.of("no-new-privileges:true"));
            assertThat((List<?>) service.get("tmpfs")).as("%s has a writable /tmp (read-only root)", service.name())
                    .anySatisfy(mount -> assertThat(mount.toString()).startsWith("/tmp:"));
            assertThat(service.get("restart")).as("%s restart policy", service.name()).isEqualTo("unless-stopped");
            assertThat(service.memoryLimit()).as("%s memory limit (the JVM sizes its heap from it)", service.name()).isPresent();
            String user = service.user().orElse(imageOf(service).load().image().user().orElse("root"));
            assertThat(user.split(":")[0]).as("%s runs as", service.name()).isNotIn("root", "0", "");
        }
    }

    @Test
    void processorsRunTwiceAndTheClientIsOptionalWithItsFoldersBoundFromTheHost() {
        ComposeFile.Service client = serviceOf(Images.CLIENT);

        assertThat(serviceOf(Images.PROCESSOR).replicas()).isEqualTo(2);
        assertThat(client.profiles()).containsExactly("client");
        Set<String> boundFromTheHost = new TreeSet<>();
        for (String volume : client.volumes()) {
            String[] parts = volume.split(":");
            if (parts[0].startsWith("./") || parts[0].startsWith("/")) {
                boundFromTheHost.add(parts[1]);
            }
        }
        assertThat(boundFromTheHost).contains("/data/drop", "/data/results");
        Settings settings = Images.CLIENT.settings(client.environment());
        assertThat(settings.require("client.drop-folder")).isEqualTo("{{pipeline.data}}/drop");
        assertThat(settings.require("client.results-folder")).isEqualTo("{{pipeline.data}}/results");
        for (ComposeFile.Service service : services.values()) {
            if (service != client) {
                assertThat(service.profiles()).as("%s starts with a plain docker compose up", service.name()).isEmpty();
            }
        }
    }

    private static boolean hasHealthCheck(ComposeFile.Service service) throws IOException {
        if (service.healthcheck().isPresent()) {
            return true;
        }
        return service.dockerfile().isPresent() && imageOf(service).load().image().healthcheck().isPresent();
    }

    private static Map<String, String> knownVariables(ComposeFile.Service service) throws IOException {
        if (service.dockerfile().isPresent()) {
            return imageOf(service).knownVariables();
        }
        if (service.image().orElse("").startsWith("localstack/localstack:")) {
            Map<String, String> known = new LinkedHashMap<>(LOCALSTACK_VARIABLES);
            Matcher variables = HOOK_VARIABLE.matcher(Files.readString(hook()));
            while (variables.find()) {
                known.put(variables.group(1), "read by the init hook");
            }
            return known;
        }
        throw new IllegalStateException("service " + service.name() + " runs " + service.image().orElse("?")
                + ": the test does not know which variables it reads");
    }

    private static Path hook() {
        return Images.home().resolve("localstack/ready.d/create-bucket-and-tables.py");
    }

    private static ComposeFile.Service serviceOf(Images image) {
        List<ComposeFile.Service> matching = services.values().stream()
                .filter(service -> service.dockerfile().map(image.dockerfile()::equals).orElse(false)).toList();
        assertThat(matching).as("services built from %s", image.dockerfile()).hasSize(1);
        return matching.get(0);
    }

    private static Images imageOf(ComposeFile.Service service) {
        return service.dockerfile().isPresent() ? Images.of(service) : null;
    }
}
