package dev.fileanalysis.server.directory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import dev.fileanalysis.runtime.Settings;

/**
 * The plans an operator configured, and which organisation is on which:
 * <pre>
 * plans.default=free
 * plans.free.bytes-per-month=10G          # sizes: bytes or binary suffixes k, M, G, T; or "unlimited"
 * plans.free.jobs-per-month=10000         # a whole number, or "unlimited"
 * plans.free.largest-file-bytes=5G
 * plans.organisation.org-1234=enterprise  # an assignment wins over the plan an organisation was created with
 * </pre>
 * Every mistake (a missing limit, an unknown plan name, a key that means nothing) fails at start,
 * naming the setting, rather than surfacing later as a surprising refusal.
 */
public final class Plans {

    private static final String PREFIX = "plans.";
    private static final String ASSIGNMENT = PREFIX + "organisation.";
    private static final List<String> LIMITS = List.of("bytes-per-month", "jobs-per-month", "largest-file-bytes");
    private static final Pattern PLAN_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    private final Map<String, Plan> plans;
    private final String defaultPlan;
    private final Map<String, String> assignments;

    private Plans(Map<String, Plan> plans, String defaultPlan, Map<String, String> assignments) {
        this.plans = plans;
        this.defaultPlan = defaultPlan;
        this.assignments = assignments;
    }

    /** @throws IllegalStateException naming the setting that is missing or wrong */
    public static Plans from(Settings settings) {
        Map<String, Map<String, String>> limits = new TreeMap<>();
        Map<String, String> assignments = new TreeMap<>();
        String defaultPlan = null;
        for (Map.Entry<String, String> setting : new TreeMap<>(settings.asMap()).entrySet()) {
            String key = setting.getKey();
            String value = setting.getValue().trim();
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            if (key.equals(PREFIX + "default")) {
                defaultPlan = value;
            } else if (key.startsWith(ASSIGNMENT) && key.length() > ASSIGNMENT.length()) {
                assignments.put(key.substring(ASSIGNMENT.length()), value);
            } else {
                String rest = key.substring(PREFIX.length());
                int dot = rest.indexOf('.');
                String name = dot < 0 ? rest : rest.substring(0, dot);
                String limit = dot < 0 ? "" : rest.substring(dot + 1);
                if (!PLAN_NAME.matcher(name).matches() || !LIMITS.contains(limit)) {
                    throw new IllegalStateException("Setting '" + key + "' is not understood: plan settings are plans.default, "
                            + "plans.<name>.{" + String.join(",", LIMITS) + "} (name: lower-case letters, digits, - and _) "
                            + "and plans.organisation.<organisation id>");
                }
                limits.computeIfAbsent(name, n -> new TreeMap<>()).put(limit, value);
            }
        }
        Map<String, Plan> plans = new TreeMap<>();
        limits.forEach((name, values) -> plans.put(name, plan(name, values)));
        if (defaultPlan == null || defaultPlan.isBlank()) {
            throw new IllegalStateException("Setting 'plans.default' is missing: name the plan new organisations get"
                    + (plans.isEmpty() ? ", and define it with plans.<name>.{" + String.join(",", LIMITS) + "}" : " (one of " + plans.keySet() + ")"));
        }
        requireKnown(plans, "plans.default", defaultPlan);
        assignments.forEach((organisation, plan) -> requireKnown(plans, ASSIGNMENT + organisation, plan));
        return new Plans(Map.copyOf(plans), defaultPlan, Map.copyOf(assignments));
    }

    private static Plan plan(String name, Map<String, String> values) {
        List<String> missing = new ArrayList<>();
        for (String limit : LIMITS) {
            if (!values.containsKey(limit) || values.get(limit).isBlank()) {
                missing.add(PREFIX + name + "." + limit);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Plan '" + name + "' is incomplete: set " + String.join(", ", missing));
        }
        return new Plan(name, size(name, "bytes-per-month", values), count(name, "jobs-per-month", values),
                size(name, "largest-file-bytes", values));
    }

    private static long size(String plan, String limit, Map<String, String> values) {
        String value = values.get(limit);
        if (value.equalsIgnoreCase("unlimited")) {
            return Long.MAX_VALUE;
        }
        try {
            return ByteSize.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Setting '" + PREFIX + plan + "." + limit + "': " + e.getMessage());
        }
    }

    private static long count(String plan, String limit, Map<String, String> values) {
        String value = values.get(limit);
        if (value.equalsIgnoreCase("unlimited")) {
            return Long.MAX_VALUE;
        }
        try {
            long count = Long.parseLong(value);
            if (count >= 0) {
                return count;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalStateException("Setting '" + PREFIX + plan + "." + limit + "' must be a whole number or 'unlimited', got '"
                + value + "'");
    }

    private static void requireKnown(Map<String, Plan> plans, String setting, String name) {
        if (!plans.containsKey(name)) {
            throw new IllegalStateException("Setting '" + setting + "' names plan '" + name + "', which is not defined; "
                    + (plans.isEmpty() ? "no plan is defined" : "defined plans: " + String.join(", ", plans.keySet()))
                    + " (define one with plans." + name + ".{" + String.join(",", LIMITS) + "})");
        }
    }

    /**
     * The plan an organisation is on: an assignment in configuration wins over the plan stored with
     * the organisation; a stored plan the configuration no longer defines falls back to the default.
     */
    public Plan planOf(Organisation org) {
        String assigned = assignments.get(org.id());
        if (assigned != null) {
            return plans.get(assigned);
        }
        if (org.plan() != null && plans.containsKey(org.plan())) {
            return plans.get(org.plan());
        }
        return plans.get(defaultPlan);
    }

    public String defaultPlan() {
        return defaultPlan;
    }

    public Optional<Plan> plan(String name) {
        return Optional.ofNullable(plans.get(name));
    }
}
