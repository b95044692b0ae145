package dev.fileanalysis.server.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.fileanalysis.server.directory.DirectoryStore.IssuedSession;
import dev.fileanalysis.server.testing.DevStackFixture;
import dev.fileanalysis.server.ErrorResponses;
import dev.fileanalysis.server.refusal.RefusalException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Sign-in sessions and their rotating refresh tokens against the real devstack's dynalite. */
class RefreshSessionsIT {

    private static final Duration LIFETIME = Duration.ofDays(14);

    private static DevStackFixture devstack;
    private static DynamoDbClient dynamo;
    private static DirectoryStore directory;
    private static MovableClock clock;

    @BeforeAll
    static void start() throws Exception {
        devstack = DevStackFixture.start();
        dynamo = devstack.dynamoDb();
        clock = new MovableClock(Instant.parse("2026-11-20T10:00:00Z"));
        directory = new DirectoryStore(dynamo, "pipeline-directory", clock);
    }

    @AfterAll
    static void stop() {
        if (devstack != null) {
            devstack.close();
        }
    }

    private static IssuedSession newSession() {
        return directory.createSession("user-" + UUID.randomUUID(), "org-" + UUID.randomUUID(), LIFETIME);
    }

    private static int status(Throwable e) {
        return ErrorResponses.statusOf((RefusalException) e);
    }

    @Test
    void theRefreshTokenIsTheSessionIdAndASecretOfWhichOnlyAHashIsStored() {
        IssuedSession session = newSession();

        assertThat(session.refreshToken()).startsWith(session.sessionId() + ".");
        String secret = session.refreshToken().substring(session.sessionId().length() + 1);
        assertThat(secret).matches("[A-Za-z0-9_-]{43}");
        var item = dynamo.getItem(b -> b.tableName("pipeline-directory").key(java.util.Map.of(
                "pk", AttributeValue.fromS("SESSION#" + session.sessionId()), "sk", AttributeValue.fromS("SESSION")))).item();
        assertThat(item.toString()).doesNotContain(secret);
        assertThat(directory.isLive(session.sessionId())).isTrue();
    }

    @Test
    void eachRefreshReplacesTheTokenAndCanSwitchToAnotherOrganisationOfTheSameUser() {
        SignInOutcome signedIn = directory.signIn(new dev.fileanalysis.server.directory.VerifiedIdentity("dev", "https://issuer.test",
                "switcher-" + UUID.randomUUID(), "switcher@example.test", true, "Switcher", null, null), "free");
        Organisation other = directory.createOrganisation("Other Ltd", signedIn.user(), "free");
        IssuedSession session = directory.createSession(signedIn.user().id(), signedIn.memberships().get(0).organisation(), LIFETIME);

        IssuedSession next = directory.rotate(session.refreshToken(), null, LIFETIME);
        IssuedSession switched = directory.rotate(next.refreshToken(), other.id(), LIFETIME);

        assertThat(next.sessionId()).isEqualTo(session.sessionId());
        assertThat(next.refreshToken()).isNotEqualTo(session.refreshToken());
        assertThat(next.organisation()).isEqualTo(session.organisation());
        assertThat(next.userId()).isEqualTo(session.userId());
        assertThat(switched.organisation()).isEqualTo(other.id());
        assertThat(directory.isLive(session.sessionId())).isTrue();
    }

    @Test
    void switchingToAnOrganisationTheUserIsNotInIsRefusedAndTheTokenKeepsWorking() {
        SignInOutcome signedIn = directory.signIn(new dev.fileanalysis.server.directory.VerifiedIdentity("dev", "https://issuer.test",
                "stranger-" + UUID.randomUUID(), "stranger@example.test", true, "Stranger", null, null), "free");
        IssuedSession session = directory.createSession(signedIn.user().id(), signedIn.memberships().get(0).organisation(), LIFETIME);

        assertThatThrownBy(() -> directory.rotate(session.refreshToken(), "org-" + UUID.randomUUID(), LIFETIME))
                .satisfies(e -> assertThat(status(e)).isEqualTo(403))
                .hasMessageContaining("not a member");

        assertThat(directory.rotate(session.refreshToken(), null, LIFETIME).organisation()).isEqualTo(session.organisation());
    }

    @Test
    void presentingARotatedTokenAgainEndsTheSessionForEveryone() {
        IssuedSession session = newSession();
        IssuedSession legitimate = directory.rotate(session.refreshToken(), null, LIFETIME);

        assertThatThrownBy(() -> directory.rotate(session.refreshToken(), null, LIFETIME))
                .isInstanceOf(RefusalException.class).satisfies(e -> assertThat(status(e)).isEqualTo(401))
                .hasMessageContaining("already used");

        assertThat(directory.isLive(session.sessionId())).isFalse();
        assertThatThrownBy(() -> directory.rotate(legitimate.refreshToken(), null, LIFETIME))
                .as("the current token dies with the session").isInstanceOf(RefusalException.class)
                .hasMessageContaining("session has ended");
    }

    @Test
    void theSweepDeletesExpiredNoncesAndSessionsAndKeepsLiveOnes() {
        String usedNonce = "nonce-" + UUID.randomUUID();
        String rememberedNonce = "nonce-" + UUID.randomUUID();
        assertThat(directory.useNonce(usedNonce, clock.instant().plus(Duration.ofHours(1)))).isTrue();
        assertThat(directory.useNonce(rememberedNonce, clock.instant().plus(Duration.ofDays(5)))).isTrue();
        IssuedSession ended = directory.createSession("user-" + UUID.randomUUID(), "org-" + UUID.randomUUID(), Duration.ofHours(1));
        IssuedSession live = newSession();

        clock.advance(Duration.ofDays(3));
        int deleted = directory.deleteExpired(1000);

        assertThat(deleted).isGreaterThanOrEqualTo(2);
        assertThat(item("NONCE#" + usedNonce, "NONCE")).as("an expired nonce").isEmpty();
        assertThat(item("SESSION#" + ended.sessionId(), "SESSION")).as("a session expired for more than a day").isEmpty();
        assertThat(item("NONCE#" + rememberedNonce, "NONCE")).as("a nonce still remembered").isNotEmpty();
        assertThat(directory.useNonce(rememberedNonce, clock.instant().plus(Duration.ofHours(1)))).isFalse();
        assertThat(directory.isLive(live.sessionId())).isTrue();
    }

    private static Map<String, AttributeValue> item(String pk, String sk) {
        Map<String, AttributeValue> found = dynamo.getItem(b -> b.tableName("pipeline-directory").key(Map.of(
                "pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk))).consistentRead(true)).item();
        return found == null ? Map.of() : found;
    }

    @Test
    void aRotationAskedAgainAfterItsAnswerWasLostGetsTheSameAnswerButAnyOtherSecondUseEndsTheSession() {
        IssuedSession session = newSession();
        String next = session.sessionId() + "." + "N".repeat(43);

        IssuedSession first = directory.rotate(session.refreshToken(), null, LIFETIME, next);
        IssuedSession repeated = directory.rotate(session.refreshToken(), null, LIFETIME, next);

        assertThat(first.refreshToken()).isEqualTo(next);
        assertThat(repeated.refreshToken()).isEqualTo(next);
        assertThat(directory.isLive(session.sessionId())).isTrue();
        assertThatThrownBy(() -> directory.rotate(session.refreshToken(), null, LIFETIME, session.sessionId() + "." + "M".repeat(43)))
                .satisfies(e -> assertThat(status(e)).isEqualTo(401)).hasMessageContaining("already used");
        assertThat(directory.isLive(session.sessionId())).isFalse();
    }

    @Test
    void aProposedNextTokenMustBeNewAndOfThisSession() {
        IssuedSession session = newSession();
        IssuedSession rotated = directory.rotate(session.refreshToken(), null, LIFETIME);

        assertThatThrownBy(() -> directory.rotate(rotated.refreshToken(), null, LIFETIME, session.refreshToken()))
                .satisfies(e -> assertThat(status(e)).isEqualTo(400)).hasMessageContaining("must be new");
        assertThatThrownBy(() -> directory.rotate(rotated.refreshToken(), null, LIFETIME, "session-" + UUID.randomUUID() + "." + "A".repeat(43)))
                .satisfies(e -> assertThat(status(e)).isEqualTo(400)).hasMessageContaining("this session's id");
        assertThat(directory.rotate(rotated.refreshToken(), null, LIFETIME).sessionId()).isEqualTo(session.sessionId());
    }

    @Test
    void aMadeUpSecretForAKnownSessionIsRefusedWithoutEndingIt() {
        IssuedSession session = newSession();

        assertThatThrownBy(() -> directory.rotate(session.sessionId() + "." + "A".repeat(43), null, LIFETIME))
                .isInstanceOf(RefusalException.class).satisfies(e -> assertThat(status(e)).isEqualTo(401))
                .hasMessageContaining("does not match");

        assertThat(directory.isLive(session.sessionId())).isTrue();
        assertThat(directory.rotate(session.refreshToken(), null, LIFETIME).sessionId()).isEqualTo(session.sessionId());
    }

    @Test
    void unknownAndMalformedTokensAreRefused() {
        assertThatThrownBy(() -> directory.rotate("session-" + UUID.randomUUID() + "." + "B".repeat(43), null, LIFETIME))
                .isInstanceOf(RefusalException.class).hasMessageContaining("belongs to no session");
        assertThatThrownBy(() -> directory.rotate("not a token", null, LIFETIME))
                .isInstanceOf(RefusalException.class).satisfies(e -> assertThat(status(e)).isEqualTo(401))
                .hasMessageContaining("malformed");
    }

    @Test
    void aSessionUnusedForItsLifetimeExpiresAndEachRefreshExtendsIt() {
        IssuedSession session = directory.createSession("user-" + UUID.randomUUID(), "org-x", Duration.ofHours(1));

        clock.advance(Duration.ofMinutes(50));
        IssuedSession refreshed = directory.rotate(session.refreshToken(), null, Duration.ofHours(1));
        clock.advance(Duration.ofMinutes(50));
        assertThat(directory.isLive(session.sessionId())).as("100 minutes old, but used 50 minutes ago").isTrue();

        clock.advance(Duration.ofMinutes(11));
        assertThat(directory.isLive(session.sessionId())).isFalse();
        assertThatThrownBy(() -> directory.rotate(refreshed.refreshToken(), null, Duration.ofHours(1)))
                .isInstanceOf(RefusalException.class).satisfies(e -> assertThat(status(e)).isEqualTo(401))
                .hasMessageContaining("expired");
    }

    @Test
    void signingOutEndsTheSessionAndRepeatingItOrUnknownTokensDoNothing() {
        IssuedSession session = newSession();

        directory.revoke(session.refreshToken());
        directory.revoke(session.refreshToken());
        directory.revoke("session-" + UUID.randomUUID() + "." + "C".repeat(43));
        directory.revoke("garbage");

        assertThat(directory.isLive(session.sessionId())).isFalse();
        assertThatThrownBy(() -> directory.rotate(session.refreshToken(), null, LIFETIME))
                .isInstanceOf(RefusalException.class).hasMessageContaining("session has ended");
    }

    @Test
    void signingOutWithSomeoneElsesSessionIdButNoSecretDoesNotEndTheirSession() {
        IssuedSession session = newSession();

        directory.revoke(session.sessionId() + "." + "D".repeat(43));

        assertThat(directory.isLive(session.sessionId())).isTrue();
    }
}
