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
import org.apache.camel.Exchange;
import org.apache.camel.spi.RestClientRequestValidator;
import org.apache.camel.support.MessageHelper;

/**
 * Checks every request against the server's OpenAPI document before the route of its operation
 * runs: the size of its body, that the body is JSON, and what the operation's request schema and
 * parameters say (required fields, types, patterns, lengths, ranges, enums, item counts, unknown
 * fields). Camel's REST binding calls it for each request ({@code clientRequestValidation}); a
 * refusal is the HTTP answer, {@code {"error": "..."}} with the sentences of {@link ContractSentences}.
 *
 * <p>The checks are those of the Atlassian swagger-request-validator, the library
 * camel-openapi-validator wraps; it is used here directly so that it is built once (the Camel
 * wrapper builds it anew for every request) and its findings reach {@link ContractSentences} as
 * data rather than as a formatted report. Security requirements are not its business:
 * {@link Authorization} proves the caller with sentences of its own, after this check.
 */
public final class ContractCheck implements RestClientRequestValidator {

    /** What a request body may be at most when the document does not say ({@code x-max-body-chars}). */
    static final int DEFAULT_MAX_BODY_CHARS = 64 * 1024;

    private final OpenAPI api;
    private final OpenApiInteractionValidator validator;
    private final ApiOperationResolver operations;
    private final int defaultMaxBodyChars;

    private ContractCheck(OpenAPI api) {
        this.api = api;
        this.validator = OpenApiInteractionValidator.createFor(api)
                .withLevelResolver(LevelResolver.create()
                        // who is calling is Authorization's to prove, with its own sentences
                        .withLevel("validation.request.security", ValidationReport.Level.IGNORE)
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

    @Override
    public ValidationError validate(Exchange exchange, ValidationContext context) {
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        if (method == null || path == null) {
            return null;
        }
        ApiOperationMatch match = operations.findApiOperation(path, Request.Method.valueOf(method.toUpperCase(Locale.ROOT)));
        if (!match.isPathFound() || !match.isOperationAllowed()) {
            // the REST facade answers 404 or 405 for what the document does not describe
            return null;
        }
        ApiOperation operation = match.getApiOperation();
        String body = MessageHelper.extractBodyAsString(exchange.getIn());
        int maxChars = maxBodyChars(operation.getOperation().getExtensions(), defaultMaxBodyChars);
        if (body != null && body.length() > maxChars) {
            return refusal(413, "The request body is " + body.length() + " characters long; at most " + maxChars
                    + " are accepted.");
        }
        JsonNode json = null;
        if (body != null && !body.isBlank()) {
            try {
                json = Json.MAPPER.readTree(body);
            } catch (JsonProcessingException e) {
                return refusal(400, "The request body is not valid JSON: " + e.getOriginalMessage());
            }
        }
        ValidationReport report = validator.validateRequest(request(exchange, method, path, body));
        if (!report.hasErrors()) {
            return null;
        }
        ContractSentences sentences = new ContractSentences(operation, json, exchange.getMessage().getHeaders());
        Set<String> said = new LinkedHashSet<>();
        int status = 400;
        for (ValidationReport.Message message : report.getMessages()) {
            if (message.getLevel() == ValidationReport.Level.ERROR) {
                said.add(sentences.sentenceFor(message));
                if (message.getKey().startsWith("validation.request.contentType")) {
                    status = 415;
                }
            }
        }
        return refusal(status, String.join(" ", said));
    }

    /** The document as Camel's REST binding and this check read it (every reference resolved). */
    OpenAPI api() {
        return api;
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

    private static ValidationError refusal(int status, String sentence) {
        return new ValidationError(status, Json.write(Map.of("error", sentence)));
    }
}
