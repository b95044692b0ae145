package dev.fileanalysis.server.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import dev.fileanalysis.server.testing.DevStackFixture;
import dev.fileanalysis.server.ErrorResponses;
import dev.fileanalysis.server.refusal.RefusalException;

/** Users, organisations, members, invitations, domains, devices and nonces against the real devstack's dynalite. */
class DirectoryStoreIT {

    private static DevStackFixture devstack;
    private static DirectoryStore directory;
    private static MovableClock clock;

    @BeforeAll
    static void start() throws Exception {
        devstack = DevStackFixture.start();
        clock = new MovableClock(Instant.parse("2026-11-20T10:00:00Z"));
        directory = new DirectoryStore(devstack.dynamoDb(), "pipeline-directory", clock);
    }

    @AfterAll
    static void stop() {
        if (devstack != null) {
            devstack.close();
        }
    }

    private String issuer() {
        return devstack.oidcIssuer();
    }

    private VerifiedIdentity person(String name, String email, boolean verified) {
        return new VerifiedIdentity("dev", issuer(), "sub-" + UUID.randomUUID(), email, verified, name, null, null);
    }

    /** A domain no other test uses, so tests sharing the table cannot meet. */
    private static String freshDomain() {
        return "acme-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    }

    /** Someone who signed up, and the identity they sign in with again. */
    private record Person(VerifiedIdentity identity, User user) {
        String id() {
            return user.id();
        }

        String email() {
            return user.email();
        }
    }

    private Person signedUp(String name) {
        VerifiedIdentity identity = person(name, name.toLowerCase() + "@" + freshDomain(), true);
        return new Person(identity, directory.signIn(identity, "free").user());
    }

    @Test
    void firstSignInCreatesTheUserWithAPersonalOrganisationAndRepeatingItOnlyUpdatesTheProfile() {
        VerifiedIdentity ada = person("Ada Lovelace", "Ada@" + freshDomain(), true);

        SignInOutcome first = directory.signIn(ada, "free");

        assertThat(first.newUser()).isTrue();
        assertThat(first.user().id()).isEqualTo(DirectoryStore.userIdOf(issuer(), ada.subject()));
        assertThat(first.user().email()).isEqualTo(ada.email().toLowerCase());
        assertThat(first.memberships()).singleElement().satisfies(m -> {
            assertThat(m.role()).isEqualTo(Role.OWNER);
            assertThat(m.organisationName()).isEqualTo("Ada Lovelace's organisation");
        });
        String personal = first.memberships().get(0).organisation();
        assertThat(directory.organisation(personal)).get().extracting(Organisation::plan).isEqualTo("free");

        VerifiedIdentity renamed = new VerifiedIdentity("dev", ada.issuer(), ada.subject(), ada.email(), true, "Ada King", null, null);
        SignInOutcome second = directory.signIn(renamed, "free");

        assertThat(second.newUser()).isFalse();
        assertThat(second.user().id()).isEqualTo(first.user().id());
        assertThat(second.user().created()).isEqualTo(first.user().created());
        assertThat(second.user().name()).isEqualTo("Ada King");
        assertThat(second.memberships()).extracting(Membership::organisation).containsExactly(personal);
        assertThat(directory.membershipsOf(first.user().id())).singleElement()
                .satisfies(m -> assertThat(m.name()).as("member listings show the new name").isEqualTo("Ada King"));
        assertThat(directory.members(personal)).hasSize(1);
    }

    @Test
    void twoFirstSignInsAtTheSameMomentMakeOnePersonalOrganisation() throws Exception {
        VerifiedIdentity grace = person("Grace", "grace@" + freshDomain(), true);

        List<SignInOutcome> outcomes = concurrently(4, () -> directory.signIn(grace, "free"));

        assertThat(outcomes).extracting(o -> o.memberships().get(0).organisation()).containsOnly(outcomes.get(0).memberships().get(0).organisation());
        assertThat(outcomes).filteredOn(SignInOutcome::newUser).hasSize(1);
        assertThat(directory.membershipsOf(outcomes.get(0).user().id())).hasSize(1);
    }

    @Test
    void aVerifiedAddressAcceptsItsInvitationsAndAnUnverifiedOneNever() {
        Person owner = signedUp("Owner");
        Organisation team = directory.createOrganisation("Team", owner.user(), "free");
        String domain = freshDomain();
        directory.invite(team.id(), "Linus@" + domain, Role.ADMIN, owner.id(), Duration.ofDays(7));

        SignInOutcome impostor = directory.signIn(person("Not Linus", "linus@" + domain, false), "free");

        assertThat(impostor.memberships()).extracting(Membership::organisation).doesNotContain(team.id());
        assertThat(directory.invitations(team.id())).extracting(Invitation::email).containsExactly("linus@" + domain);

        SignInOutcome linus = directory.signIn(person("Linus", "LINUS@" + domain, true), "free");

        assertThat(linus.memberships()).singleElement().satisfies(m -> {
            assertThat(m.organisation()).isEqualTo(team.id());
            assertThat(m.organisationName()).isEqualTo("Team");
            assertThat(m.role()).isEqualTo(Role.ADMIN);
        });
        assertThat(directory.invitations(team.id())).isEmpty();
        assertThat(directory.membership(team.id(), linus.user().id())).get().extracting(Membership::role).isEqualTo(Role.ADMIN);
    }

    @Test
    void anExpiredInvitationIsNotAccepted() {
        Person owner = signedUp("Owner");
        Organisation team = directory.createOrganisation("Team", owner.user(), "free");
        String email = "late@" + freshDomain();
        directory.invite(team.id(), email, Role.MEMBER, owner.id(), Duration.ofMinutes(1));
        VerifiedIdentity late = person("Late", email, true);

        clock.advance(Duration.ofMinutes(2));
        SignInOutcome outcome = directory.signIn(late, "free");

        assertThat(outcome.memberships()).extracting(Membership::organisation).doesNotContain(team.id());
        assertThat(directory.invitations(team.id())).hasSize(1);
    }

    @Test
    void revokedInvitationsAreGoneAndRevokingAnUnknownOneIsA404() {
        Person owner = signedUp("Owner");
        Organisation team = directory.createOrganisation("Team", owner.user(), "free");
        String email = "someone@" + freshDomain();
        directory.invite(team.id(), email, Role.MEMBER, owner.id(), Duration.ofDays(1));

        directory.revokeInvitation(team.id(), email.toUpperCase());

        assertThat(directory.invitations(team.id())).isEmpty();
        assertThat(directory.signIn(person("Someone", email, true), "free").memberships())
                .extracting(Membership::organisation).doesNotContain(team.id());
        assertThatThrownBy(() -> directory.revokeInvitation(team.id(), email))
                .isInstanceOfSatisfying(RefusalException.class, e -> assertThat(ErrorResponses.statusOf(e)).isEqualTo(404));
    }

    @Test
    void aClaimedDomainBringsVerifiedPeopleInOnTheirFirstSignInAndOnlyOneOrganisationCanClaimIt() {
        Person owner = signedUp("Owner");
        Organisation acme = directory.createOrganisation("Acme", owner.user(), "free");
        String domain = freshDomain();
        directory.claimDomain(acme.id(), domain.toUpperCase(), Role.MEMBER);

        SignInOutcome bob = directory.signIn(person("Bob", "bob@" + domain, true), "free");
        SignInOutcome eve = directory.signIn(person("Eve", "eve@" + domain, false), "free");

        assertThat(bob.memberships()).singleElement().satisfies(m -> {
            assertThat(m.organisation()).isEqualTo(acme.id());
            assertThat(m.role()).isEqualTo(Role.MEMBER);
        });
        assertThat(eve.memberships()).extracting(Membership::organisation).doesNotContain(acme.id());
        assertThat(directory.domains(acme.id())).containsExactly(domain);

        Organisation rival = directory.createOrganisation("Rival", owner.user(), "free");
        assertThatThrownBy(() -> directory.claimDomain(rival.id(), domain, Role.ADMIN))
                .isInstanceOfSatisfying(RefusalException.class, e -> {
                    assertThat(ErrorResponses.statusOf(e)).isEqualTo(409);
                    assertThat(e.getMessage()).contains(domain).contains("already claimed");
                });

        directory.releaseDomain(acme.id(), domain);
        directory.claimDomain(rival.id(), domain, Role.VIEWER);
        assertThat(directory.domains(acme.id())).isEmpty();
        assertThat(directory.domains(rival.id())).containsExactly(domain);
    }

    @Test
    void publicMailboxDomainsAndOwnerByDomainAreRefused() {
        Person owner = signedUp("Owner");
        Organisation acme = directory.createOrganisation("Acme", owner.user(), "free");

        assertThatThrownBy(() -> directory.claimDomain(acme.id(), "gmail.com", Role.MEMBER))
                .isInstanceOfSatisfying(RefusalException.class, e -> assertThat(ErrorResponses.statusOf(e)).isEqualTo(400))
                .hasMessageContaining("public mailbox");
        assertThatThrownBy(() -> directory.claimDomain(acme.id(), freshDomain(), Role.OWNER))
                .isInstanceOfSatisfying(RefusalException.class, e -> assertThat(ErrorResponses.statusOf(e)).isEqualTo(400));
    }

    @Test
    void theLastOwnerCanNeitherBeDemotedNorRemoved() {
        Person owner = signedUp("Solo");
        Organisation org = directory.createOrganisation("Solo Ltd", owner.user(), "free");

        assertThatThrownBy(() -> directory.changeRole(org.id(), owner.id(), Role.ADMIN))
                .isInstanceOfSatisfying(RefusalException.class, e -> assertThat(ErrorResponses.statusOf(e)).isEqualTo(403))
                .hasMessageContaining("Solo is the last owner of Solo Ltd");
        assertThatThrownBy(() -> directory.removeMember(org.id(), owner.id()))
                .isInstanceOfSatisfying(RefusalException.class, e -> assertThat(ErrorResponses.statusOf(e)).isEqualTo(403));
        assertThat(directory.membership(org.id(), owner.id())).get().extracting(Membership::role).isEqualTo(Role.OWNER);

        Person second = signedUp("Second");
        directory.invite(org.id(), second.email(), Role.VIEWER, owner.id(), Duration.ofDays(1));
        assertThatThrownBy(() -> directory.removeMember(org.id(), second.id()))
                .as("not a member yet").isInstanceOfSatisfying(RefusalException.class, e -> assertThat(ErrorResponses.statusOf(e)).isEqualTo(404));
    }

    @Test
    void anOwnerCanStepDownOnceAnotherOwnerExists() {
        Person first = signedUp("First");
        Person second = signedUp("Second");
        Organisation org = directory.createOrganisation("Pair", first.user(), "free");
        directory.invite(org.id(), second.email(), Role.MEMBER, first.id(), Duration.ofDays(1));
        directory.signIn(second.identity(), "free");

        directory.changeRole(org.id(), second.id(), Role.OWNER);
        Membership demoted = directory.changeRole(org.id(), first.id(), Role.VIEWER);
        directory.removeMember(org.id(), first.id());

        assertThat(demoted.role()).isEqualTo(Role.VIEWER);
        assertThat(directory.members(org.id())).extracting(Membership::user, Membership::role)
                .containsExactly(tuple(second.id(), Role.OWNER));
        assertThatThrownBy(() -> directory.changeRole(org.id(), second.id(), Role.MEMBER))
                .isInstanceOfSatisfying(RefusalException.class, e -> assertThat(ErrorResponses.statusOf(e)).isEqualTo(403));
    }

    @RepeatedTest(5)
    void twoOwnersDemotingEachOtherAtTheSameMomentLeaveExactlyOneOwner() throws Exception {
        Person a = signedUp("A");
        Person b = signedUp("B");
        Organisation org = directory.createOrganisation("Duel", a.user(), "free");
        directory.invite(org.id(), b.email(), Role.OWNER, a.id(), Duration.ofDays(1));
        directory.signIn(b.identity(), "free");
        assertThat(directory.members(org.id())).extracting(Membership::role).containsExactly(Role.OWNER, Role.OWNER);

        List<String> outcomes = concurrently(2, new Callable<>() {
            private final java.util.concurrent.atomic.AtomicInteger turn = new java.util.concurrent.atomic.AtomicInteger();

            @Override
            public String call() {
                // Thread 0: A demotes B; thread 1: B demotes A.
                String target = turn.getAndIncrement() == 0 ? b.id() : a.id();
                try {
                    directory.changeRole(org.id(), target, Role.MEMBER);
                    return "demoted";
                } catch (RefusalException refused) {
                    assertThat(ErrorResponses.statusOf(refused)).isEqualTo(403);
                    return "refused";
                }
            }
        });

        assertThat(outcomes).containsExactlyInAnyOrder("demoted", "refused");
        assertThat(directory.members(org.id())).extracting(Membership::role).containsExactlyInAnyOrder(Role.OWNER, Role.MEMBER);
    }

    @Test
    void aDeviceKeyBelongsToOneUserOnly() {
        String device = "client-" + UUID.randomUUID().toString().replace("-", "");
        Person alice = signedUp("Alice");
        Person mallory = signedUp("Mallory");

        assertThat(directory.registerDevice(device, alice.id())).isTrue();
        assertThat(directory.registerDevice(device, alice.id())).as("registering again is fine").isTrue();
        assertThat(directory.registerDevice(device, mallory.id())).isFalse();
        assertThat(directory.deviceOwner(device)).contains(alice.id());
        assertThat(directory.deviceOwner("client-unknown")).isEmpty();
    }

    @Test
    void aNonceIsAcceptedOnceAndAReplayIsRefused() {
        String nonce = UUID.randomUUID().toString();
        Instant expires = clock.instant().plus(Duration.ofMinutes(10));

        assertThat(directory.useNonce(nonce, expires)).isTrue();
        assertThat(directory.useNonce(nonce, expires)).isFalse();
        assertThat(directory.useNonce(UUID.randomUUID().toString(), expires)).isTrue();
    }

    static <T> List<T> concurrently(int threads, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
