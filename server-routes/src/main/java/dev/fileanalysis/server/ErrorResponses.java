package dev.fileanalysis.server;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns whatever stopped a request into an HTTP status and {@code {"error": "..."}}: the
 * sentence of an {@link ApiException}, or for anything unexpected a 5xx that says which part of
 * the system failed, never a stack trace.
 */
public final class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    public String toResponse(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int status;
        String message;
        Map<String, Object> details = Map.of();
        if (failure instanceof ApiException api) {
            status = api.status();
            message = api.getMessage();
            details = api.details();
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
}
