package dev.fileanalysis.server;

import dev.fileanalysis.auth.BearerTokenValidator;
import dev.fileanalysis.auth.Caller;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * The first step of every protected route: proves who is calling and that they may call this kind
 * of endpoint. The caller travels as an exchange property, which no HTTP header can set.
 */
public final class Authorization {

    public static final String CALLER = "caller";

    private final BearerTokenValidator validator;

    public Authorization(BearerTokenValidator validator) {
        this.validator = validator;
    }

    /** Users' endpoints: a valid token that is not a processor's service credential. */
    public void requireUser(@Header("Authorization") String authorization, Exchange exchange) {
        Caller caller = validator.validate(authorization);
        if (caller.processor()) {
            throw ApiException.forbidden("A processor credential cannot call user endpoints.");
        }
        exchange.setProperty(CALLER, caller);
    }

    /** Processors' endpoints: a valid token of a configured processor service client. */
    public void requireProcessor(@Header("Authorization") String authorization, Exchange exchange) {
        Caller caller = validator.validate(authorization);
        if (!caller.processor()) {
            throw ApiException.forbidden("Only processor service credentials can call processor endpoints.");
        }
        exchange.setProperty(CALLER, caller);
    }
}
