package dev.fileanalysis.server.directory;

import static dev.fileanalysis.server.directory.DirectoryTable.item;
import static dev.fileanalysis.server.directory.DirectoryTable.s;
import static dev.fileanalysis.server.directory.DirectoryTable.str;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import dev.fileanalysis.server.refusal.ConflictException;
import dev.fileanalysis.server.refusal.InvalidRequestException;
import dev.fileanalysis.server.refusal.NotFoundException;


/**
 * E-mail domains organisations claim, so that people with a verified address there join on their
 * first sign-in. A domain belongs to at most one organisation: the claim item is keyed by the
 * domain and written conditionally. A second item under the organisation lists its domains.
 *
 * <p>This class does not prove that the organisation controls the domain; whoever calls
 * {@link #claim} must (for example, by requiring the claiming admin's own verified address to be at
 * that domain). Mailbox providers anyone can sign up at are refused outright, since claiming one
 * would pull strangers into the organisation.
 */
final class DomainClaims {

    /** What a claim makes of a person at the domain. */
    record Claim(String organisation, Role role) {
    }

    private static final String CLAIM = "CLAIM";
    private static final String DOMAIN = "DOMAIN#";
    private static final Pattern DOMAIN_NAME = Pattern.compile("(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");
    private static final Set<String> PUBLIC_MAIL = Set.of("gmail.com", "googlemail.com", "outlook.com", "hotmail.com",
            "live.com", "msn.com", "yahoo.com", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
            "protonmail.com", "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.com", "yandex.com", "yandex.ru", "zoho.com",
            "fastmail.com", "hey.com", "qq.com", "163.com", "mail.ru");

    private final DirectoryTable table;
    private final Clock clock;

    DomainClaims(DirectoryTable table, Clock clock) {
        this.table = table;
        this.clock = clock;
    }

    static String normalisedDomain(String domain) {
        String name = domain == null ? "" : domain.trim().toLowerCase(Locale.ROOT);
        if (!DOMAIN_NAME.matcher(name).matches()) {
            throw new InvalidRequestException("'" + domain + "' is not a domain name (expected e.g. example.com).");
        }
        return name;
    }

    void claim(String orgId, String domain, Role joinAs) {
        String name = normalisedDomain(domain);
        if (PUBLIC_MAIL.contains(name)) {
            throw new InvalidRequestException("The domain " + name + " is a public mailbox provider: anyone can have an address "
                    + "there, so it cannot bring people into an organisation. Invite them by address instead.");
        }
        if (joinAs == Role.OWNER) {
            throw new InvalidRequestException("People joining through a domain can become viewer, member or admin, not owner: "
                    + "make owners one by one.");
        }
        var claim = item(DOMAIN + name, CLAIM, null);
        claim.put("domain", s(name));
        claim.put("organisation", s(orgId));
        claim.put("role", s(joinAs.wireName()));
        claim.put("claimed", s(clock.instant().toString()));
        // Claiming again from the same organisation only changes the role people join with.
        if (!table.put(claim, "attribute_not_exists(#pk) OR #organisation = :org", Map.of(":org", s(orgId)))) {
            throw new ConflictException("The domain " + name + " is already claimed by another organisation.");
        }
        var listed = item(OrganisationMembers.orgKey(orgId), DOMAIN + name, null);
        listed.put("domain", s(name));
        listed.put("role", s(joinAs.wireName()));
        table.put(listed, null, Map.of());
    }

    void release(String orgId, String domain) {
        String name = normalisedDomain(domain);
        boolean released = table.delete(DOMAIN + name, CLAIM, "#organisation = :org", Map.of(":org", s(orgId))).isPresent();
        boolean listed = table.delete(OrganisationMembers.orgKey(orgId), DOMAIN + name, null, Map.of()).isPresent();
        if (!released && !listed) {
            throw new NotFoundException("Organisation " + orgId + " has not claimed the domain " + name + ".");
        }
    }

    List<String> of(String orgId) {
        return table.itemsOf(OrganisationMembers.orgKey(orgId), DOMAIN).stream().map(item -> str(item, "domain")).sorted().toList();
    }

    /** Who claimed the domain of this address, if anyone. */
    Optional<Claim> claimFor(String email) {
        String domain = email.substring(email.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        return table.get(DOMAIN + domain, CLAIM).map(item -> new Claim(str(item, "organisation"), Role.parse(str(item, "role"))));
    }
}
