package dev.fileanalysis.server;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.atlassian.oai.validator.model.ApiOperation;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;

/**
 * The one place where what the OpenAPI validator found wrong with a request becomes a sentence a
 * person can act on: it names the field (or parameter), what was expected and what was sent, e.g.
 * "Field 'chunks' must be a whole number, not a string." The validator's own messages quote JSON
 * Schema ("Instance type (string) does not match any allowed primitive type"); here the same
 * finding is told from the operation's schema in openapi.yaml, whose {@code title} names what an
 * id or other patterned value is ("a job id (job- and a UUID)").
 */
final class ContractSentences {

    private static final Pattern QUOTED_NAME = Pattern.compile("'([^']+)'");
    private static final int MAX_QUOTED_VALUE = 60;

    private final ApiOperation operation;
    private final JsonNode body;
    private final Map<String, Object> headers;

    /**
     * @param operation the operation the request was matched to
     * @param body      the request body as parsed (null when there was none)
     * @param headers   the request's headers, which hold its path and query parameters
     */
    ContractSentences(ApiOperation operation, JsonNode body, Map<String, Object> headers) {
        this.operation = operation;
        this.body = body;
        this.headers = headers;
    }

    String sentenceFor(ValidationReport.Message message) {
        String key = message.getKey();
        if (key.startsWith("validation.request.body.schema.")) {
            String pointer = message.getContext().flatMap(ValidationReport.MessageContext::getPointers)
                    .map(ValidationReport.MessageContext.Pointers::getInstance).orElse("/");
            return bodySentence(keyword(key), pointer, message);
        }
        if (key.startsWith("validation.request.parameter.schema.")) {
            Optional<Parameter> parameter = message.getContext().flatMap(ValidationReport.MessageContext::getParameter);
            if (parameter.isPresent()) {
                return parameterSentence(keyword(key), parameter.get(), message);
            }
        }
        return switch (key) {
            case "validation.request.body.missing" -> "This request needs a JSON body" + fieldsOf(requestSchema()) + ".";
            case "validation.request.body.unexpected" -> "This request takes no body.";
            case "validation.request.contentType.notAllowed", "validation.request.contentType.invalid" ->
                    "The request body must be JSON (Content-Type: application/json).";
            case "validation.request.parameter.query.missing" -> "Query parameter " + quotedName(message) + " is required.";
            default -> message.getMessage();
        };
    }

    private String bodySentence(String keyword, String pointer, ValidationReport.Message message) {
        Schema<?> schema = schemaAt(requestSchema(), pointer);
        JsonNode value = body == null ? null : body.at(pointer.equals("/") ? "" : pointer);
        String field = pointer.equals("/") || pointer.isEmpty() ? null : fieldName(pointer);
        String subject = field == null ? "The request body" : "Field '" + field + "'";
        switch (keyword) {
            case "required": {
                List<String> missing = new ArrayList<>();
                if (schema != null && schema.getRequired() != null) {
                    for (String name : schema.getRequired()) {
                        if (value == null || !value.has(name)) {
                            missing.add(field == null ? name : field + "." + name);
                        }
                    }
                }
                if (missing.isEmpty()) {
                    return subject + " lacks a required field.";
                }
                return (missing.size() == 1 ? "Field '" + missing.get(0) + "' is required" : "Fields '"
                        + String.join("', '", missing) + "' are required") + (field == null ? " in the request body." : ".");
            }
            case "additionalProperties": {
                List<String> unknown = new ArrayList<>();
                if (value != null && value.isObject()) {
                    for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
                        String name = names.next();
                        if (schema == null || schema.getProperties() == null || !schema.getProperties().containsKey(name)) {
                            unknown.add(name);
                        }
                    }
                }
                String where = field == null ? "the request body" : "'" + field + "'";
                String allowed = schema == null || schema.getProperties() == null ? ""
                        : "; allowed: " + String.join(", ", schema.getProperties().keySet());
                if (unknown.isEmpty()) {
                    return "Unknown field in " + where + allowed + ".";
                }
                return (unknown.size() == 1 ? "Unknown field '" + unknown.get(0) + "'" : "Unknown fields '"
                        + String.join("', '", unknown) + "'") + " in " + where + allowed + ".";
            }
            default:
                return valueSentence(keyword, subject, schema, value == null || value.isMissingNode() ? null : value, message);
        }
    }

    private String parameterSentence(String keyword, Parameter parameter, ValidationReport.Message message) {
        String subject = capitalised(parameter.getIn()) + " parameter '" + parameter.getName() + "'";
        Object sent = headers.get(parameter.getName());
        JsonNode value = sent == null ? null : Json.MAPPER.getNodeFactory().textNode(sent.toString());
        return valueSentence(keyword, subject, parameter.getSchema(), value, message);
    }

    /** What is wrong with one value, told from its schema: type, pattern, format, length, range, enum, item count. */
    private static String valueSentence(String keyword, String subject, Schema<?> schema, JsonNode value,
                                        ValidationReport.Message message) {
        String sent = value == null ? "" : "; " + quoted(value) + " is not";
        if (schema == null) {
            return subject + ": " + withoutPath(message.getMessage());
        }
        switch (keyword) {
            case "type":
                return subject + " must be " + typeName(schema) + ", not " + kindOf(value) + ".";
            case "pattern":
            case "format":
                return subject + " must be " + described(schema) + sent + ".";
            case "minLength":
            case "maxLength":
                return subject + " must be " + range(schema.getMinLength(), schema.getMaxLength()) + " characters long"
                        + (value != null && value.isTextual() ? " (it has " + value.textValue().length() + ")" : "") + ".";
            case "minimum":
            case "maximum":
                return subject + " must be " + numberRange(schema.getMinimum(), schema.getMaximum()) + sent + ".";
            case "enum":
                List<String> allowed = new ArrayList<>();
                schema.getEnum().forEach(option -> allowed.add(String.valueOf(option)));
                return subject + " must be one of " + String.join(", ", allowed) + sent + ".";
            case "minItems":
            case "maxItems":
                return subject + " must list " + range(schema.getMinItems(), schema.getMaxItems()) + " items"
                        + (value != null && value.isArray() ? " (it lists " + value.size() + ")" : "") + ".";
            default:
                return subject + ": " + withoutPath(message.getMessage());
        }
    }

    private Schema<?> requestSchema() {
        if (operation.getOperation().getRequestBody() == null || operation.getOperation().getRequestBody().getContent() == null) {
            return null;
        }
        MediaType json = operation.getOperation().getRequestBody().getContent().get("application/json");
        return json == null ? null : json.getSchema();
    }

    /** The schema of the value a JSON pointer names, walking properties of objects and items of arrays. */
    private static Schema<?> schemaAt(Schema<?> root, String pointer) {
        Schema<?> schema = root;
        for (String token : pointer.split("/")) {
            if (token.isEmpty() || schema == null) {
                continue;
            }
            String name = token.replace("~1", "/").replace("~0", "~");
            if (schema.getItems() != null && name.chars().allMatch(Character::isDigit)) {
                schema = schema.getItems();
            } else {
                schema = schema.getProperties() == null ? null : schema.getProperties().get(name);
            }
        }
        return schema;
    }

    /** "/chunks/0/md5" as a person reads it: "chunks[0].md5". */
    static String fieldName(String pointer) {
        StringBuilder name = new StringBuilder();
        for (String token : pointer.split("/")) {
            if (token.isEmpty()) {
                continue;
            }
            String part = token.replace("~1", "/").replace("~0", "~");
            if (part.chars().allMatch(Character::isDigit)) {
                name.append('[').append(part).append(']');
            } else {
                name.append(name.isEmpty() ? "" : ".").append(part);
            }
        }
        return name.toString();
    }

    private static String fieldsOf(Schema<?> schema) {
        if (schema == null || schema.getProperties() == null || schema.getProperties().isEmpty()) {
            return "";
        }
        return " with " + String.join(", ", schema.getProperties().keySet());
    }

    /** What a patterned or formatted value is: the schema's title, else its format or pattern. */
    private static String described(Schema<?> schema) {
        if (schema.getTitle() != null) {
            return schema.getTitle();
        }
        if ("email".equals(schema.getFormat())) {
            return "an e-mail address";
        }
        if (schema.getFormat() != null) {
            return "a " + schema.getFormat();
        }
        return "text matching " + schema.getPattern();
    }

    private static String typeName(Schema<?> schema) {
        String type = schema.getType();
        if (type == null) {
            return "a value of another kind";
        }
        return switch (type) {
            case "integer" -> "a whole number";
            case "number" -> "a number";
            case "string" -> schema.getTitle() != null ? schema.getTitle() : "a string";
            case "boolean" -> "true or false";
            case "array" -> "a list";
            case "object" -> "a JSON object";
            default -> type;
        };
    }

    private static String kindOf(JsonNode value) {
        if (value == null || value.isNull()) {
            return "null";
        }
        if (value.isTextual()) {
            return "a string";
        }
        if (value.isIntegralNumber()) {
            return "a whole number";
        }
        if (value.isNumber()) {
            return "a fraction";
        }
        if (value.isBoolean()) {
            return value.asText();
        }
        if (value.isArray()) {
            return "a list";
        }
        return "an object";
    }

    private static String range(Integer min, Integer max) {
        if (min != null && max != null) {
            return min.equals(max) ? String.valueOf(min) : min + " to " + max;
        }
        return min != null ? "at least " + min : "at most " + max;
    }

    private static String numberRange(BigDecimal min, BigDecimal max) {
        if (min != null && max != null) {
            return "from " + min.toPlainString() + " to " + max.toPlainString();
        }
        return min != null ? "at least " + min.toPlainString() : "at most " + max.toPlainString();
    }

    private static String quoted(JsonNode value) {
        String text = value.isTextual() ? value.textValue() : value.toString();
        if (text.length() > MAX_QUOTED_VALUE) {
            text = text.substring(0, MAX_QUOTED_VALUE) + "...";
        }
        return "'" + text + "'";
    }

    private static String quotedName(ValidationReport.Message message) {
        Matcher name = QUOTED_NAME.matcher(message.getMessage());
        return name.find() ? "'" + name.group(1) + "'" : "";
    }

    private static String keyword(String key) {
        String rest = key.substring(key.indexOf(".schema.") + ".schema.".length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    private static String withoutPath(String message) {
        return message.replaceFirst("^\\[Path '[^']*'\\] ", "");
    }

    private static String capitalised(String text) {
        return text == null || text.isEmpty() ? "Request" : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
