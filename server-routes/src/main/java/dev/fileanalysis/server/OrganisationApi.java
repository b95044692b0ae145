package dev.fileanalysis.server;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.fileanalysis.server.auth.Caller;
import dev.fileanalysis.server.directory.DirectoryStore;
import dev.fileanalysis.server.directory.Invitation;
import dev.fileanalysis.server.directory.Membership;
import dev.fileanalysis.server.directory.Organisation;
import dev.fileanalysis.server.directory.Plan;
import dev.fileanalysis.server.directory.Plans;
import dev.fileanalysis.server.directory.Role;
import dev.fileanalysis.server.directory.User;
import dev.fileanalysis.server.JobStore.StoredJob;
import dev.fileanalysis.server.refusal.NotFoundException;
import dev.fileanalysis.server.refusal.NotPermittedException;
import dev.fileanalysis.server.refusal.NotSignedInException;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

/**
 * Organisations and their people: create, read, members and roles, invitations, claimed e-mail
 * domains, the plan and its usage. {@link Authorization} has already checked the caller's role in
 * the path's organisation against the operation's rule; the rules here are the finer ones that
 * depend on the target (only owners touch owners, the last owner stays). Requests arrive checked
 * against openapi.yaml: ids, e-mail addresses, roles and names have the form it gives them.
 */
public final class OrganisationApi {

    private final DirectoryStore directory;
    private final JobStore jobs;
    private final Plans plans;
    private final Authorization authorization;
    private final Duration invitationValidity;

    public OrganisationApi(DirectoryStore directory, JobStore jobs, Plans plans, Authorization authorization,
                           Duration invitationValidity) {
        this.directory = directory;
        this.jobs = jobs;
        this.plans = plans;
        this.authorization = authorization;
        this.invitationValidity = invitationValidity;
    }

    public Map<String, Object> list(@ExchangeProperty(Authorization.CALLER) Caller caller) {
        return Map.of("organisations", directory.membershipsOf(caller.subject()).stream().map(SignInApi::organisation).toList());
    }

    public Map<String, Object> create(@ExchangeProperty(Authorization.CALLER) Caller caller, Map<String, Object> body) {
        String name = Json.text(body, "name").strip();
        User owner = directory.user(caller.subject()).orElseThrow(() -> new NotSignedInException("This user no longer exists."));
        return describe(directory.createOrganisation(name, owner, plans.defaultPlan()));
    }

    public Map<String, Object> get(@ExchangeProperty(Authorization.CALLER) Caller caller) {
        return describe(organisation(caller));
    }

    /** Newest jobs first; a member sees their own only. */
    public Map<String, Object> jobs(@ExchangeProperty(Authorization.CALLER) Caller caller) {
        List<Map<String, Object>> list = jobs.ofOrganisation(caller.organisation(), 100).stream()
                .filter(stored -> caller.seesWholeOrganisation() || caller.subject().equals(stored.owner()))
                .map(OrganisationApi::summary).toList();
        return Map.of("jobs", list);
    }

    public Map<String, Object> plan(@ExchangeProperty(Authorization.CALLER) Caller caller) {
        Organisation organisation = organisation(caller);
        Plan plan = plans.planOf(organisation);
        DirectoryStore.Usage usage = directory.usage(organisation.id());
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("bytes-per-month", plan.bytesPerMonth());
        limits.put("jobs-per-month", plan.jobsPerMonth());
        limits.put("largest-file-bytes", plan.largestFileBytes());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("organisation", organisation.id());
        answer.put("plan", plan.name());
        answer.put("limits", limits);
        answer.put("usage", Map.of("bytes", usage.bytes(), "jobs", usage.jobs()));
        answer.put("resets", usage.resets().toString());
        return answer;
    }

    public Map<String, Object> members(@ExchangeProperty(Authorization.CALLER) Caller caller) {
        return Map.of("members", directory.members(caller.organisation()).stream().map(OrganisationApi::member).toList());
    }

    public Map<String, Object> changeRole(@ExchangeProperty(Authorization.CALLER) Caller caller,
                                          @Header("user") String user, Map<String, Object> body) {
        Role role = Role.parse(Json.text(body, "role"));
        Membership target = directory.membership(caller.organisation(), user).orElseThrow(() -> new NotFoundException(
                "User " + user + " is not a member of organisation " + caller.organisation() + "."));
        if ((role == Role.OWNER || target.role() == Role.OWNER) && caller.role() != Role.OWNER) {
            throw new NotPermittedException("Only owners grant or take away the owner role.");
        }
        Membership changed = directory.changeRole(caller.organisation(), user, role);
        authorization.forgetMembership(caller.organisation(), user);
        return member(changed);
    }

    public Map<String, Object> removeMember(@ExchangeProperty(Authorization.CALLER) Caller caller, @Header("user") String user) {
        Membership target = directory.membership(caller.organisation(), user).orElseThrow(() -> new NotFoundException(
                "User " + user + " is not a member of organisation " + caller.organisation() + "."));
        if (target.role() == Role.OWNER && caller.role() != Role.OWNER) {
            throw new NotPermittedException("Only owners remove owners.");
        }
        directory.removeMember(caller.organisation(), user);
        authorization.forgetMembership(caller.organisation(), user);
        return Map.of("removed", user);
    }

    public Invitation invite(@ExchangeProperty(Authorization.CALLER) Caller caller, Map<String, Object> body) {
        String email = normalisedEmail(Json.text(body, "email"));
        Role role = Role.parse(Json.text(body, "role"));
        if (role == Role.OWNER && caller.role() != Role.OWNER) {
            throw new NotPermittedException("Only owners invite owners.");
        }
        return directory.invite(caller.organisation(), email, role, caller.subject(), invitationValidity);
    }

    public Map<String, Object> invitations(@ExchangeProperty(Authorization.CALLER) Caller caller) {
        return Map.of("invitations", directory.invitations(caller.organisation()));
    }

    public Map<String, Object> revokeInvitation(@ExchangeProperty(Authorization.CALLER) Caller caller, @Header("email") String email) {
        String normalised = normalisedEmail(email);
        directory.revokeInvitation(caller.organisation(), normalised);
        return Map.of("withdrawn", normalised);
    }

    /**
     * Claiming a domain lets everyone with a verified e-mail there join, so it is guarded: the
     * owner's own verified e-mail must be in it, and the directory refuses public mailbox domains
     * (nobody owns gmail.com's people). A DNS proof of ownership would be stronger; see the server README.
     */
    public Map<String, Object> claimDomain(@ExchangeProperty(Authorization.CALLER) Caller caller,
                                           @Header("domain") String domainText, Map<String, Object> body) {
        String domain = domain(domainText);
        String role = Json.text(body, "role");
        Role joinAs = role == null ? Role.MEMBER : Role.parse(role);
        User owner = directory.user(caller.subject()).orElseThrow(() -> new NotSignedInException("This user no longer exists."));
        if (!owner.emailVerified() || owner.email() == null
                || !owner.email().toLowerCase(Locale.ROOT).endsWith("@" + domain)) {
            throw new NotPermittedException("You can claim " + domain + " only when your own verified e-mail is in it.");
        }
        directory.claimDomain(caller.organisation(), domain, joinAs);
        return Map.of("claimed", domain, "role", joinAs.wireName());
    }

    public Map<String, Object> releaseDomain(@ExchangeProperty(Authorization.CALLER) Caller caller, @Header("domain") String domainText) {
        String domain = domain(domainText);
        directory.releaseDomain(caller.organisation(), domain);
        return Map.of("released", domain);
    }

    private Organisation organisation(Caller caller) {
        return directory.organisation(caller.organisation()).orElseThrow(() -> new NotFoundException(
                "Organisation " + caller.organisation() + " not found."));
    }

    private Map<String, Object> describe(Organisation organisation) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", organisation.id());
        map.put("name", organisation.name());
        map.put("plan", plans.planOf(organisation).name());
        map.put("created", organisation.created());
        map.put("domains", directory.domains(organisation.id()));
        return map;
    }

    private static Map<String, Object> member(Membership membership) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("user", membership.user());
        map.put("email", membership.email());
        map.put("name", membership.name());
        map.put("role", membership.role().wireName());
        return map;
    }

    private static Map<String, Object> summary(StoredJob stored) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", stored.job().id());
        map.put("owner", stored.owner());
        map.put("created", stored.job().created());
        map.put("status", stored.job().status());
        map.put("chunks", stored.job().chunks());
        map.put("totalChunks", stored.job().totalChunks());
        map.put("analysed", stored.job().analysed());
        map.put("error", stored.job().error());
        // Like a job itself: a field the job does not have yet is left out, not sent as null.
        map.values().removeIf(java.util.Objects::isNull);
        return map;
    }

    /** Addresses are compared in lower case: Vera@Example.test and vera@example.test are one person. */
    private static String normalisedEmail(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    private static String domain(String text) {
        return DirectoryStore.normalisedDomain(text);
    }
}
