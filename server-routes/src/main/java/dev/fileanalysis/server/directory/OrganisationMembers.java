package dev.fileanalysis.server.directory;

import static dev.fileanalysis.server.directory.DirectoryTable.item;
import static dev.fileanalysis.server.directory.DirectoryTable.n;
import static dev.fileanalysis.server.directory.DirectoryTable.num;
import static dev.fileanalysis.server.directory.DirectoryTable.s;
import static dev.fileanalysis.server.directory.DirectoryTable.str;

import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import dev.fileanalysis.server.refusal.ConflictException;
import dev.fileanalysis.server.refusal.NotFoundException;
import dev.fileanalysis.server.refusal.NotPermittedException;

/**
 * Organisations and their members, with the rule that an organisation always keeps an owner.
 *
 * <p>Without transactions the rule rests on the profile's {@code owners} count, which is kept a
 * lower bound of the real number of owners: an owner is counted only after their member item says
 * owner, and uncounted (by a decrement conditional on {@code owners > 1}) before it stops saying so.
 * Two owners demoting each other at once both decrement the same counter, and the condition lets
 * only one of them through. A crash between the two writes leaves the count too low, which can
 * refuse a demotion that would have been safe, never allow one that is not.
 */
final class OrganisationMembers {

    static final String PROFILE = "PROFILE";
    private static final String MEMBER = "MEMBER#";
    private static final int ATTEMPTS = 10;

    private final DirectoryTable table;
    private final Clock clock;

    OrganisationMembers(DirectoryTable table, Clock clock) {
        this.table = table;
        this.clock = clock;
    }

    static String orgKey(String orgId) {
        return "ORG#" + orgId;
    }

    /** Creates the organisation if it does not exist yet and makes {@code owner} its owner; safe to repeat. */
    Membership ensureOrganisation(String orgId, String name, User owner, String plan) {
        Map<String, AttributeValue> profile = item(orgKey(orgId), PROFILE, null);
        profile.put("id", s(orgId));
        profile.put("name", s(name));
        profile.put("plan", s(plan));
        profile.put("created", s(clock.instant().toString()));
        // Zero, because adding the owner below counts them (see the class comment).
        profile.put("owners", n(0));
        table.put(profile, "attribute_not_exists(#pk)", Map.of());
        return addIfAbsent(orgId, owner, Role.OWNER)
                .orElseThrow(() -> new IllegalStateException("Organisation " + orgId + " vanished while it was being created"));
    }

    Optional<Organisation> organisation(String orgId) {
        return table.get(orgKey(orgId), PROFILE)
                .map(item -> new Organisation(str(item, "id"), str(item, "name"), str(item, "plan"), str(item, "created")));
    }

    Organisation requireOrganisation(String orgId) {
        return organisation(orgId).orElseThrow(() -> new NotFoundException("There is no organisation " + orgId + "."));
    }

    /**
     * Makes the user a member with {@code role} unless they already are one (an existing role is
     * kept: joining never changes it). The membership as it stands afterwards; empty when the
     * organisation does not exist.
     */
    Optional<Membership> addIfAbsent(String orgId, User user, Role role) {
        Optional<Organisation> org = organisation(orgId);
        if (org.isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> member = item(orgKey(orgId), MEMBER + user.id(), "member#" + user.id());
        member.put("organisation", s(orgId));
        member.put("organisation_name", s(org.get().name()));
        member.put("user", s(user.id()));
        if (user.email() != null) {
            member.put("email", s(user.email()));
        }
        if (user.name() != null) {
            member.put("name", s(user.name()));
        }
        member.put("role", s(role.wireName()));
        member.put("joined", s(clock.instant().toString()));
        if (!table.put(member, "attribute_not_exists(#pk)", Map.of())) {
            return membership(orgId, user.id());
        }
        if (role == Role.OWNER) {
            countOwners(orgId, 1);
        }
        return Optional.of(toMembership(member));
    }

    Optional<Membership> membership(String orgId, String userId) {
        return table.get(orgKey(orgId), MEMBER + userId).map(OrganisationMembers::toMembership);
    }

    List<Membership> members(String orgId) {
        return table.itemsOf(orgKey(orgId), MEMBER).stream().map(OrganisationMembers::toMembership)
                .sorted(Comparator.comparing(Membership::role).reversed().thenComparing(Membership::displayName))
                .toList();
    }

    List<Membership> membershipsOf(String userId) {
        return table.lookup("member#" + userId).stream().map(OrganisationMembers::toMembership)
                .sorted(Comparator.comparing(Membership::organisationName).thenComparing(Membership::organisation))
                .toList();
    }

    /** Copies changed profile fields of the user into one membership (names in listings stay current). */
    Membership refreshProfile(Membership membership, User user) {
        if (same(membership.email(), user.email()) && same(membership.name(), user.name())) {
            return membership;
        }
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder set = new StringBuilder();
        StringBuilder remove = new StringBuilder();
        field(set, remove, values, "email", user.email());
        field(set, remove, values, "name", user.name());
        String update = (set.length() > 0 ? "SET " + set : "") + (remove.length() > 0 ? " REMOVE " + remove : "");
        table.update(orgKey(membership.organisation()), MEMBER + user.id(), update.trim(), "attribute_exists(#pk)", values);
        return new Membership(membership.organisation(), membership.organisationName(), membership.user(), user.email(),
                user.name(), membership.role());
    }

    private static void field(StringBuilder set, StringBuilder remove, Map<String, AttributeValue> values, String name, String value) {
        if (value == null) {
            remove.append(remove.length() > 0 ? ", " : "").append('#').append(name);
        } else {
            set.append(set.length() > 0 ? ", " : "").append('#').append(name).append(" = :").append(name);
            values.put(":" + name, s(value));
        }
    }

    Membership changeRole(String orgId, String userId, Role role) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Membership seen = requireMembership(orgId, userId);
            if (seen.role() == role) {
                return seen;
            }
            if (seen.role() == Role.OWNER) {
                uncountOwnerOrRefuse(seen, "change the role of");
                if (setRole(seen, Role.OWNER, role)) {
                    return withRole(seen, role);
                }
                countOwners(orgId, 1);
            } else if (setRole(seen, seen.role(), role)) {
                if (role == Role.OWNER) {
                    countOwners(orgId, 1);
                }
                return withRole(seen, role);
            }
            // The member changed (or left) between the read and the write: look again.
        }
        throw new ConflictException("The membership of " + userId + " in " + orgId + " kept changing; try again.");
    }

    void removeMember(String orgId, String userId) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Membership seen = requireMembership(orgId, userId);
            if (seen.role() == Role.OWNER) {
                uncountOwnerOrRefuse(seen, "remove");
            }
            boolean removed = table.delete(orgKey(orgId), MEMBER + userId, "#role = :seen", Map.of(":seen", s(seen.role().wireName())))
                    .isPresent();
            if (removed) {
                return;
            }
            if (seen.role() == Role.OWNER) {
                countOwners(orgId, 1);
            }
        }
        throw new ConflictException("The membership of " + userId + " in " + orgId + " kept changing; try again.");
    }

    private Membership requireMembership(String orgId, String userId) {
        return membership(orgId, userId).orElseThrow(() -> new NotFoundException(
                "User " + userId + " is not a member of organisation " + orgId + "."));
    }

    private void uncountOwnerOrRefuse(Membership owner, String action) {
        boolean uncounted = table.update(orgKey(owner.organisation()), PROFILE, "ADD #owners :minusOne", "#owners > :one",
                Map.of(":minusOne", n(-1), ":one", n(1)));
        if (!uncounted) {
            throw new NotPermittedException(owner.displayName() + " is the last owner of " + owner.organisationName()
                    + "; make another member an owner first, then " + action + " " + owner.displayName() + ".");
        }
    }

    private boolean setRole(Membership member, Role from, Role to) {
        return table.update(orgKey(member.organisation()), MEMBER + member.user(), "SET #role = :to", "#role = :from",
                Map.of(":to", s(to.wireName()), ":from", s(from.wireName())));
    }

    private void countOwners(String orgId, int delta) {
        table.update(orgKey(orgId), PROFILE, "ADD #owners :delta", "attribute_exists(#pk)", Map.of(":delta", n(delta)));
    }

    /** The owners count as stored (a lower bound of the real number, see the class comment). */
    long ownersCounted(String orgId) {
        return table.get(orgKey(orgId), PROFILE).map(item -> num(item, "owners")).orElse(0L);
    }

    private static Membership withRole(Membership member, Role role) {
        return new Membership(member.organisation(), member.organisationName(), member.user(), member.email(), member.name(), role);
    }

    private static Membership toMembership(Map<String, AttributeValue> item) {
        return new Membership(str(item, "organisation"), str(item, "organisation_name"), str(item, "user"),
                str(item, "email"), str(item, "name"), Role.parse(str(item, "role")));
    }

    private static boolean same(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }
}
