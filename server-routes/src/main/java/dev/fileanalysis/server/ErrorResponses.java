package dev.fileanalysis.server;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import dev.fileanalysis.server.directory.QuotaExceededException;
import dev.fileanalysis.server.refusal.ConflictException;
import dev.fileanalysis.server.refusal.InvalidRequestException;
import dev.fileanalysis.server.refusal.NotFoundException;
import dev.fileanalysis.server.refusal.NotPermittedException;
import dev.fileanalysis.server.refusal.NotSignedInException;
import dev.fileanalysis.server.refusal.TooLargeException;
import dev.fileanalysis.server.refusal.RefusalException;

/**
 * Turns whatever stopped a request into an HTTP status and {@code {"error": "..."}}: the
 * sentence of a {@link RefusalException}, or for anything unexpected a 5xx that says which part of
 * the system failed, never a stack trace. The one place where a kind of refusal becomes a status.
 */
public final class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    /**
     * The exchange property an operation sets to answer text that is not JSON (Prometheus's text
     * format): its body leaves as it is, with this content type. A property, which no request header
     * can set.
     */
    public static final String CONTENT_TYPE_PROPERTY = "responseContentType";

    public String toResponse(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int status;
        String message;
        Map<String, Object> details = Map.of();
        if (failure instanceof RefusalException refusal) {
            status = statusOf(refusal);
            message = refusal.getMessage();
            details = refusal.details();
        } else if (failure instanceof SdkException sdk) {
            status = 503;
            message = "Storage is unavailable right now; retry shortly.";
            LOG.warn("storage call failed on {} {}: {}", exchange.getIn().getHeader(Exchange.HTTP_METHOD),
                    exchange.getIn().getHeader(Exchange.HTTP_URI), sdk.getMessage());
        } else {
            status = 500;
            message = "Internal error; the server log has the details.";
            LOG.error("request {} {} failed", exchange.getIn().getHeader(Exchange.HTTP_METHOD),
                    exchange.getIn().getHeader(Exchange.HTTP_URI), failure);
        }
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message == null ? "Error" : message);
        details.forEach(body::putIfAbsent);
        return Json.write(body);
    }

    /**
     * The last step of every HTTP answer: what the operation's steps answered is written as JSON
     * (unless the operation named another content type, {@link #CONTENT_TYPE_PROPERTY}, for its text);
     * only the status, the content type and the body leave the server (request headers and query
     * parameters, which Camel carries as headers, are never echoed back; Allow stays on a 405); and
     * a request for a path or method the document does not describe, which the REST facade answers
     * without a body, gets a sentence like every refusal.
     */
    public void finishResponse(Exchange exchange) {
        Message message = exchange.getMessage();
        Integer status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String method = message.getHeader(Exchange.HTTP_METHOD, String.class);
        String path = message.getHeader(Exchange.HTTP_PATH, String.class);
        String allow = message.getHeader("Allow", String.class);
        message.removeHeaders("*", Exchange.HTTP_RESPONSE_CODE);
        Object body = message.getBody();
        if (body != null && !(body instanceof String) && !(body instanceof byte[])) {
            // an operation's answer (a map, a job, a list of results): error answers are JSON text already
            message.setBody(Json.write(body));
            body = message.getBody();
        }
        boolean empty = body == null || body instanceof String text && text.isEmpty();
        if (empty && status != null && status == 404) {
            message.setBody(Json.write(Map.of("error", noSuchPath(path))));
            empty = false;
        } else if (empty && status != null && status == 405) {
            message.setHeader("Allow", allow);
            message.setBody(Json.write(Map.of("error", notAnOperation(method, path, allow))));
            empty = false;
        }
        if (!empty) {
            String contentType = exchange.getProperty(CONTENT_TYPE_PROPERTY, String.class);
            message.setHeader(Exchange.CONTENT_TYPE, contentType == null ? "application/json" : contentType);
        }
    }

    /** The refusal of a path the API document does not describe. */
    static String noSuchPath(String path) {
        return "There is no " + path + " in this API; its operations are described at /openapi.json.";
    }

    /** The refusal of a method the API document does not describe for a path; {@code allow} may be unknown (null). */
    static String notAnOperation(String method, String path, String allow) {
        return method + " is not an operation of " + path + (allow == null || allow.isBlank() ? "." : "; it takes " + allow + ".");
    }

    /** The HTTP status that tells a caller what kind of refusal this is. */
    public static int statusOf(RefusalException refusal) {
        if (refusal instanceof InvalidRequestException) {
            return 400;
        } else if (refusal instanceof NotSignedInException) {
            return 401;
        } else if (refusal instanceof QuotaExceededException) {
            // 402: a plan with more room is the fix, not retrying (clients retry a 429)
            return 402;
        } else if (refusal instanceof NotPermittedException) {
            return 403;
        } else if (refusal instanceof NotFoundException) {
            return 404;
        } else if (refusal instanceof ConflictException) {
            return 409;
        } else if (refusal instanceof TooLargeException) {
            return 413;
        }
        throw new IllegalArgumentException("No status for " + refusal.getClass().getName());
    }
}
