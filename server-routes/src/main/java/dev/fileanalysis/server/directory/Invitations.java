package dev.fileanalysis.server.directory;

import static dev.fileanalysis.server.directory.DirectoryTable.item;
import static dev.fileanalysis.server.directory.DirectoryTable.n;
import static dev.fileanalysis.server.directory.DirectoryTable.num;
import static dev.fileanalysis.server.directory.DirectoryTable.s;
import static dev.fileanalysis.server.directory.DirectoryTable.str;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import dev.fileanalysis.server.refusal.InvalidRequestException;

/**
 * Invitations of e-mail addresses to organisations. Addresses are compared in lower case: providers
 * differ in how they capitalise the same mailbox, and a person must not miss an invitation over it.
 */
final class Invitations {

    private static final String INVITE = "INVITE#";
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final DirectoryTable table;
    private final Clock clock;

    Invitations(DirectoryTable table, Clock clock) {
        this.table = table;
        this.clock = clock;
    }

    static String normalisedEmail(String email) {
        String trimmed = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        if (!EMAIL.matcher(trimmed).matches() || trimmed.length() > 320) {
            throw new InvalidRequestException("'" + email + "' is not an e-mail address (expected name@domain.tld).");
        }
        return trimmed;
    }

    /** Invites (or re-invites, replacing role and expiry of an earlier invitation of the same address). */
    Invitation invite(String orgId, String email, Role role, String invitedBy, Duration validFor) {
        if (validFor == null || validFor.isNegative() || validFor.isZero()) {
            throw new InvalidRequestException("An invitation must be valid for a positive time, got " + validFor + ".");
        }
        String address = normalisedEmail(email);
        Instant expires = clock.instant().plus(validFor);
        Map<String, AttributeValue> invitation = item(OrganisationMembers.orgKey(orgId), INVITE + address, "invite#" + address);
        invitation.put("organisation", s(orgId));
        invitation.put("email", s(address));
        invitation.put("role", s(role.wireName()));
        invitation.put("invited_by", s(invitedBy));
        invitation.put("expires", s(expires.toString()));
        invitation.put("expires_ms", n(expires.toEpochMilli()));
        invitation.put("created", s(clock.instant().toString()));
        table.put(invitation, null, Map.of());
        return toInvitation(invitation);
    }

    List<Invitation> of(String orgId) {
        return table.itemsOf(OrganisationMembers.orgKey(orgId), INVITE).stream().map(Invitations::toInvitation)
                .sorted(Comparator.comparing(Invitation::email)).toList();
    }

    /** Unexpired invitations of one address, from every organisation. */
    List<Invitation> openFor(String email) {
        long now = clock.millis();
        return table.lookup("invite#" + email.toLowerCase(Locale.ROOT)).stream()
                .filter(item -> num(item, "expires_ms") > now)
                .map(Invitations::toInvitation).toList();
    }

    /** False when there was no such invitation. */
    boolean delete(String orgId, String email) {
        return table.delete(OrganisationMembers.orgKey(orgId), INVITE + email.trim().toLowerCase(Locale.ROOT), null, Map.of())
                .isPresent();
    }

    private static Invitation toInvitation(Map<String, AttributeValue> item) {
        return new Invitation(str(item, "organisation"), str(item, "email"), Role.parse(str(item, "role")),
                str(item, "invited_by"), str(item, "expires"));
    }
}
