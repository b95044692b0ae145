package dev.fileanalysis.client.signin;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The redirect URI of a desktop sign-in (RFC 8252 section 7.3): a listener on the loopback
 * address at a port the system picks, answering exactly one browser request at
 * {@code /callback}. The request must carry this sign-in's {@code state}; anything else (another
 * sign-in's answer, a page forging one, the provider's refusal) ends the sign-in with an error,
 * since the code could belong to someone else's session.
 */
public final class LoopbackRedirect implements AutoCloseable {

    public static final String PATH = "/callback";

    private final HttpServer server;
    private final ExecutorService executor;
    private final String expectedState;
    private final URI redirectUri;
    private final CompletableFuture<String> code = new CompletableFuture<>();
    private final AtomicBoolean answered = new AtomicBoolean();

    private LoopbackRedirect(HttpServer server, ExecutorService executor, String expectedState) {
        this.server = server;
        this.executor = executor;
        this.expectedState = expectedState;
        this.redirectUri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    /** Starts listening on 127.0.0.1 at a free port for the answer to the sign-in whose state is {@code expectedState}. */
    public static LoopbackRedirect listen(String expectedState) throws IOException {
        if (expectedState == null || expectedState.isEmpty()) {
            throw new IllegalArgumentException("a sign-in needs a state to tell its own answer from a forged one");
        }
        // The IP literal, not "localhost": a name can resolve elsewhere and a firewall may treat it differently.
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 0);
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sign-in-redirect");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        LoopbackRedirect redirect = new LoopbackRedirect(server, executor, expectedState);
        server.createContext(PATH, redirect::handle);
        server.start();
        return redirect;
    }

    /** {@code http://127.0.0.1:PORT/callback}, to register as the authorization request's redirect_uri. */
    public URI redirectUri() {
        return redirectUri;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Waits for the browser to come back with an authorization code.
     *
     * @throws SignInException the provider refused, the answer was not for this sign-in, or none came in time
     */
    public String awaitCode(Duration timeout) throws SignInException, InterruptedException {
        try {
            return code.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new SignInException("No answer from the browser within " + timeout.toSeconds()
                    + " s: the sign-in was not completed at the identity provider. Start it again (./pipeline login).");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SignInException refused) {
                throw new SignInException(refused.getMessage(), refused);
            }
            throw new SignInException("The sign-in redirect failed: " + e.getCause(), e.getCause());
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            if (!answered.compareAndSet(false, true)) {
                // One-shot: a second answer (a reload, a forged link) changes nothing.
                respond(exchange, 409, "This sign-in is already over",
                        "This address answered one sign-in and takes no other. You can close this tab.");
                return;
            }
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String error = query.get("error");
            String state = query.get("state");
            String authorizationCode = query.get("code");
            SignInException failure = null;
            if (!expectedState.equals(state)) {
                // Checked before anything else the answer says: an unknown answer is not this provider speaking.
                failure = new SignInException("The browser came back with " + (state == null ? "no state" : "a different state")
                        + " than this sign-in sent: the answer belongs to another sign-in or was forged, so it was refused."
                        + " Start the sign-in again (./pipeline login).");
                respond(exchange, 400, "Sign-in refused",
                        "This answer does not belong to the sign-in the pipeline started (state mismatch), so it was refused."
                                + " Go back to the terminal and start again.");
            } else if (error != null) {
                String description = query.get("error_description");
                failure = new SignInException("The identity provider did not sign you in: " + error
                        + (description == null || description.isBlank() ? "" : " (" + description + ")")
                        + (error.equals("access_denied") ? ". Access was denied or the sign-in was cancelled; run ./pipeline login to try again." : "."));
                respond(exchange, 400, "Sign-in did not complete",
                        "The identity provider answered: " + error + (description == null ? "" : " — " + description)
                                + ". You can close this tab and go back to the terminal.");
            } else if (authorizationCode == null || authorizationCode.isEmpty()) {
                failure = new SignInException("The identity provider redirected back without an authorization code or an error.");
                respond(exchange, 400, "Sign-in did not complete",
                        "The identity provider sent no authorization code. You can close this tab and go back to the terminal.");
            } else {
                respond(exchange, 200, "Signed in",
                        "You are signed in to the File Analysis Pipeline. You can close this tab.");
            }
            // Completed after the page is sent, so the browser always gets its answer before we close.
            if (failure != null) {
                code.completeExceptionally(failure);
            } else {
                code.complete(authorizationCode);
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            values.putIfAbsent(key, value);
        }
        return values;
    }

    private static void respond(HttpExchange exchange, int status, String title, String text) throws IOException {
        String page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title></head>"
                + "<body style=\"font-family:sans-serif;margin:3em\"><h1>" + escape(title) + "</h1><p>" + escape(text)
                + "</p></body></html>";
        byte[] body = page.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The provider's error text is shown in the page: it must not become markup. */
    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Stops listening; the port is free again when this returns. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        if (!code.isDone()) {
            code.completeExceptionally(new SignInException("The sign-in was stopped before the browser came back."));
        }
    }
}
