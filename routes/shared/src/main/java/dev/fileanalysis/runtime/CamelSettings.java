package dev.fileanalysis.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.CamelContext;

/**
 * The role's settings as its beans see them: the layered {@link Settings} the runner registered,
 * with Camel placeholders such as {@code {{pipeline.data}}/drop} resolved.
 */
public final class CamelSettings {

    static final String REGISTRY_NAME = "pipelineSettings";

    private CamelSettings() {
    }

    public static Settings of(CamelContext camel) {
        Settings raw = camel.getRegistry().lookupByNameAndType(REGISTRY_NAME, Settings.class);
        if (raw == null) {
            throw new IllegalStateException("The role was not started by RoleRunner: no settings in the registry");
        }
        Map<String, String> resolved = new LinkedHashMap<>();
        raw.asMap().forEach((key, value) -> resolved.put(key, value.contains("{{") ? camel.resolvePropertyPlaceholders(value) : value));
        return Settings.of(resolved);
    }
}
