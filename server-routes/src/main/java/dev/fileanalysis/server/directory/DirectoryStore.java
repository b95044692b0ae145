package dev.fileanalysis.server.directory;

import dev.fileanalysis.server.CallerDirectory;
import static dev.fileanalysis.server.directory.DirectoryTable.bool;
import static dev.fileanalysis.server.directory.DirectoryTable.item;
import static dev.fileanalysis.server.directory.DirectoryTable.n;
import static dev.fileanalysis.server.directory.DirectoryTable.s;
import static dev.fileanalysis.server.directory.DirectoryTable.str;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import dev.fileanalysis.server.refusal.InvalidRequestException;
import dev.fileanalysis.server.refusal.NotFoundException;
import dev.fileanalysis.server.refusal.NotPermittedException;
import dev.fileanalysis.server.refusal.NotSignedInException;

/**
 * Who is who: users, organisations and their members, invitations, claimed e-mail domains, device
 * keys, sign-in sessions, used ID-token nonces and each organisation's monthly usage, in one
 * DynamoDB table ({@code server.directory-table}, defined in {@code localstack/tables.json}).
 *
 * <p>Items ({@code pk} / {@code sk}; {@code lookup} is the hash key of the {@code lookup-index},
 * whose range key is {@code pk}):
 * <pre>
 * USER#&lt;userId&gt;     PROFILE            email, email_verified, name, issuer, subject, provider, created,
 *                                        last_sign_in, personal_org
 * ORG#&lt;orgId&gt;       PROFILE            id, name, plan, created, owners (a lower bound of the owners, see OrganisationMembers)
 * ORG#&lt;orgId&gt;       MEMBER#&lt;userId&gt;    role, user, email, name, organisation, organisation_name, joined; lookup member#&lt;userId&gt;
 * ORG#&lt;orgId&gt;       INVITE#&lt;email&gt;     role, invited_by, expires, expires_ms, created; lookup invite#&lt;email&gt;
 * ORG#&lt;orgId&gt;       DOMAIN#&lt;domain&gt;    domain, role (the organisation's list of its claims)
 * ORG#&lt;orgId&gt;       USAGE#&lt;yyyy-MM&gt;    bytes, jobs (UTC month)
 * DOMAIN#&lt;domain&gt;   CLAIM              organisation, role, claimed
 * DEVICE#&lt;clientId&gt; DEVICE             user, registered
 * SESSION#&lt;id&gt;      SESSION            user, organisation, refresh_hash, previous_hashes, revoked, expires(_ms), created, ttl
 * NONCE#&lt;nonce&gt;     NONCE              expires, expires_ms, ttl
 * </pre>
 * E-mail addresses and domains are stored in lower case. Every change is one conditional write of
 * one item, since the emulator has no transactions; where a change spans items, the order of the
 * writes is chosen so that a crash between them leaves nothing unsafe (and each class says how).
 * Nothing depends on TTL: expiry is checked on read; {@code ttl} only lets AWS clear old items.
 */
public final class DirectoryStore implements CallerDirectory {

    /** A session as issued: the refresh token is {@code <sessionId>.<secret>} and is shown only here. */
    public record IssuedSession(String sessionId, String userId, String organisation, String refreshToken) {
    }

    /** This UTC month's usage of an organisation, and when the next month starts. */
    public record Usage(long bytes, long jobs, Instant resets) {
    }

    private static final String PROFILE = "PROFILE";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@-]{1,200}");

    private final DirectoryTable table;
    private final Clock clock;
    private final OrganisationMembers members;
    private final Invitations invitations;
    private final DomainClaims domains;
    private final RefreshSessions sessions;
    private final PlanUsage usage;
    /**
     * Device key → its user, as read once. A device is never given to another user nor removed
     * (registerDevice's condition), so what was read stays true; only found owners are kept, a
     * device not registered yet is read again. Asked on every job registration and results list.
     */
    private final com.github.benmanes.caffeine.cache.Cache<String, String> deviceOwners =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(10_000).build();

    public DirectoryStore(DynamoDbClient dynamo, String table, Clock clock) {
        this.table = new DirectoryTable(dynamo, table);
        this.clock = clock;
        this.members = new OrganisationMembers(this.table, clock);
        this.invitations = new Invitations(this.table, clock);
        this.domains = new DomainClaims(this.table, clock);
        this.sessions = new RefreshSessions(this.table, clock);
        this.usage = new PlanUsage(this.table, clock);
    }

    /** A user's id follows from who vouches for them, so a sign-in finds the user without a look-up. */
    public static String userIdOf(String issuer, String subject) {
        return "user-" + UUID.nameUUIDFromBytes((issuer + "\n" + subject).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The sign-in: creates or updates the user (first sign-in = sign-up), then, only if the e-mail
     * is verified, accepts every unexpired invitation for that e-mail (becoming a member with the
     * invited role, invitation deleted) and joins the organisation that claimed the e-mail's domain
     * (with the claim's role) if not already a member. Someone who ends up in no organisation at all
     * gets a personal organisation "&lt;name or email&gt;'s organisation" with them as owner, on
     * {@code defaultPlan}. A repeated sign-in changes nothing but profile fields.
     *
     * <p>An unverified address matches nothing: anyone can type any address into some providers,
     * and an invitation or a domain must not be taken by whoever does.
     */
    public SignInOutcome signIn(VerifiedIdentity identity, String defaultPlan) {
        if (identity.issuer() == null || identity.subject() == null || identity.subject().isBlank()) {
            throw new NotSignedInException("The identity has no issuer or subject, so it names nobody.");
        }
        String userId = userIdOf(identity.issuer(), identity.subject());
        String email = identity.email() == null || identity.email().isBlank() ? null : identity.email().trim().toLowerCase(java.util.Locale.ROOT);
        Map<String, AttributeValue> before = saveProfile(userId, identity, email);
        User user = user(userId).orElseThrow();

        // Keyed by organisation; what this sign-in adds is merged in as written, because the
        // index behind membershipsOf may not show a write of a moment ago.
        Map<String, Membership> memberships = new LinkedHashMap<>();
        members.membershipsOf(userId).forEach(m -> memberships.put(m.organisation(), m));
        if (user.emailVerified() && email != null) {
            for (Invitation invitation : invitations.openFor(email)) {
                members.addIfAbsent(invitation.organisation(), user, invitation.role())
                        .ifPresent(m -> memberships.put(m.organisation(), m));
                invitations.delete(invitation.organisation(), invitation.email());
            }
            domains.claimFor(email).filter(claim -> !memberships.containsKey(claim.organisation()))
                    .flatMap(claim -> members.addIfAbsent(claim.organisation(), user, claim.role()))
                    .ifPresent(m -> memberships.put(m.organisation(), m));
        }
        memberships.replaceAll((org, m) -> members.refreshProfile(m, user));
        if (memberships.isEmpty()) {
            Membership personal = personalOrganisation(user, str(before, "personal_org"), defaultPlan);
            memberships.put(personal.organisation(), personal);
        }
        return new SignInOutcome(user, memberships.values().stream()
                .sorted(Comparator.comparing(Membership::organisationName).thenComparing(Membership::organisation)).toList(),
                before.isEmpty());
    }

    /** Writes the profile fields of this sign-in; the item as it was before (empty for a new user). */
    private Map<String, AttributeValue> saveProfile(String userId, VerifiedIdentity identity, String email) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":id", s(userId), ":verified", DirectoryTable.bool(identity.emailVerified() && email != null),
                ":issuer", s(identity.issuer()), ":subject", s(identity.subject()), ":now", s(clock.instant().toString())));
        StringBuilder set = new StringBuilder("#id = :id, #email_verified = :verified, #issuer = :issuer, #subject = :subject, "
                + "#last_sign_in = :now, #created = if_not_exists(#created, :now)");
        StringBuilder remove = new StringBuilder();
        optional(set, remove, values, "email", email);
        optional(set, remove, values, "name", identity.name() == null || identity.name().isBlank() ? null : identity.name().trim());
        optional(set, remove, values, "provider", identity.provider());
        String update = "SET " + set + (remove.length() > 0 ? " REMOVE " + remove : "");
        return table.update(userKey(userId), PROFILE, update, null, values, ReturnValue.ALL_OLD).orElseThrow();
    }

    private static void optional(StringBuilder set, StringBuilder remove, Map<String, AttributeValue> values, String name, String value) {
        if (value == null) {
            remove.append(remove.length() > 0 ? ", " : "").append('#').append(name);
        } else {
            set.append(", #").append(name).append(" = :").append(name);
            values.put(":" + name, s(value));
        }
    }

    /**
     * The personal organisation of someone in none. Its id is first recorded on the user
     * (conditional on the id seen before), so that two sign-ins at the same moment agree on one
     * organisation instead of making two; both then make sure it exists, which is safe to repeat.
     */
    private Membership personalOrganisation(User user, String seen, String defaultPlan) {
        String candidate = "org-" + UUID.randomUUID();
        boolean claimed = table.update(userKey(user.id()), PROFILE, "SET #personal_org = :candidate",
                seen == null ? "attribute_not_exists(#personal_org)" : "#personal_org = :seen",
                seen == null ? Map.of(":candidate", s(candidate)) : Map.of(":candidate", s(candidate), ":seen", s(seen)));
        String orgId = claimed ? candidate
                : table.get(userKey(user.id()), PROFILE).map(item -> str(item, "personal_org")).orElse(candidate);
        return members.ensureOrganisation(orgId, user.displayName() + "'s organisation", user, defaultPlan);
    }

    public Optional<User> user(String userId) {
        return table.get(userKey(requireId("user id", userId)), PROFILE).map(item -> new User(str(item, "id"), str(item, "email"),
                bool(item, "email_verified"), str(item, "name"), str(item, "created")));
    }

    /** A new organisation with {@code owner} as its only member and owner; its id is "org-" + a random UUID. */
    public Organisation createOrganisation(String name, User owner, String plan) {
        String trimmed = name == null ? "" : name.trim();
        if (trimmed.isEmpty() || trimmed.length() > 200) {
            throw new InvalidRequestException("An organisation needs a name of 1 to 200 characters, got '" + name + "'.");
        }
        if (plan == null || plan.isBlank()) {
            throw new InvalidRequestException("An organisation needs a plan.");
        }
        String orgId = "org-" + UUID.randomUUID();
        members.ensureOrganisation(orgId, trimmed, owner, plan);
        return members.organisation(orgId).orElseThrow();
    }

    public Optional<Organisation> organisation(String orgId) {
        return members.organisation(requireId("organisation id", orgId));
    }

    public List<Membership> membershipsOf(String userId) {
        return members.membershipsOf(requireId("user id", userId));
    }

    @Override
    public Optional<Membership> membership(String orgId, String userId) {
        return members.membership(requireId("organisation id", orgId), requireId("user id", userId));
    }

    /** Owners first, then admins, members and viewers, each by name. */
    public List<Membership> members(String orgId) {
        return members.members(requireId("organisation id", orgId));
    }

    /**
     * Refuses (403, with a sentence) demoting the last owner, also when two owners demote each
     * other at the same moment: at most one of them succeeds. 404 when not a member.
     */
    public Membership changeRole(String orgId, String userId, Role role) {
        return members.changeRole(requireId("organisation id", orgId), requireId("user id", userId), role);
    }

    /** Same last-owner rule as {@link #changeRole}; 404 when not a member. */
    public void removeMember(String orgId, String userId) {
        members.removeMember(requireId("organisation id", orgId), requireId("user id", userId));
    }

    /** Invites an address (again: replaces an earlier invitation's role and expiry); 404 for an unknown organisation. */
    public Invitation invite(String orgId, String email, Role role, String invitedBy, Duration validFor) {
        members.requireOrganisation(requireId("organisation id", orgId));
        return invitations.invite(orgId, email, role, invitedBy, validFor);
    }

    /** Every invitation not yet accepted, expired ones included (their {@code expires} says so), by address. */
    public List<Invitation> invitations(String orgId) {
        return invitations.of(requireId("organisation id", orgId));
    }

    /** 404 when there is no such invitation. */
    public void revokeInvitation(String orgId, String email) {
        if (!invitations.delete(requireId("organisation id", orgId), Invitations.normalisedEmail(email))) {
            throw new NotFoundException("There is no invitation of " + email + " to organisation " + orgId + ".");
        }
    }

    /**
     * People with a verified address at {@code domain} join the organisation as {@code joinAs} on
     * their next sign-in. 409 when another organisation already claimed the domain; 400 for public
     * mailbox providers and for owner. Proving control of the domain is the caller's job.
     */
    public void claimDomain(String orgId, String domain, Role joinAs) {
        members.requireOrganisation(requireId("organisation id", orgId));
        domains.claim(orgId, domain, joinAs);
    }

    /** 404 when the organisation has not claimed the domain. */
    public void releaseDomain(String orgId, String domain) {
        domains.release(requireId("organisation id", orgId), domain);
    }

    public List<String> domains(String orgId) {
        return domains.of(requireId("organisation id", orgId));
    }

    /** True when the device is now (or already was) this user's; false when it belongs to another user. */
    public boolean registerDevice(String clientId, String userId) {
        requireId("user id", userId);
        return table.update(deviceKey(clientId), "DEVICE", "SET #user = :user, #registered = if_not_exists(#registered, :now)",
                "attribute_not_exists(#pk) OR #user = :user", Map.of(":user", s(userId), ":now", s(clock.instant().toString())));
    }

    public Optional<String> deviceOwner(String clientId) {
        String known = deviceOwners.getIfPresent(clientId);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<String> owner = table.get(deviceKey(clientId), "DEVICE").map(item -> str(item, "user"));
        owner.ifPresent(user -> deviceOwners.put(clientId, user));
        return owner;
    }

    /**
     * Records a nonce of an ID token; false when it was seen before and has not expired (a replayed
     * token). An expired nonce may be recorded again: its token's own expiry already refuses it.
     */
    public boolean useNonce(String nonce, Instant expires) {
        if (nonce == null || nonce.isBlank() || nonce.length() > 512) {
            throw new NotSignedInException("The sign-in carries no usable nonce.");
        }
        Map<String, AttributeValue> item = item("NONCE#" + nonce, "NONCE", null);
        item.put("expires", s(expires.toString()));
        item.put("expires_ms", n(expires.toEpochMilli()));
        item.put("ttl", n(expires.plus(Duration.ofDays(1)).getEpochSecond()));
        return table.put(item, "attribute_not_exists(#pk) OR #expires_ms <= :now", Map.of(":now", n(clock.millis())));
    }

    /** A new session of a user in an organisation; it ends after {@code refreshLifetime} without a refresh. */
    public IssuedSession createSession(String userId, String orgId, Duration refreshLifetime) {
        return sessions.create(requireId("user id", userId), requireId("organisation id", orgId), refreshLifetime);
    }

    /**
     * A new refresh token for the session of {@code refreshToken}, which stops working; optionally
     * in another organisation, which the session's user must be a member of (403 otherwise). 401 for unknown, revoked, expired or
     * reused tokens; a reused one also ends the session.
     */
    public IssuedSession rotate(String refreshToken, String switchToOrganisation, Duration refreshLifetime) {
        return rotate(refreshToken, switchToOrganisation, refreshLifetime, null);
    }

    /**
     * The same, with the next refresh token chosen by the client ({@code null}: by the server). A
     * client that stores its choice before asking can ask again after a crash and get the same
     * answer, instead of presenting a token the server already replaced (which would end the session).
     */
    public IssuedSession rotate(String refreshToken, String switchToOrganisation, Duration refreshLifetime, String proposedNext) {
        if (switchToOrganisation != null) {
            // Checked before the rotation, so a refused switch leaves the presented token working.
            Optional<String> user = sessions.currentUser(refreshToken);
            if (user.isEmpty() && proposedNext == null) {
                throw new NotSignedInException("The refresh token is not the current one of a live session; sign in again.");
            }
            // (Without a current user, only the exact repeat of a rotation that already happened,
            // and was checked then, can pass below.)
            if (user.isPresent() && membership(requireId("organisation id", switchToOrganisation), user.get()).isEmpty()) {
                throw new NotPermittedException("You are not a member of organisation " + switchToOrganisation + ".");
            }
        }
        return sessions.rotate(refreshToken, switchToOrganisation == null ? null : requireId("organisation id", switchToOrganisation),
                refreshLifetime, proposedNext);
    }

    /** The session id a refresh token names (whether or not it is valid), e.g. to forget cached state on sign-out. */
    public Optional<String> sessionIdOf(String refreshToken) {
        return RefreshSessions.sessionIdOf(refreshToken);
    }

    /**
     * Deletes up to {@code limit} items whose time is up: used nonces past their memory, sessions
     * expired for a day (kept that long so a late refresh still gets "expired", not "unknown"),
     * and invitations past their expiry. DynamoDB's TTL ({@code ttl}) does the same on AWS; dynalite
     * has none, so the server's sweep does it. Each delete is conditional on the item still being
     * expired, so a nonce reused or a session refreshed meanwhile is kept.
     *
     * @return how many items were deleted
     */
    public int deleteExpired(int limit) {
        long now = clock.millis();
        long sessionsBefore = now - Duration.ofDays(1).toMillis();
        int deleted = 0;
        for (Map<String, AttributeValue> found : table.scanWhere("#expires_ms < :now", Map.of(":now", n(now)), limit)) {
            String sk = str(found, "sk");
            long cutoff = "SESSION".equals(sk) ? sessionsBefore : now;
            boolean expiring = "NONCE".equals(sk) || "SESSION".equals(sk) || (sk != null && sk.startsWith("INVITE#"));
            if (expiring && table.delete(str(found, "pk"), sk, "#expires_ms < :cutoff", Map.of(":cutoff", n(cutoff))).isPresent()) {
                deleted++;
            }
        }
        return deleted;
    }

    /** A domain name in lower case; 400 when it is not one. */
    public static String normalisedDomain(String domain) {
        return DomainClaims.normalisedDomain(domain);
    }

    /** Not revoked and not expired. */
    @Override
    public boolean isLive(String sessionId) {
        return sessionId != null && sessions.isLive(sessionId);
    }

    /** Sign-out: ends the token's session; repeating it, or an unknown token, does nothing. */
    public void revoke(String refreshToken) {
        sessions.revoke(refreshToken);
    }

    public Usage usage(String orgId) {
        return usage.usage(requireId("organisation id", orgId));
    }

    /**
     * Adds to this UTC month's usage only if the totals stay within the plan; otherwise 402
     * ({@link QuotaExceededException}) naming plan, limit, usage and when it resets. Atomic under
     * concurrency: charges at the same moment never pass a limit together.
     */
    public void charge(String orgId, Plan plan, long bytes, int jobs) {
        usage.charge(requireId("organisation id", orgId), plan, bytes, jobs);
    }

    /** Gives back to this month's usage (e.g. an upload that failed), never below zero. */
    public void refund(String orgId, long bytes, int jobs) {
        usage.refund(requireId("organisation id", orgId), bytes, jobs);
    }

    private static String userKey(String userId) {
        return "USER#" + userId;
    }

    private static String deviceKey(String clientId) {
        return "DEVICE#" + requireId("device id", clientId);
    }

    /** Ids become parts of keys: anything but plain id characters (a '#' above all) is refused. */
    private static String requireId(String what, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidRequestException("'" + id + "' is not a valid " + what + ".");
        }
        return id;
    }
}
