package dev.fileanalysis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import dev.fileanalysis.server.directory.Role;
import dev.fileanalysis.server.AccessRules.OrganisationRole;
import dev.fileanalysis.server.AccessRules.Processor;
import dev.fileanalysis.server.AccessRules.Public;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.BeanDefinition;
import org.apache.camel.model.InterceptFromDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server's routes and its rule book (openapi.yaml) are read as the server reads them, without
 * starting it, and must agree: every operation has a rule, every operation's route checks it before
 * its first step, and what the server serves is the document itself (the REST DSL is the document's
 * operations, each bound to the route of its name). An endpoint added without a rule fails this build.
 */
class AccessRulesTest {

    private static final Path SERVER_ROUTES = Path.of(System.getProperty("pipeline.home", "..")).resolve("server-routes");
    private static final Set<String> PUBLIC_OPERATIONS = Set.of("health", "openapi-document", "list-sign-in-providers",
            "session-keys", "start-session", "refresh-session", "end-session");

    private static AccessRules rules;
    private static List<Operation> operations;
    private static Map<String, RouteDefinition> routes;
    private static List<RestDefinition> rests;
    private static RouteConfigurationDefinition operationConfiguration;

    /** An operation of the document: the REST DSL serves it at this method and path, by direct:<id>. */
    record Operation(String id, String method, String path) {
    }

    @BeforeAll
    static void loadRoutesAsTheServerDoes() throws Exception {
        rules = AccessRules.load(SERVER_ROUTES.resolve("openapi.yaml"));
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            java.util.Properties properties = new java.util.Properties();
            properties.setProperty("server.openapi-file", SERVER_ROUTES.resolve("openapi.yaml").toAbsolutePath().toString());
            camel.getPropertiesComponent().setInitialProperties(properties);
            List<org.apache.camel.spi.Resource> resources = new ArrayList<>();
            try (Stream<Path> files = Files.list(SERVER_ROUTES)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted().toList()) {
                    resources.add(ResourceHelper.resolveResource(camel, "file:" + file.toAbsolutePath()));
                }
            }
            PluginHelper.getRoutesLoader(camel).loadRoutes(resources);
            Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
            rests = model.getRestDefinitions();
            routes = new HashMap<>();
            for (RouteDefinition route : model.getRouteDefinitions()) {
                routes.put(route.getRouteId(), route);
            }
            operationConfiguration = model.getRouteConfigurationDefinitions().stream()
                    .filter(configuration -> "api-operation".equals(configuration.getId())).findFirst().orElseThrow();
        }
        operations = new ArrayList<>();
        map(rules.document().get("paths")).forEach((path, item) -> map(item).forEach((method, operation) ->
                operations.add(new Operation((String) map(operation).get("operationId"), method, path))));
    }

    @Test
    void everyOperationTheServerServesHasARuleAndEveryRuleAnOperation() {
        List<String> routed = routes.values().stream().filter(route -> "api-operation".equals(route.getRouteConfigurationId()))
                .map(RouteDefinition::getRouteId).toList();
        assertThat(routed).hasSizeGreaterThan(30);
        rules.requireRuleForEach(routed);
    }

    @Test
    void anOperationWithoutARuleStopsTheServer() {
        List<String> ids = new ArrayList<>(rules.operationIds());
        ids.add("export-everything");
        assertThatThrownBy(() -> rules.requireRuleForEach(ids))
                .hasMessageContaining("operations without an access rule in openapi.yaml: [export-everything]");
    }

    @Test
    void aDocumentedOperationThatNoRouteServesStopsTheServer() {
        List<String> ids = new ArrayList<>(rules.operationIds());
        ids.remove("claim-job");
        assertThatThrownBy(() -> rules.requireRuleForEach(ids))
                .hasMessageContaining("operations in openapi.yaml that no route performs: [claim-job]");
    }

    @Test
    void everyOperationIsPerformedByARouteOfTheSameIdThatChecksItsCallerFirst() {
        // The REST binding hands each operation to direct:<operationId>: a route of that name consumes it.
        for (Operation operation : operations) {
            RouteDefinition route = routes.get(operation.id());
            assertThat(route).as("route %s", operation.id()).isNotNull();
            assertThat(route.getInput().getEndpointUri()).as("input of route %s", operation.id()).isEqualTo("direct:" + operation.id());
            assertThat(route.getRouteConfigurationId()).as("configuration of route %s", operation.id()).isEqualTo("api-operation");
        }
        // That configuration checks the caller when the request enters the route, before any step of
        // its own, then the request against the document ...
        List<InterceptFromDefinition> entries = operationConfiguration.getInterceptFroms();
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).getUri()).as("every route of the configuration, whatever its input").isNull();
        List<String> steps = entries.get(0).getOutputs().stream()
                .map(step -> ((BeanDefinition) step).getRef() + "." + ((BeanDefinition) step).getMethod()).toList();
        assertThat(steps).containsExactly("authorization.check", "contractCheck.check");
        // ... and answers whatever stops a request with a status and a sentence.
        OnExceptionDefinition errors = operationConfiguration.getOnExceptions().get(0);
        assertThat(errors.getExceptions()).containsExactly("java.lang.Exception");
        BeanDefinition answer = (BeanDefinition) errors.getOutputs().get(0);
        assertThat(answer.getRef() + "." + answer.getMethod()).isEqualTo("errorResponses.toResponse");
    }

    @Test
    void theServerServesTheDocumentsPathsAndMethodsAndNoOther() {
        // One REST definition, the document itself: no path or method is declared anywhere else.
        assertThat(rests).hasSize(1);
        assertThat(rests.get(0).getOpenApi()).isNotNull();
        assertThat(rests.get(0).getOpenApi().getSpecification()).isEqualTo("file:{{server.openapi-file:server-routes/openapi.yaml}}");
        assertThat(rests.get(0).getOpenApi().getMissingOperation()).isEqualTo("fail");
        assertThat(rests.get(0).getVerbs()).isEmpty();
    }

    @Test
    void onlyHealthTheDocumentAndTheSignInBootstrapArePublic() {
        Set<String> publicOnes = new HashSet<>();
        for (String id : rules.operationIds()) {
            if (rules.ruleFor(id).orElseThrow() instanceof Public) {
                publicOnes.add(id);
            }
        }
        assertThat(publicOnes).isEqualTo(PUBLIC_OPERATIONS);
    }

    @Test
    void processorEndpointsTakeOnlyProcessorsAndUploadsNeedAtLeastAMember() {
        for (Operation operation : operations) {
            boolean processorPath = operation.path().startsWith("/api/processor/");
            assertThat(rules.ruleFor(operation.id()).orElseThrow() instanceof Processor)
                    .as("%s is a processor endpoint exactly when under /api/processor", operation.id()).isEqualTo(processorPath);
        }
        for (String upload : List.of("reserve-job", "register-job", "presign-chunk-uploads", "record-upload-progress",
                "complete-upload", "abandon-job")) {
            assertThat(rules.ruleFor(upload)).contains(new OrganisationRole(Role.MEMBER));
        }
        assertThat(rules.ruleFor("change-member-role")).contains(new OrganisationRole(Role.ADMIN));
        assertThat(rules.ruleFor("claim-domain")).contains(new OrganisationRole(Role.OWNER));
        assertThat(rules.scopedByPath("list-members")).isTrue();
        assertThat(rules.scopedByPath("reserve-job")).isFalse();
    }

    @Test
    void aDocumentWithAnOperationWithoutARuleIsRefused() throws IOException {
        Path broken = Files.createTempFile("openapi", ".yaml");
        try {
            Files.writeString(broken, """
                    openapi: 3.0.3
                    paths:
                      /api/secret:
                        get:
                          operationId: read-secret
                          security: [{session: []}]
                    """);
            assertThatThrownBy(() -> AccessRules.load(broken))
                    .hasMessageContaining("get /api/secret")
                    .hasMessageContaining("has no x-required-role");
        } finally {
            Files.delete(broken);
        }
    }

    @Test
    void aPublicRuleWithASecurityRequirementIsRefused() throws IOException {
        Path broken = Files.createTempFile("openapi", ".yaml");
        try {
            Files.writeString(broken, """
                    openapi: 3.0.3
                    paths:
                      /api/secret:
                        get:
                          operationId: read-secret
                          security: [{session: []}]
                          x-required-role: public
                    """);
            assertThatThrownBy(() -> AccessRules.load(broken)).hasMessageContaining("security must be empty exactly when");
        } finally {
            Files.delete(broken);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }
}
