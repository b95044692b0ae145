package dev.fileanalysis.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.interaction.ApiOperationResolver;
import com.atlassian.oai.validator.model.ApiOperation;
import com.atlassian.oai.validator.model.ApiOperationMatch;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import dev.fileanalysis.server.refusal.InvalidRequestException;
import dev.fileanalysis.server.refusal.TooLargeException;
import org.apache.camel.Exchange;
import org.apache.camel.support.ExchangeHelper;
import org.apache.camel.support.MessageHelper;

/**
 * The second step of every API route, right after {@link Authorization} (both declared once, in the
 * api-operation route configuration): checks the request against the server's OpenAPI document,
 * the size of its body, that the body is JSON, and what the operation's parameters and request
 * schema say (required fields, types, patterns, lengths, ranges, enums, item counts, unknown
 * fields), then hands the route its body parsed. A refusal names the field and what was wrong
 * ({@link ContractSentences}); 413 for a body over {@code x-max-body-chars}.
 *
 * <p>It runs after the access check, not in Camel's REST binding ({@code clientRequestValidation}
 * runs before the operation's route, so a caller without the role would learn about the schema
 * first, and get 400 where 403 is the answer). The checks are those of the Atlassian
 * swagger-request-validator, the library camel-openapi-validator wraps, used here directly: built
 * once (the Camel wrapper builds it for every request), its findings read as data rather than as a
 * formatted report. Security requirements are left to {@link Authorization}.
 */
public final class ContractCheck {

    /** What a request body may be at most when the document does not say ({@code x-max-body-chars}). */
    static final int DEFAULT_MAX_BODY_CHARS = 64 * 1024;

    private final OpenApiInteractionValidator validator;
    private final ApiOperationResolver operations;
    private final int defaultMaxBodyChars;

    private ContractCheck(OpenAPI api) {
        this.validator = OpenApiInteractionValidator.createFor(api)
                .withLevelResolver(LevelResolver.create()
                        // the levels are these, not whatever a swagger-validator.properties on the class path says
                        .withLoader(null)
                        // who is calling is Authorization's to prove, with its own sentences
                        .withLevel("validation.request.security", ValidationReport.Level.IGNORE)
                        // a query parameter no operation reads changes nothing (as the library's default has it)
                        .withLevel("validation.request.parameter.query.unexpected", ValidationReport.Level.IGNORE)
                        .build())
                .build();
        this.operations = new ApiOperationResolver(api, null, false);
        this.defaultMaxBodyChars = maxBodyChars(api.getExtensions(), DEFAULT_MAX_BODY_CHARS);
    }

    /** Reads the document as the validator needs it: every {@code $ref} resolved in place. */
    public static ContractCheck load(Path openApiFile) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        SwaggerParseResult parsed = new OpenAPIParser().readLocation(openApiFile.toUri().toString(), null, options);
        if (parsed.getOpenAPI() == null) {
            throw new IllegalStateException("Cannot read the API document " + openApiFile + ": " + parsed.getMessages());
        }
        return new ContractCheck(parsed.getOpenAPI());
    }

    /**
     * Checks the request of the operation this exchange's route performs; on success the body is
     * the request's JSON as maps and lists (null when it had none).
     */
    public void check(Exchange exchange) {
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        ApiOperationMatch match = method == null || path == null ? ApiOperationMatch.MISSING_PATH
                : operations.findApiOperation(path, Request.Method.valueOf(method.toUpperCase(Locale.ROOT)));
        String route = ExchangeHelper.getAtRouteId(exchange);
        if (!match.isPathFound() || !match.isOperationAllowed()
                || !match.getApiOperation().getOperation().getOperationId().equals(route)) {
            // the REST facade hands a route only requests of its own operation
            throw new IllegalStateException("Route " + route + " got " + method + " " + path + ", which is not its operation.");
        }
        ApiOperation operation = match.getApiOperation();
        String body = MessageHelper.extractBodyAsString(exchange.getMessage());
        int maxChars = maxBodyChars(operation.getOperation().getExtensions(), defaultMaxBodyChars);
        if (body != null && body.length() > maxChars) {
            throw new TooLargeException("The request body is " + body.length() + " characters long; at most " + maxChars
                    + " are accepted.");
        }
        JsonNode json = null;
        if (body != null && !body.isBlank()) {
            try {
                json = Json.MAPPER.readTree(body);
            } catch (JsonProcessingException e) {
                throw new InvalidRequestException("The request body is not valid JSON: " + e.getOriginalMessage());
            }
        }
        ValidationReport report = validator.validateRequest(request(exchange, method, path, body));
        if (report.hasErrors()) {
            ContractSentences sentences = new ContractSentences(operation, json, exchange.getMessage().getHeaders());
            Set<String> said = new LinkedHashSet<>();
            for (ValidationReport.Message message : report.getMessages()) {
                if (message.getLevel() == ValidationReport.Level.ERROR) {
                    said.add(sentences.sentenceFor(message));
                }
            }
            throw new InvalidRequestException(String.join(" ", said));
        }
        exchange.getMessage().setBody(json == null ? null : Json.MAPPER.convertValue(json, Object.class));
    }

    private static Request request(Exchange exchange, String method, String path, String body) {
        SimpleRequest.Builder request = new SimpleRequest.Builder(method, path, true);
        if (body != null && !body.isEmpty()) {
            // The API speaks JSON only: a body without a Content-Type is read as JSON, as it always
            // was, and so is checked against its schema (the validator skips bodies of other types).
            String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
            request.withContentType(contentType == null || contentType.isBlank() ? "application/json" : contentType);
            request.withBody(body);
        }
        String query = exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int equals = pair.indexOf('=');
                String name = decode(equals < 0 ? pair : pair.substring(0, equals));
                String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
                if (!name.isEmpty()) {
                    request.withQueryParam(name, List.of(value));
                }
            }
        }
        return request.build();
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private static int maxBodyChars(Map<String, Object> extensions, int otherwise) {
        Object limit = extensions == null ? null : extensions.get("x-max-body-chars");
        return limit instanceof Number number ? number.intValue() : otherwise;
    }
}
