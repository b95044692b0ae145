package dev.fileanalysis.server;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.impl.VertxInternal;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the refusals the HTTP server makes before any route runs as the API answers its own: a
 * status, {@code Content-Type: application/json} and {@code {"error": "<sentence>"}} naming what
 * was wrong. Left alone, Vert.x answers a request line or headers over its limits (414, 431) and a
 * request it cannot parse (400) with an empty body, and a body over {@code camel.server.max-body-size}
 * (413), a malformed path or a missing Host (400), a path outside every route (404) and a failing
 * handler (500) with a word of text, and logs the client's mistake as an error.
 *
 * <p>Vert.x refuses in two layers, so there are two ways in:
 * <ul>
 * <li>What Netty could not decode goes to {@link HttpServer#invalidRequestHandler}, which Vert.x
 * reads once, when the server starts listening. Camel creates its server and starts it listening
 * in one step ({@code VertxPlatformHttpServer.startServer}, {@code new HttpServerOptions()}) and
 * offers no hook in between; what it does take from outside is the Vert.x instance, from the
 * registry. So the registry gets a Vert.x that is the real one behind a dynamic proxy whose
 * {@code createHttpServer} sets the handler on the server before handing it back. The proxy is the
 * one ugly part; it does nothing else (every other call goes to the real instance).</li>
 * <li>What Vert.x Web fails itself goes to {@link Router#errorHandler}, which may be set at any time
 * on the routers Camel's server runs: the one it listens with ({@link HttpServer#requestHandler()})
 * and the platform-http router its routes are mounted on ({@link VertxPlatformHttpRouter}); public
 * API both, set as soon as the context has started.</li>
 * </ul>
 * What even this cannot reach: a request line naming an HTTP version Vert.x does not speak (say
 * {@code HTTP/9.9}) is answered 501 with no body by Vert.x itself, before any handler.
 */
public final class HttpServerRefusals {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServerRefusals.class);

    /** The statuses Vert.x Web answers itself when no route takes a request or a handler fails. */
    private static final List<Integer> ROUTER_STATUSES = List.of(400, 401, 403, 404, 405, 406, 413, 415, 500, 501, 502, 503);

    /** A decoder's own words about a malformed request, at most this long, so an answer stays one sentence. */
    private static final int MAX_REASON_CHARS = 200;

    private HttpServerRefusals() {
    }

    /**
     * Makes every refusal of the context's platform-http server a JSON sentence. Call while the
     * context is configured, before it starts (the server takes its Vert.x from the registry then);
     * the context refuses to start if no platform-http server runs in it.
     */
    public static void install(CamelContext camel) {
        // Camel would make the same instance itself (Vertx.vertx() with no options in the registry),
        // but closes only one it made: this one closes when the context has stopped, after the server.
        Vertx vertx = Vertx.vertx();
        camel.getRegistry().bind("vertx", answeringUndecodableRequests(vertx));
        camel.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStopped(CamelContext context) {
                vertx.close();
            }
        });
        ServerBeans.whenStarted(camel, "the HTTP server's refusals", HttpServerRefusals::answerRouterFailures);
    }

    /** The Vert.x instance that sets {@link #refuseUndecodable} on every HTTP server it creates. */
    static Vertx answeringUndecodableRequests(Vertx vertx) {
        InvocationHandler calls = (proxy, method, arguments) -> {
            Object result;
            try {
                result = method.invoke(vertx, arguments);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (result instanceof HttpServer server && method.getName().equals("createHttpServer")) {
                HttpServerOptions options = arguments != null && arguments.length > 0 && arguments[0] instanceof HttpServerOptions given
                        ? given : new HttpServerOptions();
                int maxLine = options.getMaxInitialLineLength();
                int maxHeaders = options.getMaxHeaderSize();
                server.invalidRequestHandler(request -> refuseUndecodable(request, maxLine, maxHeaders));
            }
            return result;
        };
        // VertxInternal, not only Vertx: some of Vert.x's own code casts the instance it is given to it
        return (Vertx) Proxy.newProxyInstance(HttpServerRefusals.class.getClassLoader(), new Class<?>[] {VertxInternal.class},
                calls);
    }

    /**
     * Answers a request Netty could not decode, as Vert.x's default handler does (the same status,
     * then the connection closed, since the rest of the stream cannot be trusted) but with a sentence.
     */
    static void refuseUndecodable(HttpServerRequest request, int maxLineBytes, int maxHeaderBytes) {
        Throwable cause = request.decoderResult().cause();
        int status;
        String sentence;
        if (cause instanceof TooLongHttpLineException) {
            status = 414;
            sentence = "The request line (method, URL and protocol) is longer than the " + maxLineBytes
                    + " bytes this server reads; send a shorter URL.";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            sentence = "The request's headers are larger than the " + maxHeaderBytes
                    + " bytes this server reads; send fewer or shorter headers.";
        } else {
            status = 400;
            sentence = "The request is not valid HTTP/1.1 (" + reason(cause, "its request line or a header is malformed")
                    + "); the server could not read it.";
        }
        HttpServerResponse response = request.response();
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(Json.write(Map.of("error", sentence)))
                .onComplete(written -> request.connection().close());
    }

    private static void answerRouterFailures(CamelContext camel) {
        // by type: Camel binds it under a name made of the configured port (platform-http-router-8080)
        List<VertxPlatformHttpRouter> servers = camel.getRegistry().findByType(VertxPlatformHttpRouter.class).stream()
                .filter(router -> !router.isManagementServer()).toList();
        if (servers.isEmpty()) {
            throw new IllegalStateException("No platform-http server runs in this context (camel.server.enabled=false?); "
                    + "the server role needs one, and its refusals need a sentence.");
        }
        for (VertxPlatformHttpRouter routes : servers) {
            VertxPlatformHttpServer server = routes.getServer();
            if (!(server.getServer().requestHandler() instanceof Router listening)) {
                throw new IllegalStateException("The platform-http server listens with " + server.getServer().requestHandler()
                        + ", not a Vert.x Web router; its refusals cannot be given a sentence.");
            }
            Long maxBodyBytes = server.getMaxBodySize();
            for (int status : ROUTER_STATUSES) {
                Handler<RoutingContext> refusal = context -> refuseInRouter(context, status, maxBodyBytes);
                // which of the two routers answers depends on where the request failed: outside every
                // route (the listening one) or in a route of Camel's (the one they are mounted on)
                listening.errorHandler(status, refusal);
                routes.errorHandler(status, refusal);
            }
        }
    }

    /**
     * Answers what Vert.x Web failed itself with {@code status}, where it would write a word of text.
     * The status is the one the handler was registered for: Vert.x picks the handler by it, and does
     * not always tell the context (a path it cannot decode fails before the context has a status).
     */
    static void refuseInRouter(RoutingContext context, int status, Long maxBodyBytes) {
        HttpServerResponse response = context.response();
        if (response.ended() || response.closed()) {
            return;
        }
        Throwable failure = context.failure();
        if (response.headWritten()) {
            // an answer under way can only be cut short: its status is on the wire already
            LOG.warn("{} {} failed after its answer began: {}", context.request().method(), context.request().uri(), failure);
            context.request().connection().close();
            return;
        }
        String path = context.request().path();
        String sentence;
        switch (status) {
            case 400 -> sentence = "The request is not valid HTTP/1.1 (" + reason(failure, "its path or a header is malformed")
                    + "); the server could not read it.";
            case 404 -> sentence = ErrorResponses.noSuchPath(path);
            case 405 -> sentence = ErrorResponses.notAnOperation(context.request().method().name(), path,
                    response.headers().get(HttpHeaders.ALLOW));
            case 413 -> sentence = maxBodyBytes == null ? "The request body is larger than this server accepts."
                    : "The request body is larger than this server accepts: at most " + maxBodyBytes + " bytes.";
            default -> {
                if (status >= 500) {
                    LOG.error("request {} {} failed", context.request().method(), context.request().uri(), failure);
                    sentence = "Internal error; the server log has the details.";
                } else {
                    sentence = "The server refused the request: " + HttpResponseStatus.valueOf(status).reasonPhrase() + ".";
                }
            }
        }
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(Json.write(Map.of("error", sentence)));
    }

    /** What the decoder said was wrong, when it said it in a few words, else {@code otherwise}. */
    private static String reason(Throwable cause, String otherwise) {
        String message = cause == null ? null : cause.getMessage();
        if (message == null || message.isBlank()) {
            return otherwise;
        }
        String oneLine = message.replaceAll("\\p{Cntrl}", " ").strip();
        if (oneLine.endsWith(".")) {
            oneLine = oneLine.substring(0, oneLine.length() - 1);
        }
        return oneLine.length() <= MAX_REASON_CHARS ? oneLine : oneLine.substring(0, MAX_REASON_CHARS) + "...";
    }
}
