package dev.fileanalysis.server;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.fileanalysis.server.auth.Caller;
import dev.fileanalysis.server.auth.IdTokenValidator;
import dev.fileanalysis.server.auth.SessionClaims;
import dev.fileanalysis.server.auth.SessionTokens;
import dev.fileanalysis.server.auth.TrustedIssuer;
import dev.fileanalysis.server.directory.VerifiedIdentity;
import dev.fileanalysis.crypto.DeviceProof;
import dev.fileanalysis.server.directory.DirectoryStore;
import dev.fileanalysis.server.directory.DirectoryStore.IssuedSession;
import dev.fileanalysis.server.directory.Membership;
import dev.fileanalysis.server.directory.Plans;
import dev.fileanalysis.server.directory.SignInOutcome;
import dev.fileanalysis.server.directory.User;
import dev.fileanalysis.server.refusal.ConflictException;
import dev.fileanalysis.server.refusal.InvalidRequestException;
import dev.fileanalysis.server.refusal.NotPermittedException;
import dev.fileanalysis.server.refusal.NotSignedInException;
import org.apache.camel.ExchangeProperty;

/**
 * Sign-in: a provider's ID token is exchanged for the server's own session (a short-lived access
 * token bound to user and organisation, and a single-use refresh token). The first sign-in of a
 * person is their sign-up.
 */
public final class SignInApi {

    /** How long a nonce is remembered: longer than any provider's ID token lives. */
    static final Duration NONCE_MEMORY = Duration.ofDays(1);

    private final List<TrustedIssuer> providers;
    private final IdTokenValidator idTokens;
    private final SessionTokens sessionTokens;
    private final DirectoryStore directory;
    private final Plans plans;
    private final Authorization authorization;
    private final Duration refreshLifetime;
    private final Clock clock;

    public SignInApi(List<TrustedIssuer> providers, IdTokenValidator idTokens, SessionTokens sessionTokens,
                     DirectoryStore directory, Plans plans, Authorization authorization, Duration refreshLifetime, Clock clock) {
        this.providers = List.copyOf(providers);
        this.idTokens = idTokens;
        this.sessionTokens = sessionTokens;
        this.directory = directory;
        this.plans = plans;
        this.authorization = authorization;
        this.refreshLifetime = refreshLifetime;
        this.clock = clock;
    }

    public Map<String, Object> providers() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (TrustedIssuer issuer : providers) {
            Map<String, Object> provider = new LinkedHashMap<>();
            provider.put("id", issuer.id());
            provider.put("authorization_endpoint", issuer.authorizationUrl());
            provider.put("token_endpoint", issuer.tokenUrl());
            provider.put("client_id", issuer.clientId());
            provider.put("scopes", "openid email profile");
            list.add(provider);
        }
        return Map.of("providers", list);
    }

    public Map<String, Object> sessionKeys() {
        try {
            return Json.MAPPER.readValue(sessionTokens.publicJwksJson(), new com.fasterxml.jackson.core.type.TypeReference<>() { });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("The session key set does not serialise: " + e.getMessage(), e);
        }
    }

    /** POST /auth/session: checks the ID token fully before anything is written. */
    public Map<String, Object> startSession(Map<String, Object> body) {
        String provider = Json.text(body, "provider");
        String idToken = Json.text(body, "id_token");
        String nonce = Json.text(body, "nonce");
        String device = Json.text(body, "device");
        String proof = Json.text(body, "device_proof");
        // the form of each field is the document's; how device and its proof go together is checked here
        if (device != null) {
            if (proof == null || !DeviceProof.isValid(device, nonce, proof)) {
                throw new InvalidRequestException("Field 'device_proof' must be this device's signature over the sign-in's nonce "
                        + "(see DeviceProof): a device is registered only by whoever holds its private key.");
            }
        } else if (proof != null) {
            throw new InvalidRequestException("Field 'device_proof' makes sense only with 'device'.");
        }
        VerifiedIdentity identity = idTokens.validate(provider, idToken, nonce);
        if (device != null) {
            String owner = directory.deviceOwner(device).orElse(null);
            if (owner != null && !owner.equals(DirectoryStore.userIdOf(identity.issuer(), identity.subject()))) {
                throw new ConflictException("This device's key is registered to another user; a device belongs to one person. "
                        + "Sign in there with that person, or make a new device key.");
            }
        }
        // A nonce is good for one sign-in: a captured ID token cannot be exchanged a second time.
        if (!directory.useNonce(nonce, clock.instant().plus(NONCE_MEMORY))) {
            throw new NotSignedInException("This ID token's nonce was already used; start a new sign-in.");
        }
        SignInOutcome outcome = directory.signIn(identity, plans.defaultPlan());
        if (device != null && !directory.registerDevice(device, outcome.user().id())) {
            throw new ConflictException("This device's key is registered to another user.");
        }
        Membership bound = preferred(outcome.memberships());
        IssuedSession session = directory.createSession(outcome.user().id(), bound.organisation(), refreshLifetime);
        return sessionResponse(session, outcome.user(), outcome.memberships(), session.organisation());
    }

    /** POST /auth/refresh: rotates the refresh token; may bind the new access token to another organisation. */
    public Map<String, Object> refresh(Map<String, Object> body) {
        String refreshToken = Json.text(body, "refresh_token");
        String proposedNext = Json.text(body, "next_refresh_token");
        String switchTo = Json.text(body, "organisation");
        IssuedSession session = directory.rotate(refreshToken, switchTo, refreshLifetime, proposedNext);
        User user = directory.user(session.userId()).orElseThrow(() -> new NotSignedInException("This user no longer exists."));
        List<Membership> memberships = directory.membershipsOf(user.id());
        if (memberships.stream().noneMatch(m -> m.organisation().equals(session.organisation()))) {
            // Removed from the organisation the session was bound to: the new access token is
            // bound to one they still have. (The refresh token is not rotated a second time: the
            // client's own choice of it must stay the answer, or a retry after a crash would fail.)
            if (memberships.isEmpty()) {
                directory.revoke(session.refreshToken());
                throw new NotPermittedException("You are no longer a member of any organisation; ask an admin to invite you.");
            }
            return sessionResponse(session, user, memberships, preferred(memberships).organisation());
        }
        return sessionResponse(session, user, memberships, session.organisation());
    }

    /** POST /auth/logout: ends the session of this refresh token; its access tokens stop working too. */
    public Map<String, Object> logout(Map<String, Object> body) {
        String refreshToken = Json.text(body, "refresh_token");
        directory.sessionIdOf(refreshToken).ifPresent(authorization::forgetSession);
        directory.revoke(refreshToken);
        return Map.of("signed_out", true);
    }

    public Map<String, Object> me(@ExchangeProperty(Authorization.CALLER) Caller caller) {
        User user = directory.user(caller.subject()).orElseThrow(() -> new NotSignedInException("This user no longer exists."));
        List<Membership> memberships = directory.membershipsOf(user.id());
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("user", user(user));
        memberships.stream().filter(m -> m.organisation().equals(caller.organisation())).findFirst()
                .ifPresent(m -> me.put("organisation", organisation(m)));
        me.put("organisations", memberships.stream().map(SignInApi::organisation).toList());
        return me;
    }

    private Map<String, Object> sessionResponse(IssuedSession session, User user, List<Membership> memberships, String organisation) {
        Membership bound = memberships.stream().filter(m -> m.organisation().equals(organisation)).findFirst()
                .orElseThrow(() -> new NotPermittedException("You are not a member of organisation " + organisation + "."));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("access_token", sessionTokens.issue(new SessionClaims(user.id(), organisation, session.sessionId())));
        response.put("token_type", "Bearer");
        response.put("expires_in", sessionTokens.lifetime().toSeconds());
        response.put("refresh_token", session.refreshToken());
        response.put("user", user(user));
        response.put("organisation", organisation(bound));
        response.put("organisations", memberships.stream().map(SignInApi::organisation).toList());
        return response;
    }

    /** The organisation a new session is bound to: where the person has the most say, then by name. */
    private static Membership preferred(List<Membership> memberships) {
        return memberships.stream()
                .min(Comparator.comparing((Membership m) -> -m.role().ordinal()).thenComparing(Membership::organisationName))
                .orElseThrow(() -> new IllegalStateException("a signed-in user always has an organisation"));
    }

    static Map<String, Object> user(User user) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", user.id());
        map.put("email", user.email());
        map.put("name", user.name());
        return map;
    }

    static Map<String, Object> organisation(Membership membership) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", membership.organisation());
        map.put("name", membership.organisationName());
        map.put("role", membership.role().wireName());
        return map;
    }
}
