package dev.fileanalysis.server;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import dev.fileanalysis.server.auth.IdTokenValidator;
import dev.fileanalysis.server.auth.ScrapeAccess;
import dev.fileanalysis.server.auth.ServiceTokenValidator;
import dev.fileanalysis.server.auth.SessionKeys;
import dev.fileanalysis.server.auth.SessionTokens;
import dev.fileanalysis.server.auth.TrustedIssuer;
import dev.fileanalysis.server.aws.AwsClients;
import dev.fileanalysis.crypto.CryptoWarmUp;
import dev.fileanalysis.server.directory.DirectoryStore;
import dev.fileanalysis.server.directory.Plans;
import dev.fileanalysis.runtime.CamelSettings;
import dev.fileanalysis.runtime.Settings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.StartupListener;

/**
 * Wires the server's beans from its settings; named in server-routes/application.properties as
 * {@code camel.main.configuration-classes}.
 */
public class ServerBeans implements CamelConfiguration {

    /** The route configuration every API operation's route names (api-operation.camel.yaml). */
    static final String OPERATION_CONFIGURATION = "api-operation";

    @Override
    public void configure(CamelContext camel) {
        Settings settings = CamelSettings.of(camel);
        // The first job would otherwise pay for the crypto provider's start.
        CryptoWarmUp.run();
        Clock clock = Clock.systemUTC();
        ServerMetrics metrics = new ServerMetrics();
        AwsClients aws = new AwsClients(settings, List.of(metrics.awsRequests()));
        var dynamo = aws.dynamoDb();
        long leaseMillis = settings.getLong("server.claim-lease-seconds", 60) * 1000;
        JobStore jobs = new JobStore(dynamo, settings.require("server.jobs-table"), leaseMillis);
        ResultStore results = new ResultStore(dynamo, settings.require("server.results-table"));
        DirectoryStore directory = new DirectoryStore(dynamo, settings.require("server.directory-table"), clock);
        Plans plans = Plans.from(settings);
        var s3 = aws.s3();
        ChunkStorage chunks = new ChunkStorage(s3, aws.presigner(), settings.require("s3.bucket"),
                Duration.ofSeconds(settings.getLong("server.presigned-url-seconds", 900)));

        Path openApiFile = Path.of(settings.require("server.openapi-file"));
        AccessRules rules = AccessRules.load(openApiFile);
        camel.getRegistry().bind("contractCheck", ContractCheck.load(openApiFile));
        // An operation without a rule, or a route of the API that is no operation, stops the server
        // before it serves anything (camel-rest-openapi itself refuses an operation without a route).
        whenStarted(camel, "the access rule check", context -> rules.requireRuleForEach(operationRouteIds(context)));
        ServiceTokenValidator services = new ServiceTokenValidator(settings.require("oidc.issuer"),
                settings.require("oidc.jwks-url"), settings.require("oidc.audience"), list(settings.get("server.processor-clients", "processor")));
        // From auth.session-keys when it is set (every server task shares one secret), else from the key file.
        SessionTokens sessionTokens = SessionTokens.of(SessionKeys.configured(settings),
                settings.require("auth.session-issuer"), Duration.ofSeconds(settings.getLong("auth.session-seconds", 300)), clock);
        List<TrustedIssuer> providers = trustedIssuers(settings);
        Authorization authorization = new Authorization(rules, sessionTokens, services,
                ScrapeAccess.withToken(settings.get(ScrapeAccess.TOKEN_SETTING, "")), directory, clock,
                Duration.ofMillis(settings.getLong("server.membership-cache-ms", 5000)));

        camel.getRegistry().bind("health", new Health());
        camel.getRegistry().bind("accessRules", rules);
        camel.getRegistry().bind("authorization", authorization);
        camel.getRegistry().bind("signInApi", new SignInApi(providers, new IdTokenValidator(providers, clock), sessionTokens,
                directory, plans, authorization, Duration.ofDays(settings.getLong("auth.refresh-days", 30)), clock));
        camel.getRegistry().bind("organisationApi", new OrganisationApi(directory, jobs, plans, authorization,
                Duration.ofDays(settings.getLong("auth.invitation-days", 14))));
        camel.getRegistry().bind("jobApi", new JobApi(jobs, results, chunks, aws.region().id(),
                settings.getInt("server.max-chunks", 1_000_000), settings.getLong("server.max-chunk-bytes", 64L << 20),
                directory, plans));
        camel.getRegistry().bind("processorApi", new ProcessorApi(jobs, results, chunks,
                leaseMillis,
                settings.getLong("server.retry-backoff-ms", 2000)));
        ErrorResponses errorResponses = new ErrorResponses();
        camel.getRegistry().bind("errorResponses", errorResponses);
        camel.addRoutePolicyFactory(new ApiResponses(errorResponses));
        // What the HTTP server refuses before any route runs (a URL or headers over its limits, a
        // body over camel.server.max-body-size, a request it cannot parse) gets the same kind of
        // answer, not an empty body; now, because the server takes its Vert.x from the registry as it starts.
        HttpServerRefusals.install(camel);
        Housekeeping housekeeping = new Housekeeping(jobs, results, directory,
                Duration.ofSeconds(settings.getLong("server.upload-abandon-seconds", 3600)),
                Duration.ofHours(settings.getLong("server.job-retention-hours", 24 * 7)),
                Duration.ofHours(settings.getLong("server.result-retention-hours", 24 * 30)),
                Duration.ofSeconds(settings.getLong("server.fetched-result-retention-seconds", 24 * 3600)));
        camel.getRegistry().bind("housekeeping", housekeeping);
        // The abandon timeout counts from when the server answers, not from when its beans were
        // made: on a busy machine the start alone can take a good part of a short timeout.
        whenStarted(camel, "the sweep's start", context -> housekeeping.answering(java.time.Instant.now()));
        // The storage steps of housekeeping.camel.yaml (camel-aws2-s3, camel-aws2-ddb) use the same clients as the beans.
        camel.getRegistry().bind("s3Client", s3);
        camel.getRegistry().bind("dynamoDbClient", dynamo);

        // The queue as claims see it, for the backlog metric (publish-backlog.camel.yaml) and /metrics
        // (metrics.camel.yaml); each API operation's traffic, recorded on its route.
        camel.getRegistry().bind("jobBacklog", new JobBacklog(jobs, clock));
        camel.getRegistry().bind("serverMetrics", metrics);
        camel.addRoutePolicyFactory(metrics.operationRoutePolicies());
        // Only where the backlog is published (publish-backlog's route is left out without a namespace).
        if (!settings.get("server.backlog-metric-namespace", "").isBlank()) {
            camel.getRegistry().bind("cloudWatchClient", aws.cloudWatch());
        }
    }

    /**
     * Runs {@code action} once every route of the context has started (the server answers from
     * then on); {@code what} names it if it cannot be registered.
     */
    static void whenStarted(CamelContext camel, String what, java.util.function.Consumer<CamelContext> action) {
        try {
            camel.addStartupListener(new StartupListener() {
                @Override
                public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                }

                @Override
                public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                    action.accept(context);
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("Cannot register " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Ids of the routes that perform API operations (those of the {@value #OPERATION_CONFIGURATION}
     * route configuration). One name per operation: each route's id must be the name of the
     * {@code direct:} endpoint it consumes, which the REST binding derives from the operationId.
     */
    static List<String> operationRouteIds(CamelContext context) {
        List<String> ids = new ArrayList<>();
        for (RouteDefinition route : context.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinitions()) {
            if (!OPERATION_CONFIGURATION.equals(route.getRouteConfigurationId())) {
                continue;
            }
            String consumed = route.getInput().getEndpointUri();
            if (!("direct:" + route.getRouteId()).equals(consumed)) {
                throw new IllegalStateException("Route " + route.getRouteId() + " consumes " + consumed + "; an operation's route "
                        + "has the operation's name and consumes direct:<its name>.");
            }
            ids.add(route.getRouteId());
        }
        return ids;
    }

    /**
     * The sign-in providers of {@code auth.providers}. Empty issuer, JWKS and token URLs fall back to
     * the operator's OIDC provider ({@code oidc.*}), which on the embedded default is the devstack's.
     */
    static List<TrustedIssuer> trustedIssuers(Settings settings) {
        List<TrustedIssuer> issuers = new ArrayList<>();
        for (String id : list(settings.get("auth.providers", ""))) {
            String prefix = "auth.provider." + id + ".";
            String issuer = orElse(settings.get(prefix + "issuer", ""), settings.get("oidc.issuer", ""));
            String jwks = orElse(settings.get(prefix + "jwks-url", ""), settings.get("oidc.jwks-url", ""));
            String token = orElse(settings.get(prefix + "token-url", ""), settings.get("oidc.token-url", ""));
            String authorize = orElse(settings.get(prefix + "authorization-url", ""), issuer.isEmpty() ? "" : issuer + "/authorize");
            String clientId = settings.get(prefix + "client-id", "");
            if (issuer.isEmpty() || jwks.isEmpty() || token.isEmpty() || clientId.isEmpty()) {
                throw new IllegalStateException("Sign-in provider '" + id + "' needs " + prefix + "issuer, jwks-url, token-url "
                        + "and client-id (or oidc.* to fall back to).");
            }
            issuers.add(new TrustedIssuer(id, issuer, jwks, clientId, Set.copyOf(list(settings.get(prefix + "tenants", ""))),
                    Set.copyOf(list(settings.get(prefix + "hosted-domains", ""))), authorize, token));
        }
        if (issuers.isEmpty()) {
            throw new IllegalStateException("auth.providers names no sign-in provider; nobody could sign in.");
        }
        return issuers;
    }

    private static String orElse(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
