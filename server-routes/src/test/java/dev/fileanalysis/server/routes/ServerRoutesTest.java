package dev.fileanalysis.server.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.server.AccessRules;
import dev.fileanalysis.server.ApiResponses;
import dev.fileanalysis.server.Authorization;
import dev.fileanalysis.server.CallerDirectory;
import dev.fileanalysis.server.ContractCheck;
import dev.fileanalysis.server.ErrorResponses;
import dev.fileanalysis.server.Health;
import dev.fileanalysis.server.HttpServerRefusals;
import dev.fileanalysis.server.auth.ScrapeAccess;
import dev.fileanalysis.server.auth.ServiceTokenValidator;
import dev.fileanalysis.server.auth.SessionClaims;
import dev.fileanalysis.server.auth.SessionTokens;
import dev.fileanalysis.server.directory.Membership;
import dev.fileanalysis.server.directory.Role;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.model.BeanDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.AvailablePortFinder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's REST routes as the server runs them: the YAML of server-routes/ on platform-http,
 * with openapi.yaml as the contract, the real access check, contract check and error answers, and
 * the business step of each operation replaced by a mock endpoint (the stores behind the beans are
 * DynamoDB and S3, which the end-to-end tests run). Each test makes real HTTP calls and takes
 * milliseconds; the routes start once for all of them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerRoutesTest extends CamelTestSupport {

    private static final Path SERVER_ROUTES = Path.of(System.getProperty("pipeline.home", "..")).resolve("server-routes");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORGANISATION = "org-" + UUID.randomUUID();
    private static final String JOB = "job-" + UUID.randomUUID();
    private static final java.util.Set<String> BUSINESS_BEANS = java.util.Set.of("jobApi", "organisationApi", "signInApi",
            "processorApi", "jobBacklog", "serverMetrics");

    @TempDir
    static Path keys;

    private final int port = AvailablePortFinder.getNextAvailable();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, Role> roles = new HashMap<>();
    private SessionTokens sessions;

    /** The directory as Authorization reads it: every session live, roles as each test sets them. */
    private final CallerDirectory directory = new CallerDirectory() {
        @Override
        public boolean isLive(String sessionId) {
            return true;
        }

        @Override
        public Optional<Membership> membership(String organisation, String user) {
            return Optional.ofNullable(roles.get(user)).filter(role -> organisation.equals(ORGANISATION))
                    .map(role -> new Membership(organisation, "Test organisation", user, user + "@pipeline.test", user, role));
        }
    };

    /** The context starts in doPostSetup, once the business steps are replaced. */
    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext camel = super.createCamelContext();
        Properties properties = new Properties();
        properties.setProperty("server.openapi-file", SERVER_ROUTES.resolve("openapi.yaml").toAbsolutePath().toString());
        camel.getPropertiesComponent().setInitialProperties(properties);

        VertxPlatformHttpServerConfiguration server = new VertxPlatformHttpServerConfiguration();
        server.setBindHost("127.0.0.1");
        server.setBindPort(port);
        camel.addService(new VertxPlatformHttpServer(server));

        Path openApi = SERVER_ROUTES.resolve("openapi.yaml");
        AccessRules rules = AccessRules.load(openApi);
        sessions = SessionTokens.loadOrCreate(keys.resolve("session-keys.json"), "file-analysis-pipeline",
                Duration.ofMinutes(5), Clock.systemUTC());
        ServiceTokenValidator processors = new ServiceTokenValidator("http://127.0.0.1:1/oidc", "http://127.0.0.1:1/oidc/jwks",
                "file-analysis-pipeline", List.of("processor"));
        camel.getRegistry().bind("accessRules", rules);
        camel.getRegistry().bind("contractCheck", ContractCheck.load(openApi));
        camel.getRegistry().bind("authorization", new Authorization(rules, sessions, processors, ScrapeAccess.withToken(""),
                directory, Clock.systemUTC(), Duration.ZERO));
        ErrorResponses errorResponses = new ErrorResponses();
        camel.getRegistry().bind("errorResponses", errorResponses);
        camel.addRoutePolicyFactory(new ApiResponses(errorResponses));
        HttpServerRefusals.install(camel);
        camel.getRegistry().bind("health", new Health());

        List<Resource> routes = new ArrayList<>();
        try (Stream<Path> files = Files.list(SERVER_ROUTES)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml"))
                    // the storage sweep is a timer, not an API route
                    .filter(f -> !f.getFileName().toString().equals("housekeeping.camel.yaml")).sorted().toList()) {
                routes.add(ResourceHelper.resolveResource(camel, "file:" + file.toAbsolutePath()));
            }
        }
        PluginHelper.getRoutesLoader(camel).loadRoutes(routes);
        return camel;
    }

    @Override
    protected void doPostSetup() throws Exception {
        if (context.isStarted()) {
            // one context for all tests: each starts with mocks that received nothing and expect nothing
            MockEndpoint.resetMocks(context);
            return;
        }
        // The business step of every operation (a call of jobApi, organisationApi, signInApi,
        // processorApi, or for /metrics jobBacklog and serverMetrics) becomes mock:<operation>; the checks around it stay the server's own, and
        // so do health and the document (their beans are cheap and real). The definitions are
        // changed before the routes are made from them (AdviceWith would weave the route
        // configuration into an advised route a second time).
        for (RouteDefinition route : context.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinitions()) {
            List<ProcessorDefinition<?>> steps = route.getOutputs();
            for (int index = 0; index < steps.size(); index++) {
                if (steps.get(index) instanceof BeanDefinition bean && BUSINESS_BEANS.contains(bean.getRef())) {
                    steps.set(index, new ToDefinition("mock:" + route.getRouteId()));
                }
            }
        }
        context.start();
    }

    @Test
    void aCallerWithoutTheRequiredRoleIsRefusedBeforeTheOperationRuns() throws Exception {
        MockEndpoint reserve = getMockEndpoint("mock:reserve-job");
        reserve.expectedMessageCount(0);

        HttpResponse<String> response = call("POST", "/api/jobs", tokenOf("vera", Role.VIEWER), null);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(error(response)).isEqualTo("This needs the member role in organisation " + ORGANISATION + "; yours is viewer.");
        reserve.assertIsSatisfied();
    }

    @Test
    void theRoleIsCheckedBeforeTheBodySoACallerWithoutItLearnsNothingOfTheSchema() throws Exception {
        getMockEndpoint("mock:invite-member").expectedMessageCount(0);

        HttpResponse<String> response = call("POST", "/api/organisations/" + ORGANISATION + "/invitations",
                tokenOf("mo", Role.MEMBER), "{\"nothing\": \"valid\"}");

        assertRefused(response, 403, "This needs the admin role in organisation " + ORGANISATION + "; yours is member.");
        MockEndpoint.assertIsSatisfied(context);
    }

    @Test
    void aCallWithoutATokenIsRefusedWith401SayingHowToSignIn() throws Exception {
        getMockEndpoint("mock:who-am-i").expectedMessageCount(0);

        HttpResponse<String> response = call("GET", "/api/me", null, null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(error(response)).startsWith("Missing bearer token").contains("./pipeline login");
        MockEndpoint.assertIsSatisfied(context);
    }

    @Test
    void aSuccessfulCallAnswersTheStepsJsonWithItsStatusAndNoRequestHeader() throws Exception {
        MockEndpoint reserve = getMockEndpoint("mock:reserve-job");
        reserve.whenAnyExchangeReceived(exchange -> exchange.getMessage().setBody(Map.of("id", JOB, "bucket", "chunks")));

        HttpResponse<String> response = http.send(request("POST", "/api/jobs", tokenOf("mia", Role.MEMBER),
                "{\"request\": \"r-1\", \"bytes\": 1024}").header("X-Trace", "do-not-echo").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(response.headers().firstValue("X-Trace")).isEmpty();
        assertThat(response.headers().firstValue("Authorization")).isEmpty();
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("{\"id\": \"" + JOB + "\", \"bucket\": \"chunks\"}"));
        // the step gets the body parsed, and the caller the check proved
        Map<?, ?> received = reserve.getReceivedExchanges().get(0).getMessage().getBody(Map.class);
        assertThat(received).isNotNull();
        assertThat(received.get("request")).isEqualTo("r-1");
        assertThat(received.get("bytes")).isEqualTo(1024);
        assertThat(reserve.getReceivedExchanges().get(0).getProperty(Authorization.CALLER)).isNotNull();
    }

    @Test
    void aBodyThatBreaksTheSchemaIsRefusedWith400NamingTheFieldBeforeTheOperationRuns() throws Exception {
        getMockEndpoint("mock:record-upload-progress").expectedMessageCount(0);
        getMockEndpoint("mock:invite-member").expectedMessageCount(0);
        getMockEndpoint("mock:presign-chunk-uploads").expectedMessageCount(0);
        String member = tokenOf("max", Role.MEMBER);
        String admin = tokenOf("ada", Role.ADMIN);
        String progress = "/api/jobs/" + JOB + "/progress";

        assertRefused(call("POST", progress, member, "{\"chunks\": \"three\"}"), 400,
                "Field 'chunks' must be a whole number, not a string.");
        assertRefused(call("POST", progress, member, "{\"chunks\": 0}"), 400, "Field 'chunks' must be at least 1; '0' is not.");
        assertRefused(call("POST", progress, member, "{}"), 400, "Field 'chunks' is required in the request body.");
        assertRefused(call("POST", progress, member, "{\"chunks\": 1, \"admin\": true}"), 400,
                "Unknown field 'admin' in the request body; allowed: chunks.");
        assertRefused(call("POST", progress, member, "{\"chunks\": "), 400, "The request body is not valid JSON");
        assertRefused(call("POST", progress, member, null), 400, "This request needs a JSON body with chunks.");
        assertRefused(call("POST", "/api/organisations/" + ORGANISATION + "/invitations", admin,
                "{\"email\": \"not an address\", \"role\": \"boss\"}"), 400,
                "Field 'email' must be an e-mail address; 'not an address' is not.",
                "Field 'role' must be one of viewer, member, admin, owner; 'boss' is not.");
        assertRefused(call("POST", "/api/jobs/" + JOB + "/chunk-uploads", member,
                "{\"chunks\": [{\"index\": 0, \"md5\": \"short\", \"size\": 10}]}"), 400,
                "Field 'chunks[0].md5' must be the base64 MD5 of the chunk (24 characters); 'short' is not.");
        MockEndpoint.assertIsSatisfied(context);
    }

    @Test
    void aMalformedIdInThePathOrQueryIsRefusedWith400NamingTheParameter() throws Exception {
        getMockEndpoint("mock:get-job").expectedMessageCount(0);
        String viewer = tokenOf("vic", Role.VIEWER);

        assertRefused(call("GET", "/api/jobs/job-123", viewer, null), 400,
                "Path parameter 'id' must be a job id (job- and a UUID); 'job-123' is not.");
        assertRefused(call("GET", "/api/results", viewer, null), 400, "Query parameter 'client' is required.");
        assertRefused(call("GET", "/api/results?client=client-00", viewer, null), 400, "Query parameter 'client' must be a client id");
        MockEndpoint.assertIsSatisfied(context);
    }

    @Test
    void aQueryParameterNoOperationReadsIsIgnoredAsItAlwaysWas() throws Exception {
        getMockEndpoint("mock:get-job").whenAnyExchangeReceived(exchange -> exchange.getMessage().setBody(Map.of("id", JOB)));

        HttpResponse<String> response = call("GET", "/api/jobs/" + JOB + "?org=org-elsewhere&pretty", tokenOf("vic", Role.VIEWER), null);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("id").asText()).isEqualTo(JOB);
    }

    @Test
    void aBodyOverTheDocumentsLimitIsRefusedWith413BeforeItIsRead() throws Exception {
        String huge = "{\"chunks\": 1, \"pad\": \"" + "x".repeat(70_000) + "\"}";

        HttpResponse<String> response = call("POST", "/api/jobs/" + JOB + "/progress", tokenOf("max", Role.MEMBER), huge);

        assertRefused(response, 413, "at most 65536 are accepted");
    }

    @Test
    void aPathOrMethodTheDocumentLacksIsAnswered404Or405WithASentence() throws Exception {
        HttpResponse<String> unknown = call("GET", "/api/nothing-here", null, null);
        assertRefused(unknown, 404, "There is no /api/nothing-here in this API; its operations are described at /openapi.json.");

        HttpResponse<String> wrongMethod = call("DELETE", "/health", null, null);
        assertRefused(wrongMethod, 405, "DELETE is not an operation of /health; it takes GET");
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValueSatisfying(allow -> assertThat(allow).contains("GET"));
    }

    @Test
    void theDocumentIsServedAsJsonAndHealthAnswersUp() throws Exception {
        HttpResponse<String> document = call("GET", "/openapi.json", null, null);
        assertThat(document.statusCode()).isEqualTo(200);
        assertThat(document.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode api = JSON.readTree(document.body());
        assertThat(api.path("paths").path("/api/jobs").path("post").path("x-required-role").asText()).isEqualTo("member");

        HttpResponse<String> health = call("GET", "/health", null, null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body())).isEqualTo(JSON.readTree("{\"status\": \"UP\"}"));
    }

    @Test
    void metricsAnswerThisMachineButNotARequestAProxyForwardedWhichIsRefusedBeforeTheFirstStep() throws Exception {
        MockEndpoint scrape = getMockEndpoint("mock:scrape-metrics");
        scrape.expectedMinimumMessageCount(1);
        scrape.whenAnyExchangeReceived(exchange -> exchange.getMessage().setBody("pipeline_jobs{status=\"UPLOADED\"} 0.0"));
        assertThat(call("GET", "/metrics", null, null).statusCode()).isEqualTo(200);
        scrape.assertIsSatisfied();

        MockEndpoint.resetMocks(context);
        scrape.expectedMessageCount(0);
        HttpResponse<String> forwarded = http.send(request("GET", "/metrics", null, null)
                .header("X-Forwarded-For", "203.0.113.7").build(), HttpResponse.BodyHandlers.ofString());
        assertRefused(forwarded, 403, "/metrics does not answer a request a proxy forwarded", "set server.metrics-token");
        scrape.assertIsSatisfied();
    }

    private String tokenOf(String user, Role role) {
        roles.put(user, role);
        return sessions.issue(new SessionClaims(user, ORGANISATION, "session-" + user));
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws IOException, InterruptedException {
        return http.send(request(method, path, token, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String method, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private static String error(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body()).path("error").asText();
    }

    private static void assertRefused(HttpResponse<String> response, int status, String... sentences) throws IOException {
        assertThat(response.statusCode()).as("status of %s %s; body %s", response.request().method(), response.uri(), response.body())
                .isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).as("content type of %s", response.uri()).contains("application/json");
        for (String sentence : sentences) {
            assertThat(error(response)).as("error of %s", response.uri()).contains(sentence);
        }
    }
}
