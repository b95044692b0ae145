package dev.fileanalysis.e2e;

import dev.fileanalysis.cli.RoleProcess;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.fileanalysis.apiclient.ServerCallException;
import dev.fileanalysis.apiclient.TokenSource;
import dev.fileanalysis.server.auth.SessionClaims;
import dev.fileanalysis.server.auth.SessionTokens;
import dev.fileanalysis.model.Job;
import dev.fileanalysis.client.signin.DevProviderBrowser;
import dev.fileanalysis.client.signin.IdTokenGrant;
import dev.fileanalysis.client.signin.IdentityProvider;
import dev.fileanalysis.client.signin.OidcSignIn;
import dev.fileanalysis.server.testing.DevStackFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Sign-in, sessions, organisations, roles and plan limits, over real HTTP: the devstack (dynalite,
 * s3proxy and the dev OIDC provider) and a server process configured with three providers: the dev
 * one, one in Google's format (fixed issuer, {@code hd} allow-list) and one in Microsoft's
 * (per-tenant issuer from {@code tid}, tenant allow-list), all served by the dev provider since
 * Google's and Microsoft's servers cannot be reached from here.
 *
 * <p>Every refusal is checked for its status and for having changed nothing: the directory, jobs
 * and results tables are compared before and after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignInAndRolesIT {

    private static final String ALLOWED_TENANT = "7c1f4a52-3b1e-4d0b-9b61-2f3c4d5e6f70";
    private static final String OTHER_TENANT = "0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a";
    private static final long QUOTA_BYTES = 4L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private DevStackFixture devstack;
    private DynamoDbClient dynamo;
    private Process server;
    private Path serverData;
    private URI serverUrl;
    private String oidcBase;

    @BeforeAll
    void startDevstackAndServer() throws Exception {
        devstack = DevStackFixture.start();
        dynamo = devstack.dynamoDb();
        oidcBase = devstack.oidcIssuer().substring(0, devstack.oidcIssuer().lastIndexOf('/'));
        serverData = Files.createTempDirectory("sign-in-server");
        Files.copy(devstack.data().resolve("devstack.properties"), serverData.resolve("devstack.properties"));
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        serverUrl = URI.create("http://127.0.0.1:" + port);
        Path home = RunningPipeline.home();
        List<String> command = new ArrayList<>(RoleProcess.command(home, "server", List.of("-Xmx256m", "-XX:+UseSerialGC"),
                List.of("--data", serverData.toString())));
        for (String property : List.of(
                "camel.server.port=" + port,
                // Every check reads the directory, so a sign-out or a removal is seen by the next call.
                "server.membership-cache-ms=0",
                "server.sweep-interval-ms=3600000",
                "plans.free.bytes-per-month=4M",
                "plans.free.largest-file-bytes=1M",
                "auth.providers=dev,google,microsoft",
                "auth.provider.google.issuer=" + oidcBase + "/google",
                "auth.provider.google.jwks-url=" + oidcBase + "/google/jwks",
                "auth.provider.google.authorization-url=" + oidcBase + "/google/authorize",
                "auth.provider.google.token-url=" + oidcBase + "/google/token",
                "auth.provider.google.client-id=google-desktop",
                "auth.provider.google.hosted-domains=acme.test",
                "auth.provider.microsoft.issuer=" + oidcBase + "/{tenantid}",
                "auth.provider.microsoft.jwks-url=" + oidcBase + "/{tenantid}/jwks",
                "auth.provider.microsoft.authorization-url=" + oidcBase + "/organizations/authorize",
                "auth.provider.microsoft.token-url=" + oidcBase + "/organizations/token",
                "auth.provider.microsoft.client-id=entra-desktop",
                "auth.provider.microsoft.tenants=" + ALLOWED_TENANT)) {
            command.addAll(List.of("--property", property));
        }
        server = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(serverData.resolve("server.log").toFile()).start();
        org.awaitility.Awaitility.await("the server answers /health").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!server.isAlive()) {
                        throw new IllegalStateException("the server exited:\n" + Files.readString(serverData.resolve("server.log")));
                    }
                    try {
                        return call("GET", "/health", null, null).statusCode() == 200;
                    } catch (IOException notYet) {
                        return false;
                    }
                });
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        if (devstack != null) {
            devstack.close();
        }
    }

    // ---- sign-in and sessions ----

    @Test
    void theFirstSignInThroughTheBrowserFlowIsTheSignUpAndItsSessionRefreshesAndEndsOnTheServer() throws Exception {
        JsonNode session = startSession(grant("dev", new DevProviderBrowser("ada.lovelace")), null);
        assertThat(session.path("user").path("email").asText()).isEqualTo("ada.lovelace@pipeline.test");
        assertThat(session.path("organisation").path("role").asText()).isEqualTo("owner");
        assertThat(session.path("organisation").path("name").asText()).isEqualTo("Ada Lovelace's organisation");
        String access = session.path("access_token").asText();
        assertThat(call("GET", "/api/me", access, null).statusCode()).isEqualTo(200);

        JsonNode refreshed = json(call("POST", "/auth/refresh", null, refreshBody(session)), 200);
        assertThat(refreshed.path("refresh_token").asText()).isNotEqualTo(session.path("refresh_token").asText());
        assertThat(call("GET", "/api/me", refreshed.path("access_token").asText(), null).statusCode()).isEqualTo(200);

        HttpResponse<String> logout = call("POST", "/auth/logout", null, refreshBody(refreshed));
        assertThat(logout.statusCode()).isEqualTo(200);
        assertThat(call("POST", "/auth/refresh", null, refreshBody(refreshed)).statusCode()).isEqualTo(401);
        HttpResponse<String> afterLogout = call("GET", "/api/me", refreshed.path("access_token").asText(), null);
        assertThat(afterLogout.statusCode()).isEqualTo(401);
        assertThat(afterLogout.body()).contains("session has ended");
    }

    @Test
    void aRefreshTokenUsedTwiceIsRefusedAndEndsTheSessionOfWhoeverHoldsTheNewOne() throws Exception {
        JsonNode session = startSession(grant("dev", new DevProviderBrowser("twice")), null);
        JsonNode rotated = json(call("POST", "/auth/refresh", null, refreshBody(session)), 200);
        int tokensBefore = count("SESSION");

        HttpResponse<String> replay = call("POST", "/auth/refresh", null, refreshBody(session));

        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.body()).contains("already used");
        assertThat(count("SESSION")).as("no session was issued").isEqualTo(tokensBefore);
        assertThat(call("POST", "/auth/refresh", null, refreshBody(rotated)).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/me", rotated.path("access_token").asText(), null).statusCode()).isEqualTo(401);
    }

    @Test
    void badTokensAreRefusedWith401AndChangeNothing() throws Exception {
        JsonNode session = startSession(grant("dev", new DevProviderBrowser("carol")), null);
        SessionClaims carol = new SessionClaims(session.path("user").path("id").asText(),
                session.path("organisation").path("id").asText(), sessionIdOf(session));
        SessionTokens serverKeys = SessionTokens.loadOrCreate(serverData.resolve("server/session-keys.json"),
                "file-analysis-pipeline", Duration.ofSeconds(300), Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC));
        String expired = serverKeys.issue(carol);
        String unsigned = new PlainJWT(new JWTClaimsSet.Builder().issuer("file-analysis-pipeline").subject(carol.user())
                .audience(SessionTokens.AUDIENCE).claim("org", carol.organisation()).claim("sid", carol.session())
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).build()).serialize();

        String snapshot = snapshot();
        assertRefused(call("GET", "/api/me", null, null), 401, "Missing bearer token");
        assertRefused(call("GET", "/api/me", expired, null), 401, "expired");
        assertRefused(call("GET", "/api/me", unsigned, null), 401, "");
        assertRefused(call("POST", "/api/jobs", unsigned, null), 401, "");

        // ID tokens at /auth/session: an untrusted issuer, another audience, no signature, a key not
        // in the provider's JWKS, and a nonce that was used before.
        IdTokenGrant untrusted = grant(provider("dev", oidcBase + "/someone-else", "pipeline-desktop"), new DevProviderBrowser("mallory"));
        assertRefused(rawStartSession("dev", untrusted.idToken(), untrusted.nonce()), 401, "was issued by");
        IdTokenGrant otherAudience = grant(provider("dev", oidcBase + "/pipeline", "another-app"), new DevProviderBrowser("mallory"));
        assertRefused(rawStartSession("dev", otherAudience.idToken(), otherAudience.nonce()), 401, "not to this server's client id pipeline-desktop");
        String nonce = UUID.randomUUID().toString();
        JWTClaimsSet forgedClaims = new JWTClaimsSet.Builder().issuer(devstack.oidcIssuer()).audience("pipeline-desktop")
                .subject("mallory").claim("nonce", nonce).claim("email", "ada.lovelace@pipeline.test").claim("email_verified", true)
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300))).build();
        assertRefused(rawStartSession("dev", new PlainJWT(forgedClaims).serialize(), nonce), 401, "");
        ECKey attacker = new ECKeyGenerator(Curve.P_256).keyID("mock-oauth2-server-key").generate();
        SignedJWT foreignKey = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(attacker.getKeyID()).build(), forgedClaims);
        foreignKey.sign(new ECDSASigner(attacker));
        assertRefused(rawStartSession("dev", foreignKey.serialize(), nonce), 401, "");
        // A device claimed by its public key alone (the proof is signed by another key).
        dev.fileanalysis.crypto.ClientKeyPair victimDevice = dev.fileanalysis.crypto.ClientKeyPair.generate();
        dev.fileanalysis.crypto.ClientKeyPair intruderDevice = dev.fileanalysis.crypto.ClientKeyPair.generate();
        IdTokenGrant intruder = grant("dev", new DevProviderBrowser("mallory"));
        assertRefused(call("POST", "/auth/session", null, JSON.writeValueAsString(Map.of("provider", "dev",
                "id_token", intruder.idToken(), "nonce", intruder.nonce(), "device", victimDevice.publicKey().clientId(),
                "device_proof", dev.fileanalysis.crypto.DeviceProof.sign(intruderDevice, intruder.nonce())))), 400, "device_proof");
        assertThat(snapshot()).as("nothing was written by refused requests").isEqualTo(snapshot);

        IdTokenGrant once = grant("dev", new DevProviderBrowser("carol"));
        assertThat(rawStartSession("dev", once.idToken(), once.nonce()).statusCode()).isEqualTo(200);
        String afterFirstUse = snapshot();
        assertRefused(rawStartSession("dev", once.idToken(), once.nonce()), 401, "nonce was already used");
        assertThat(snapshot()).as("the replay wrote nothing").isEqualTo(afterFirstUse);
    }

    // ---- Google's and Microsoft's formats ----

    @Test
    void googleStyleTokensAreAcceptedOnlyFromAnAllowedHostedDomain() throws Exception {
        DevProviderBrowser gina = new DevProviderBrowser("gina").withClaims(Map.of("email", "gina@acme.test", "hd", "acme.test"));
        JsonNode session = startSession(grant("google", gina), null);
        assertThat(session.path("user").path("email").asText()).isEqualTo("gina@acme.test");

        DevProviderBrowser outsider = new DevProviderBrowser("olly").withClaims(Map.of("email", "olly@other.test", "hd", "other.test"));
        IdTokenGrant refused = grant("google", outsider);
        assertRefused(rawStartSession("google", refused.idToken(), refused.nonce()), 401, "belongs to the domain other.test, which is not allowed");
        DevProviderBrowser personal = new DevProviderBrowser("pat").withClaims(Map.of("email", "pat@gmail.com"));
        IdTokenGrant noDomain = grant("google", personal);
        assertRefused(rawStartSession("google", noDomain.idToken(), noDomain.nonce()), 401, "has no hosted domain (hd)");
    }

    @Test
    void microsoftStyleTokensAreCheckedPerTenant() throws Exception {
        DevProviderBrowser mia = new DevProviderBrowser("mia").withClaims(Map.of("email", "mia@contoso.test", "tid", ALLOWED_TENANT));
        JsonNode session = startSession(grant(provider("microsoft", oidcBase + "/" + ALLOWED_TENANT, "entra-desktop"), mia), null);
        assertThat(session.path("user").path("email").asText()).isEqualTo("mia@contoso.test");

        DevProviderBrowser otherTenant = new DevProviderBrowser("oscar").withClaims(Map.of("tid", OTHER_TENANT));
        IdTokenGrant fromOtherTenant = grant(provider("microsoft", oidcBase + "/" + OTHER_TENANT, "entra-desktop"), otherTenant);
        assertRefused(rawStartSession("microsoft", fromOtherTenant.idToken(), fromOtherTenant.nonce()), 401, "comes from tenant " + OTHER_TENANT + ", which is not allowed");

        // A token issued by another tenant that claims the allowed tenant's id.
        DevProviderBrowser impostor = new DevProviderBrowser("ivan").withClaims(Map.of("tid", ALLOWED_TENANT));
        IdTokenGrant lying = grant(provider("microsoft", oidcBase + "/" + OTHER_TENANT, "entra-desktop"), impostor);
        assertRefused(rawStartSession("microsoft", lying.idToken(), lying.nonce()), 401, "was issued by");
    }

    // ---- organisations, invitations, domains ----

    @Test
    void invitationsAndClaimedDomainsMatchVerifiedEmailsOnly() throws Exception {
        DevProviderBrowser olga = new DevProviderBrowser("olga").withClaims(Map.of("email", "olga@initech.test"));
        JsonNode owner = startSession(grant("dev", olga), null);
        String org = owner.path("organisation").path("id").asText();
        String token = owner.path("access_token").asText();
        assertThat(call("POST", "/api/organisations/" + org + "/invitations", token,
                "{\"email\":\"Vera@Example.test\",\"role\":\"viewer\"}").statusCode()).isEqualTo(201);
        assertThat(call("PUT", "/api/organisations/" + org + "/domains/initech.test", token, "{\"role\":\"member\"}").statusCode())
                .isEqualTo(200);
        assertRefused(call("PUT", "/api/organisations/" + org + "/domains/umbrella.test", token, null), 403, "your own verified e-mail");

        DevProviderBrowser unverifiedVera = new DevProviderBrowser("vera").withClaims(Map.of("email", "vera@example.test",
                "email_verified", false));
        JsonNode notJoined = startSession(grant("dev", unverifiedVera), null);
        assertThat(organisationIds(notJoined)).doesNotContain(org);
        DevProviderBrowser vera = new DevProviderBrowser("vera2").withClaims(Map.of("email", "vera@example.test"));
        JsonNode joined = startSession(grant("dev", vera), null);
        assertThat(joined.path("organisation").path("id").asText()).isEqualTo(org);
        assertThat(joined.path("organisation").path("role").asText()).isEqualTo("viewer");

        DevProviderBrowser unverifiedPete = new DevProviderBrowser("pete").withClaims(Map.of("email", "pete@initech.test",
                "email_verified", "false"));
        assertThat(organisationIds(startSession(grant("dev", unverifiedPete), null))).doesNotContain(org);
        DevProviderBrowser quinn = new DevProviderBrowser("quinn").withClaims(Map.of("email", "quinn@initech.test"));
        JsonNode byDomain = startSession(grant("dev", quinn), null);
        assertThat(byDomain.path("organisation").path("id").asText()).isEqualTo(org);
        assertThat(byDomain.path("organisation").path("role").asText()).isEqualTo("member");
    }

    @Test
    void everyRoleIsForbiddenFromAnotherOrganisationAndFromWhatItsRoleDoesNotAllow() throws Exception {
        // Organisation A: ada2 owns it; members of each role join by invitation.
        TestClient owner = new TestClient(serverUrl, "owner-a");
        JsonNode me = json(call("GET", "/api/me", owner.accessToken(), null), 200);
        String orgA = me.path("organisation").path("id").asText();
        Map<String, TestClient> roles = new java.util.LinkedHashMap<>();
        roles.put("owner", owner);
        for (String role : List.of("admin", "member", "viewer")) {
            assertThat(call("POST", "/api/organisations/" + orgA + "/invitations", owner.accessToken(),
                    "{\"email\":\"" + role + "-a@pipeline.test\",\"role\":\"" + role + "\"}").statusCode()).isEqualTo(201);
            roles.put(role, new TestClient(serverUrl, role + "-a"));
        }
        Job jobOfA = roles.get("member").register("1.0.0");
        TestClient outsider = new TestClient(serverUrl, "owner-b");
        String orgB = json(call("GET", "/api/me", outsider.accessToken(), null), 200).path("organisation").path("id").asText();
        Job jobOfB = outsider.register("1.0.0");
        String processorToken = new TokenSource(http, URI.create(devstack.settings().require("oidc.token-url")), "processor", "x").token();

        String snapshot = snapshot();
        for (Map.Entry<String, TestClient> entry : roles.entrySet()) {
            String token = entry.getValue().accessToken();
            String who = entry.getKey() + " of A";
            assertRefused(who, call("GET", "/api/jobs/" + jobOfB.id(), token, null), 403, "another organisation");
            assertRefused(who, call("POST", "/api/jobs/" + jobOfB.id() + "/progress", token, "{\"chunks\":1}"), 403, "");
            assertRefused(who, call("POST", "/api/jobs/" + jobOfB.id() + "/abandon", token, "{}"), 403, "");
            assertRefused(who, call("GET", "/api/results?client=" + outsider.keys.publicKey().clientId(), token, null), 403, "");
            assertRefused(who, call("GET", "/api/organisations/" + orgB + "/members", token, null), 403, "not a member");
            assertRefused(who, call("POST", "/api/organisations/" + orgB + "/invitations", token,
                    "{\"email\":\"x@pipeline.test\",\"role\":\"owner\"}"), 403, "not a member");
            assertRefused(who, call("GET", "/api/organisations/" + orgB + "/plan", token, null), 403, "not a member");
            assertRefused(who, call("GET", "/api/organisations/" + orgB + "/jobs", token, null), 403, "not a member");
            assertRefused(who, call("POST", "/api/processor/claims", token, "{\"processor\":\"processor-" + UUID.randomUUID()
                    + "\",\"versions\":\"*\"}"), 403, "processor");
            assertRefused(who, call("POST", "/api/processor/claims/batch", token, "{\"processor\":\"processor-" + UUID.randomUUID()
                    + "\",\"versions\":\"*\",\"max\":4}"), 403, "processor");
        }
        String memberOfA = json(call("GET", "/api/me", roles.get("member").accessToken(), null), 200).path("user").path("id").asText();
        String ownerOfA = me.path("user").path("id").asText();
        assertRefused("member", call("POST", "/api/organisations/" + orgA + "/invitations", roles.get("member").accessToken(),
                "{\"email\":\"y@pipeline.test\",\"role\":\"member\"}"), 403, "needs the admin role");
        assertRefused("member", call("DELETE", "/api/organisations/" + orgA + "/members/" + ownerOfA, roles.get("member").accessToken(),
                null), 403, "needs the admin role");
        assertRefused("viewer", call("POST", "/api/jobs", roles.get("viewer").accessToken(), null), 403, "needs the member role");
        assertRefused("viewer", call("PUT", "/api/organisations/" + orgA + "/members/" + memberOfA, roles.get("viewer").accessToken(),
                "{\"role\":\"admin\"}"), 403, "");
        assertRefused("admin", call("PUT", "/api/organisations/" + orgA + "/members/" + ownerOfA, roles.get("admin").accessToken(),
                "{\"role\":\"member\"}"), 403, "Only owners");
        assertRefused("an admin reading a member's job", call("GET", "/api/jobs/" + jobOfA.id(), roles.get("admin").accessToken(),
                null), 200, jobOfA.id());
        assertRefused("another member reading it", call("GET", "/api/jobs/" + jobOfA.id(), owner.accessToken(), null), 200, jobOfA.id());
        assertRefused("owner", call("DELETE", "/api/organisations/" + orgA + "/members/" + ownerOfA, owner.accessToken(), null),
                403, "last owner");
        assertRefused("owner", call("PUT", "/api/organisations/" + orgA + "/members/" + ownerOfA, owner.accessToken(),
                "{\"role\":\"admin\"}"), 403, "last owner");
        assertRefused("processor", call("GET", "/api/me", processorToken, null), 403, "processor credential");
        assertRefused("processor", call("POST", "/api/jobs", processorToken, null), 403, "processor credential");
        assertRefused("processor", call("GET", "/api/organisations/" + orgA + "/members", processorToken, null), 403, "");
        assertThat(snapshot()).as("no refused request changed anything").isEqualTo(snapshot);
    }

    // ---- plan limits ----

    @Test
    void concurrentPresignsNeverTakeUsagePastTheLimitAndTheRefusalNamesIt() throws Exception {
        TestClient uploader = new TestClient(serverUrl, "quota-user");
        String org = json(call("GET", "/api/me", uploader.accessToken(), null), 200).path("organisation").path("id").asText();
        int chunkBytes = 64 * 1024;
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            jobs.add(uploader.register("1.0.0"));
        }
        AtomicLong granted = new AtomicLong();
        java.util.concurrent.atomic.AtomicInteger jobsStarted = new java.util.concurrent.atomic.AtomicInteger();
        List<String> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Job job : jobs) {
                done.add(threads.submit((Callable<Void>) () -> {
                    for (int index = 0; ; index++) {
                        try {
                            uploader.server.presignUpload(job.id(), index, "1B2M2Y8AsgTpgAmY7PhCfg==", chunkBytes);
                            granted.addAndGet(chunkBytes);
                            if (index == 0) {
                                jobsStarted.incrementAndGet();
                            }
                        } catch (ServerCallException refused) {
                            assertThat(refused.status()).isEqualTo(402);
                            refusals.add(refused.sentence());
                            return null;
                        }
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        JsonNode plan = json(call("GET", "/api/organisations/" + org + "/plan", uploader.accessToken(), null), 200);
        long used = plan.path("usage").path("bytes").asLong();
        assertThat(used).isEqualTo(granted.get()).isLessThanOrEqualTo(QUOTA_BYTES).isGreaterThan(QUOTA_BYTES - chunkBytes);
        assertThat(plan.path("usage").path("jobs").asLong()).isEqualTo(jobsStarted.get());
        assertThat(refusals).hasSize(16).allSatisfy(sentence -> assertThat(sentence)
                .contains("Plan 'free' allows 4.0 MiB per month").contains("Usage resets at"));

        HttpResponse<String> tooLarge = call("POST", "/api/jobs", uploader.accessToken(), "{\"bytes\":" + (2 << 20) + "}");
        assertRefused(tooLarge, 413, "accepts files up to 1.0 MiB");
    }

    @Test
    void theApiDocumentIsPublicAndNamesEachOperationsRule() throws Exception {
        JsonNode document = json(call("GET", "/openapi.json", null, null), 200);
        assertThat(document.path("openapi").asText()).startsWith("3.");
        JsonNode reserve = document.path("paths").path("/api/jobs").path("post");
        assertThat(reserve.path("x-required-role").asText()).isEqualTo("member");
        assertThat(reserve.path("security").get(0).has("session")).isTrue();
        assertThat(document.path("paths").path("/health").path("get").path("security")).isEmpty();
        assertThat(document.path("paths").path("/api/processor/claims").path("post").path("x-required-role").asText())
                .isEqualTo("processor");
        assertThat(document.path("paths").path("/api/processor/claims/batch").path("post").path("x-required-role").asText())
                .isEqualTo("processor");
    }

    // ---- the command line and the stored session ----

    @Test
    void theCommandLineSignsInManagesMembersAndSignsOutOnTheServer() throws Exception {
        Path zed = Files.createTempDirectory("zed");
        Path yan = Files.createTempDirectory("yan");
        assertThat(cli(zed, "login", "--user", "zed").output()).contains("Signed in as Zed <zed@pipeline.test>");
        assertThat(Files.getPosixFilePermissions(zed.resolve("session.json")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        String list = cli(zed, "org", "list").output();
        assertThat(list).contains("Zed's organisation").contains("owner");
        String org = list.replaceAll("(?s).*(org-[0-9a-f-]{36}).*", "$1");

        cli(zed, "member", "invite", org, "yan@pipeline.test", "--role", "admin");
        assertThat(cli(zed, "member", "invitations", org).output()).contains("yan@pipeline.test");
        cli(yan, "login", "--user", "yan");
        assertThat(cli(yan, "org", "list").output()).contains("Zed's organisation").contains("admin");
        assertThat(cli(zed, "member", "list", org).output()).contains("yan@pipeline.test").contains("admin");

        Cli refused = cli(yan, 1, "member", "role", org, "zed@pipeline.test", "member");
        assertThat(refused.output()).contains("Only owners grant or take away the owner role");
        cli(zed, "member", "remove", org, "yan@pipeline.test");
        // Yan joined by invitation only: with no organisation left, the session ends and says why.
        assertThat(cli(yan, 1, "org", "list").output()).contains("no longer a member of any organisation");

        String storedRefreshToken = JSON.readTree(Files.readString(zed.resolve("session.json"))).path("refresh_token").asText();
        cli(zed, "logout");
        assertThat(zed.resolve("session.json")).doesNotExist();
        assertThat(call("POST", "/auth/refresh", null, JSON.writeValueAsString(Map.of("refresh_token", storedRefreshToken)))
                .statusCode()).as("the server ended the session").isEqualTo(401);
        assertThat(cli(zed, 1, "org", "list").output()).contains("Not signed in: run ./pipeline login");
    }

    @Test
    void aStoredSessionRefreshesWhenItsAccessTokenIsRefusedAndSaysSoOnceSignedOut() throws Exception {
        Path folder = Files.createTempDirectory("stored-session");
        dev.fileanalysis.client.signin.SessionFile file = new dev.fileanalysis.client.signin.SessionFile(folder.resolve("session.json"));
        dev.fileanalysis.client.signin.ServerSession session = new dev.fileanalysis.client.signin.SignIn(http, file)
                .signIn(serverUrl, "dev", new DevProviderBrowser("rita"), null);
        String first = session.token();
        String firstRefresh = file.read().orElseThrow().refreshToken();

        session.invalidate();
        String second = session.token();

        assertThat(second).isNotEqualTo(first);
        assertThat(file.read().orElseThrow().refreshToken()).as("the rotated refresh token is stored").isNotEqualTo(firstRefresh);
        assertThat(call("GET", "/api/me", second, null).statusCode()).isEqualTo(200);

        new dev.fileanalysis.client.signin.SignInClient(http, serverUrl).logout(file.read().orElseThrow().refreshToken());
        session.invalidate();
        org.assertj.core.api.Assertions.assertThatThrownBy(session::token)
                .isInstanceOf(dev.fileanalysis.client.signin.SignedOutException.class)
                .hasMessageContaining("Signed out: run ./pipeline login");
    }

    @Test
    void aDeviceThatDiedBeforeStoringARefreshesAnswerRepeatsTheSameRequestAndStaysSignedIn() throws Exception {
        Path folder = Files.createTempDirectory("crashed-refresh");
        dev.fileanalysis.client.signin.SessionFile file = new dev.fileanalysis.client.signin.SessionFile(folder.resolve("session.json"));
        new dev.fileanalysis.client.signin.SignIn(http, file).signIn(serverUrl, "dev", new DevProviderBrowser("sam"), null);
        dev.fileanalysis.client.signin.StoredSession before = file.read().orElseThrow();
        // What the device wrote before asking, then the server rotated, then the device died.
        String next = dev.fileanalysis.client.signin.SignInClient.nextRefreshToken(before.refreshToken());
        file.write(before.refreshingTo(next));
        new dev.fileanalysis.client.signin.SignInClient(http, serverUrl).refresh(before.refreshToken(), null, next);

        dev.fileanalysis.client.signin.ServerSession restarted = dev.fileanalysis.client.signin.ServerSession.resume(
                new dev.fileanalysis.client.signin.SignInClient(http, serverUrl), file);
        String token = restarted.token();

        assertThat(call("GET", "/api/me", token, null).statusCode()).isEqualTo(200);
        dev.fileanalysis.client.signin.StoredSession after = file.read().orElseThrow();
        assertThat(after.refreshToken()).isEqualTo(next);
        assertThat(after.nextRefreshToken()).isNull();
        restarted.invalidate();
        assertThat(call("GET", "/api/me", restarted.token(), null).statusCode()).as("and it refreshes on from there").isEqualTo(200);
    }

    record Cli(int exit, String output) {
    }

    private Cli cli(Path data, String... arguments) throws Exception {
        return cli(data, 0, arguments);
    }

    private Cli cli(Path data, int expectedExit, String... arguments) throws Exception {
        PipelineCli.Run run = PipelineCli.run(serverUrl, data, expectedExit, arguments);
        return new Cli(run.exit(), run.output());
    }

    // ---- helpers ----

    private IdTokenGrant grant(String providerId, DevProviderBrowser person) throws Exception {
        String issuerPath = switch (providerId) {
            case "google" -> "/google";
            case "dev" -> "/pipeline";
            default -> throw new IllegalArgumentException(providerId);
        };
        String clientId = providerId.equals("google") ? "google-desktop" : "pipeline-desktop";
        return grant(provider(providerId, oidcBase + issuerPath, clientId), person);
    }

    private IdTokenGrant grant(IdentityProvider provider, DevProviderBrowser person) throws Exception {
        return new OidcSignIn(http, Duration.ofSeconds(30)).signIn(provider, person);
    }

    private static IdentityProvider provider(String id, String issuer, String clientId) {
        return new IdentityProvider(id, URI.create(issuer + "/authorize"), URI.create(issuer + "/token"), clientId,
                "openid email profile", null);
    }

    private JsonNode startSession(IdTokenGrant grant, String device) throws Exception {
        return json(rawStartSession(grant.providerId(), grant.idToken(), grant.nonce()), 200);
    }

    private HttpResponse<String> rawStartSession(String provider, String idToken, String nonce) throws Exception {
        return call("POST", "/auth/session", null, JSON.writeValueAsString(Map.of("provider", provider, "id_token", idToken,
                "nonce", nonce)));
    }

    private static String refreshBody(JsonNode session) throws Exception {
        return JSON.writeValueAsString(Map.of("refresh_token", session.path("refresh_token").asText()));
    }

    private static String sessionIdOf(JsonNode session) {
        String refresh = session.path("refresh_token").asText();
        return refresh.substring(0, refresh.indexOf('.'));
    }

    private static List<String> organisationIds(JsonNode session) {
        List<String> ids = new ArrayList<>();
        session.path("organisations").forEach(o -> ids.add(o.path("id").asText()));
        return ids;
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(serverUrl.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).as("HTTP status of %s; body %s", response.uri(), response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private static void assertRefused(HttpResponse<String> response, int status, String sentence) {
        assertRefused("caller", response, status, sentence);
    }

    private static void assertRefused(String who, HttpResponse<String> response, int status, String sentence) {
        assertThat(response.statusCode()).as("%s: %s %s answered %s", who, response.request().method(), response.uri(),
                response.body()).isEqualTo(status);
        assertThat(response.body()).as("%s: %s", who, response.uri()).contains(sentence);
    }

    /** Every item of the directory, jobs and results tables, as one digest. */
    private String snapshot() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (String table : List.of("pipeline-directory", "pipeline-jobs", "pipeline-results")) {
            List<String> items = new ArrayList<>();
            dynamo.scanPaginator(ScanRequest.builder().tableName(table).consistentRead(true).build())
                    .items().forEach(item -> items.add(new java.util.TreeMap<>(item).toString()));
            items.sort(null);
            items.forEach(item -> digest.update(item.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private int count(String sortKey) {
        return dynamo.scan(ScanRequest.builder().tableName("pipeline-directory").build()).items().stream()
                .filter(item -> item.get("sk") != null && sortKey.equals(item.get("sk").s())).toList().size();
    }
}
