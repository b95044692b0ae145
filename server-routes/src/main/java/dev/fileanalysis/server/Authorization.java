package dev.fileanalysis.server;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

import com.nimbusds.jwt.JWTParser;
import dev.fileanalysis.server.AccessRules.OrganisationRole;
import dev.fileanalysis.server.AccessRules.Processor;
import dev.fileanalysis.server.AccessRules.Public;
import dev.fileanalysis.server.AccessRules.Rule;
import dev.fileanalysis.server.AccessRules.Scraper;
import dev.fileanalysis.server.auth.Caller;
import dev.fileanalysis.server.auth.ExpiringCache;
import dev.fileanalysis.server.auth.ScrapeAccess;
import dev.fileanalysis.server.auth.ServiceTokenValidator;
import dev.fileanalysis.server.auth.SessionClaims;
import dev.fileanalysis.server.auth.SessionTokens;
import dev.fileanalysis.server.directory.Membership;
import dev.fileanalysis.server.refusal.InvalidRequestException;
import dev.fileanalysis.server.refusal.NotPermittedException;
import dev.fileanalysis.server.refusal.NotSignedInException;
import io.vertx.core.net.SocketAddress;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;
import org.apache.camel.support.ExchangeHelper;

/**
 * The first step of every API route (declared once, in the api-operation route configuration):
 * finds the operation's rule in {@link AccessRules} by the id of the route performing it (which is
 * its operationId), proves who is calling, and checks they may. The caller travels as an exchange
 * property, which no HTTP header can set.
 *
 * <p>Users present the server's own session token; processors present their service credential.
 * Which one a token claims to be is read from its issuer, then proven by the matching validator.
 * Whether a session is still live and what role its user has are read from the directory and
 * remembered for a few seconds, so a busy client does not cost a database read per call; a sign-out
 * or a removal takes effect everywhere within that time. The operator's monitoring is let in by
 * where it calls from, or by its scrape token ({@link ScrapeAccess}).
 */
public final class Authorization {

    public static final String CALLER = "caller";

    static final Pattern ORGANISATION_ID = Pattern.compile("org-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final AccessRules rules;
    private final SessionTokens sessions;
    private final ServiceTokenValidator services;
    private final ScrapeAccess scrapers;
    private final CallerDirectory directory;
    private final ExpiringCache<String, Boolean> liveSessions;
    private final ExpiringCache<String, Optional<Membership>> memberships;

    public Authorization(AccessRules rules, SessionTokens sessions, ServiceTokenValidator services, ScrapeAccess scrapers,
                         CallerDirectory directory, Clock clock, Duration cache) {
        this.rules = rules;
        this.sessions = sessions;
        this.services = services;
        this.scrapers = scrapers;
        this.directory = directory;
        this.liveSessions = new ExpiringCache<>(clock, cache);
        this.memberships = new ExpiringCache<>(clock, cache);
    }

    /** Checks the caller of the operation this exchange's route performs. */
    public void check(Exchange exchange) {
        // The route the exchange is in now: the REST facade handed it to direct:<operationId>.
        String operation = ExchangeHelper.getAtRouteId(exchange);
        Rule rule = rules.ruleFor(operation).orElseThrow(() -> new IllegalStateException(
                "Operation '" + operation + "' has no access rule; the server refuses it."));
        if (rule instanceof Public) {
            return;
        }
        if (rule instanceof Scraper) {
            scrapers.check(exchange.getIn().getHeader("Authorization", String.class), remoteAddress(exchange),
                    ScrapeAccess.FORWARDING_HEADERS.stream().anyMatch(name -> exchange.getIn().getHeader(name) != null));
            return;
        }
        String token = bearer(exchange.getIn().getHeader("Authorization", String.class));
        boolean sessionToken = sessions.issuer().equals(issuerOf(token));
        if (rule instanceof Processor) {
            if (sessionToken) {
                sessions.verify(token);
                throw new NotPermittedException("A user session cannot call processor endpoints; they take a processor's service credential.");
            }
            exchange.setProperty(CALLER, Caller.processor(services.validateProcessor(token)));
            return;
        }
        if (!sessionToken) {
            if (services.isProcessor(services.validate(token))) {
                throw new NotPermittedException("A processor credential cannot call user endpoints.");
            }
            throw new NotSignedInException("User endpoints take the server's own session token, not a token of the sign-in "
                    + "provider: sign in with ./pipeline login (or POST the ID token to /auth/session).");
        }
        SessionClaims claims = sessions.verify(token);
        if (!sessionLive(claims.session())) {
            throw new NotSignedInException("This session has ended (signed out, or its refresh token was reused); sign in again.");
        }
        if (!(rule instanceof OrganisationRole needed)) {
            exchange.setProperty(CALLER, Caller.user(claims.user(), claims.organisation(), null, claims.session()));
            return;
        }
        String organisation = organisationInScope(exchange, operation, claims);
        Membership membership = membership(organisation, claims.user()).orElseThrow(() -> new NotPermittedException(
                "You are not a member of organisation " + organisation + "."));
        if (!membership.role().atLeast(needed.role())) {
            throw new NotPermittedException("This needs the " + needed.role().wireName() + " role in organisation "
                    + organisation + "; yours is " + membership.role().wireName() + ".");
        }
        exchange.setProperty(CALLER, Caller.user(claims.user(), organisation, membership.role(), claims.session()));
    }

    /** Forgets what was remembered about a session, e.g. right after it was ended on this server. */
    public void forgetSession(String sessionId) {
        liveSessions.forget(sessionId);
    }

    /** Forgets a remembered membership, e.g. right after a role change or removal on this server. */
    public void forgetMembership(String organisation, String user) {
        memberships.forget(organisation + "/" + user);
    }

    private String organisationInScope(Exchange exchange, String operation, SessionClaims claims) {
        if (!rules.scopedByPath(operation)) {
            return claims.organisation();
        }
        // Only the {org} path parameter names the organisation: routes without it never read the
        // header, so a query parameter ?org= cannot move the scope.
        String organisation = exchange.getIn().getHeader("org", String.class);
        if (organisation == null || !ORGANISATION_ID.matcher(organisation).matches()) {
            throw new InvalidRequestException("'" + organisation + "' is not an organisation id (org- and a UUID).");
        }
        return organisation;
    }

    private boolean sessionLive(String session) {
        return liveSessions.get(session, directory::isLive);
    }

    private Optional<Membership> membership(String organisation, String user) {
        return memberships.get(organisation + "/" + user, key -> directory.membership(organisation, user));
    }

    /**
     * The address the request's connection comes from, as platform-http (Vert.x) records it after the
     * request's headers and query parameters, so that neither can stand in for it; null when unknown.
     */
    private static String remoteAddress(Exchange exchange) {
        Object address = exchange.getIn().getHeader(VertxPlatformHttpConstants.REMOTE_ADDRESS);
        return address instanceof SocketAddress socket && socket.isInetSocket() ? socket.hostAddress() : null;
    }

    private static String bearer(String header) {
        if (header == null || header.isBlank()) {
            throw new NotSignedInException("Missing bearer token: send 'Authorization: Bearer <token>' (sign in with ./pipeline login).");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new NotSignedInException("The Authorization header must use the Bearer scheme.");
        }
        return header.substring(7).trim();
    }

    private static String issuerOf(String token) {
        try {
            return JWTParser.parse(token).getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            throw new NotSignedInException("The bearer token is not a well-formed JWT.");
        }
    }
}
