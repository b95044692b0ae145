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
import org.apache.camel.model.Model;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server's routes and its rule book (openapi.yaml) are read as the server reads them, without
 * starting it, and must agree: every operation has a rule, every route starts by checking it, and
 * the document describes the paths and methods the server really serves. An endpoint added without
 * a rule fails this build.
 */
class AccessRulesTest {

    private static final Path SERVER_ROUTES = Path.of(System.getProperty("pipeline.home", "..")).resolve("server-routes");
    private static final Set<String> PUBLIC_OPERATIONS = Set.of("health", "openapi-document", "list-sign-in-providers",
            "session-keys", "start-session", "refresh-session", "end-session");

    private static AccessRules rules;
    private static List<Operation> operations;
    private static Map<String, RouteDefinition> routes;

    record Operation(String id, String method, String path, String to) {
    }

    @BeforeAll
    static void loadRoutesAsTheServerDoes() throws Exception {
        rules = AccessRules.load(SERVER_ROUTES.resolve("openapi.yaml"));
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            List<org.apache.camel.spi.Resource> resources = new ArrayList<>();
            try (Stream<Path> files = Files.list(SERVER_ROUTES)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted().toList()) {
                    resources.add(ResourceHelper.resolveResource(camel, "file:" + file.toAbsolutePath()));
                }
            }
            PluginHelper.getRoutesLoader(camel).loadRoutes(resources);
            Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
            operations = new ArrayList<>();
            for (RestDefinition rest : model.getRestDefinitions()) {
                for (VerbDefinition verb : rest.getVerbs()) {
                    String path = (rest.getPath() == null ? "" : rest.getPath()) + (verb.getPath() == null ? "" : verb.getPath());
                    operations.add(new Operation(verb.getId(), verb.asVerb(), path, verb.getTo().getUri()));
                }
            }
            routes = new HashMap<>();
            for (RouteDefinition route : model.getRouteDefinitions()) {
                routes.put(route.getRouteId(), route);
            }
        }
    }

    @Test
    void everyOperationTheServerServesHasARuleAndEveryRuleAnOperation() {
        assertThat(operations).hasSizeGreaterThan(30);
        rules.requireRuleForEach(operations.stream().map(Operation::id).toList());
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
        for (Operation operation : operations) {
            assertThat(operation.to()).as("REST operation %s", operation.id()).isEqualTo("direct:" + operation.id());
            RouteDefinition route = routes.get(operation.id());
            assertThat(route).as("route %s", operation.id()).isNotNull();
            // The error handling of the route's configuration is woven in ahead of its own steps.
            ProcessorDefinition<?> first = route.getOutputs().stream()
                    .filter(step -> !(step instanceof OnExceptionDefinition)).findFirst().orElseThrow();
            assertThat(first).as("first step of route %s", operation.id()).isInstanceOf(BeanDefinition.class);
            BeanDefinition bean = (BeanDefinition) first;
            assertThat(bean.getRef() + "." + bean.getMethod()).as("first step of route %s", operation.id())
                    .isEqualTo("authorization.check");
            assertThat(route.getRouteConfigurationId()).as("error handling of route %s", operation.id()).isEqualTo("api-errors");
        }
    }

    @Test
    void theDocumentDescribesThePathsAndMethodsTheServerServes() {
        Map<String, Object> paths = map(rules.document().get("paths"));
        Set<String> documented = new HashSet<>();
        paths.forEach((path, item) -> map(item).forEach((method, operation) ->
                documented.add(method + " " + path + " " + map(operation).get("operationId"))));
        Set<String> served = new HashSet<>();
        for (Operation operation : operations) {
            served.add(operation.method() + " " + operation.path() + " " + operation.id());
        }
        assertThat(documented).isEqualTo(served);
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
