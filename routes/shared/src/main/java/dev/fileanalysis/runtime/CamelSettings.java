package dev.fileanalysis.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.CamelContext;

/**
 * The role's settings as its beans see them: the layered {@link Settings} the runner registered,
 * with Camel placeholders such as {@code {{pipeline.data}}/drop} resolved. When the role's folder
 * runs without the runner (Camel JBang: {@code camel run *.camel.yaml application.properties}),
 * the Camel properties it loaded instead, each with the value that wins in Camel (a {@code --prop},
 * an environment variable, the file).
 */
public final class CamelSettings {

    static final String REGISTRY_NAME = "pipelineSettings";

    private CamelSettings() {
    }

    public static Settings of(CamelContext camel) {
        Settings raw = camel.getRegistry().lookupByNameAndType(REGISTRY_NAME, Settings.class);
        if (raw == null) {
            return ofCamelProperties(camel);
        }
        Map<String, String> resolved = new LinkedHashMap<>();
        raw.asMap().forEach((key, value) -> resolved.put(key, value.contains("{{") ? camel.resolvePropertyPlaceholders(value) : value));
        return Settings.of(resolved);
    }

    private static Settings ofCamelProperties(CamelContext camel) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : camel.getPropertiesComponent().loadProperties().stringPropertyNames()) {
            camel.getPropertiesComponent().resolveProperty(key).ifPresent(value ->
                    values.put(key, value.contains("{{") ? camel.resolvePropertyPlaceholders(value) : value));
        }
        return Settings.of(values);
    }
}
