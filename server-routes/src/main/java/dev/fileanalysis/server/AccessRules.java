package dev.fileanalysis.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.fileanalysis.server.directory.Role;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Who may call each operation, read from the server's OpenAPI document ({@code x-required-role} of
 * each operation, keyed by its {@code operationId}, which is also the id of the route that performs
 * it). Keeping the rules in the published document means the document cannot drift from what the
 * server enforces; {@link #requireRuleForEach} makes an operation without a rule stop the server.
 */
public final class AccessRules {

    /** What an operation requires of its caller. */
    public sealed interface Rule permits Public, SignedIn, OrganisationRole, Processor, Scraper {
    }

    /** No token at all. */
    public record Public() implements Rule {
    }

    /** Any valid session, whatever the role. */
    public record SignedIn() implements Rule {
    }

    /** At least this role in the organisation in scope (the path's {org}, else the session's). */
    public record OrganisationRole(Role role) implements Rule {
    }

    /** A processor's service credential. */
    public record Processor() implements Rule {
    }

    /** The operator's monitoring: this machine only, or the scrape token from anywhere ({@link dev.fileanalysis.server.auth.ScrapeAccess}). */
    public record Scraper() implements Rule {
    }

    private final Map<String, Rule> rules;
    private final Set<String> scopedByPath;
    private final Map<String, Object> document;

    private AccessRules(Map<String, Rule> rules, Set<String> scopedByPath, Map<String, Object> document) {
        this.rules = rules;
        this.scopedByPath = scopedByPath;
        this.document = document;
    }

    public static AccessRules load(Path openApiFile) {
        try (Reader reader = Files.newBufferedReader(openApiFile, StandardCharsets.UTF_8)) {
            Object loaded = new Load(LoadSettings.builder().setLabel(openApiFile.toString()).build()).loadFromReader(reader);
            if (!(loaded instanceof Map<?, ?> map)) {
                throw new IllegalStateException(openApiFile + " is not an OpenAPI document (no mapping at the top).");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> document = (Map<String, Object>) map;
            Set<String> scopedByPath = new TreeSet<>();
            return new AccessRules(rulesOf(document, openApiFile, scopedByPath), scopedByPath, document);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the API document " + openApiFile + ": " + e.getMessage(), e);
        }
    }

    public Optional<Rule> ruleFor(String operationId) {
        return Optional.ofNullable(rules.get(operationId));
    }

    /** True when the operation's path names its organisation ({org}); else the session's applies. */
    public boolean scopedByPath(String operationId) {
        return scopedByPath.contains(operationId);
    }

    public Set<String> operationIds() {
        return new TreeSet<>(rules.keySet());
    }

    /** The document as served at /openapi.json. */
    public Map<String, Object> document() {
        return document;
    }

    /**
     * Refuses to run an API whose operations and rules differ: every operation the server routes
     * must have a rule, and every documented operation must be routed.
     */
    public void requireRuleForEach(Collection<String> routedOperationIds) {
        Set<String> withoutRule = new TreeSet<>(routedOperationIds);
        withoutRule.removeAll(rules.keySet());
        Set<String> notRouted = new TreeSet<>(rules.keySet());
        notRouted.removeAll(routedOperationIds);
        List<String> problems = new ArrayList<>();
        if (!withoutRule.isEmpty()) {
            problems.add("operations without an access rule in openapi.yaml: " + withoutRule);
        }
        if (!notRouted.isEmpty()) {
            problems.add("operations in openapi.yaml that no route performs: " + notRouted);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The API and its rules disagree; " + String.join("; ", problems) + ".");
        }
    }

    private static Map<String, Rule> rulesOf(Map<String, Object> document, Path file, Set<String> scopedByPath) {
        Map<String, Rule> rules = new LinkedHashMap<>();
        if (!(document.get("paths") instanceof Map<?, ?> paths)) {
            throw new IllegalStateException(file + " has no paths.");
        }
        paths.forEach((path, item) -> {
            if (!(item instanceof Map<?, ?> operations)) {
                return;
            }
            operations.forEach((method, value) -> {
                if (!(value instanceof Map<?, ?> operation)) {
                    return;
                }
                String where = method + " " + path + " in " + file;
                Object id = operation.get("operationId");
                if (!(id instanceof String operationId)) {
                    throw new IllegalStateException(where + " has no operationId.");
                }
                Rule rule = parse(operation.get("x-required-role"), where);
                boolean hasSecurity = operation.get("security") instanceof List<?> security && !security.isEmpty();
                if ((rule instanceof Public) == hasSecurity) {
                    throw new IllegalStateException(where + ": security must be empty exactly when the operation is public.");
                }
                if (rules.put(operationId, rule) != null) {
                    throw new IllegalStateException(where + ": operationId " + operationId + " is used twice.");
                }
                if (path.toString().contains("{org}")) {
                    scopedByPath.add(operationId);
                }
            });
        });
        return rules;
    }

    private static Rule parse(Object value, String where) {
        if (!(value instanceof String text)) {
            throw new IllegalStateException(where + " has no x-required-role (public, signed-in, viewer, member, admin, owner, "
                    + "processor or scraper).");
        }
        return switch (text) {
            case "public" -> new Public();
            case "signed-in" -> new SignedIn();
            case "processor" -> new Processor();
            case "scraper" -> new Scraper();
            case "viewer", "member", "admin", "owner" -> new OrganisationRole(Role.parse(text));
            default -> throw new IllegalStateException(where + ": x-required-role '" + text
                    + "' is not one of public, signed-in, viewer, member, admin, owner, processor, scraper.");
        };
    }
}
