package dev.fileanalysis.client.signin;


import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.fileanalysis.apiclient.AccessTokens;
import org.slf4j.LoggerFactory;

/**
 * A signed-in person's session with our server, as the bearer tokens of their API calls: the
 * access token is kept in memory and refreshed with the stored refresh token shortly before it
 * expires or after the server refused it.
 *
 * <p>Refresh tokens rotate (each works once), so the order matters: the new refresh token is
 * written to the session file before the new access token is used. A crash in between leaves a
 * file whose token the server still accepts, or (if the crash came after the server rotated but
 * before the write) one it refuses, which asks for a new sign-in; never a working session that
 * only lived in memory. Refreshes happen one at a time, under the session file's lock, and start
 * from the token in the file: another process sharing the session (the CLI beside the running
 * client) may have rotated it meanwhile.
 */
public final class ServerSession implements AccessTokens {

    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofSeconds(60);
    private static final Duration SIGN_IN_CHECK = Duration.ofSeconds(1);

    private final SignInClient auth;
    private final SessionFile file;
    private final Clock clock;
    private StoredSession stored;
    // Set when the server rotated the token but writing it failed: then it lives here only, and is the one to use.
    private boolean unsaved;
    private String accessToken;
    private Instant renewAt = Instant.EPOCH;
    /** The device's session says so in its log, once per time it is signed out; the CLI's prints it itself. */
    private final boolean device;
    /** Set while signed out: the refresh token the server refused ("" when there was no session at all). */
    private volatile String refusedToken;

    private ServerSession(SignInClient auth, SessionFile file, StoredSession stored, Clock clock, boolean device) {
        this.auth = auth;
        this.file = file;
        this.stored = stored;
        this.clock = clock;
        this.device = device;
    }

    /**
     * The session of the client role on this device, signed in or not: while nobody is signed in
     * (no session file, or one whose token the server refused) each call is a
     * {@link SignedOutException}, said once in the log, and {@link #awaitSignIn()} waits for the
     * person to run {@code ./pipeline login}; the session then carries on with the new file.
     */
    public static ServerSession ofDevice(SignInClient auth, SessionFile file) throws IOException {
        return new ServerSession(auth, file, file.read().orElse(null), Clock.systemUTC(), true);
    }

    /**
     * The session stored on this device; the first {@link #token()} refreshes it.
     *
     * @throws SignedOutException there is no session file
     */
    public static ServerSession resume(SignInClient auth, SessionFile file) throws IOException {
        StoredSession stored = file.read().orElseThrow(() -> new SignedOutException(
                "Not signed in: run ./pipeline login (no session at " + file.path() + ")"));
        return new ServerSession(auth, file, stored, Clock.systemUTC(), false);
    }

    /** A session just created by signing in: stored first, then its access token is ready for use. */
    public static ServerSession begin(SignInClient auth, SessionFile file, String providerId, SessionGrant grant) throws IOException {
        StoredSession stored = StoredSession.of(auth.server().toString(), providerId, grant);
        try {
            file.locked(() -> {
                file.write(stored);
                return null;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while saving the session to " + file.path(), e);
        }
        ServerSession session = new ServerSession(auth, file, stored, Clock.systemUTC(), false);
        session.adopt(grant);
        return session;
    }

    @Override
    public synchronized String token() throws IOException, InterruptedException {
        if (accessToken == null || !clock.instant().isBefore(renewAt)) {
            try {
                refresh(null);
            } catch (SignedOutException signedOut) {
                signedOut(signedOut);
                throw signedOut;
            }
        }
        return accessToken;
    }

    /**
     * Waits, checking the session file every second, until someone has signed in on this device
     * since it was signed out ({@code ./pipeline login} wrote a session with another refresh
     * token); at once when it is not signed out. Interrupted at shutdown.
     */
    public void awaitSignIn() throws InterruptedException {
        while (!signedInSince()) {
            Thread.sleep(SIGN_IN_CHECK.toMillis());
        }
    }

    private synchronized boolean signedInSince() {
        String refused = refusedToken;
        if (refused == null) {
            return true;
        }
        try {
            Optional<StoredSession> onDisk = file.read();
            if (onDisk.isEmpty() || refused.equals(onDisk.get().refreshToken())) {
                return false;
            }
            stored = onDisk.get();
            unsaved = false;
            accessToken = null;
            refusedToken = null;
            LoggerFactory.getLogger(ServerSession.class).info("Signed in again on this device ({}); what waited is sent now",
                    file.path());
            return true;
        } catch (IOException damaged) {
            // Being written by the login command, or damaged: looked at again in a second.
            return false;
        }
    }

    private void signedOut(SignedOutException why) {
        boolean first = refusedToken == null;
        refusedToken = stored == null || stored.refreshToken() == null ? "" : stored.refreshToken();
        if (first && device) {
            LoggerFactory.getLogger(ServerSession.class).warn("{}. Files in the drop folder wait and are sent as soon as "
                    + "someone signs in.", why.getMessage());
        }
    }

    @Override
    public synchronized void invalidate() {
        accessToken = null;
    }

    /** Who is signed in, in which organisation, as last stored. */
    public synchronized StoredSession stored() {
        return stored;
    }

    /** Refreshes into {@code organisationId}; the session (and session file) then act in it. */
    public synchronized SessionGrant switchOrganisation(String organisationId) throws IOException, InterruptedException {
        return refresh(organisationId);
    }

    /** Ends the session at the server, then forgets it here (the file is deleted even if the server cannot be told). */
    public synchronized void signOut() throws IOException, InterruptedException {
        file.locked(() -> {
            String refreshToken = unsaved ? stored.refreshToken()
                    : file.read().map(StoredSession::refreshToken).orElse(stored.refreshToken());
            try {
                auth.logout(refreshToken);
            } finally {
                file.delete();
                accessToken = null;
            }
            return null;
        });
    }

    private SessionGrant refresh(String organisation) throws IOException, InterruptedException {
        return file.locked(() -> {
            String refreshToken = currentRefreshToken();
            String next = stored.nextRefreshToken();
            if (next == null) {
                // The token to rotate to is chosen here and stored before the server is asked: if
                // this process dies before it stores the answer, the next start repeats the very
                // same request, which the server answers again, instead of presenting a token the
                // server may already have replaced (which ends the session, as a stolen copy would).
                next = SignInClient.nextRefreshToken(refreshToken);
                StoredSession intent = stored.refreshingTo(next);
                if (!unsaved) {
                    file.write(intent);
                }
                stored = intent;
            }
            SessionGrant grant = auth.refresh(refreshToken, organisation, next);
            StoredSession refreshed = stored.after(grant);
            stored = refreshed;
            unsaved = true;
            file.write(refreshed);
            unsaved = false;
            adopt(grant);
            return grant;
        });
    }

    /** The live refresh token: ours if only we hold it, else the file's, which another process may have rotated. */
    private String currentRefreshToken() throws IOException {
        if (unsaved) {
            return stored.refreshToken();
        }
        Optional<StoredSession> onDisk = file.read();
        if (onDisk.isEmpty()) {
            throw new SignedOutException(stored == null
                    ? "Not signed in: run ./pipeline login (no session at " + file.path() + ")"
                    : "Signed out: run ./pipeline login (the session file " + file.path() + " was removed)");
        }
        stored = onDisk.get();
        return stored.refreshToken();
    }

    private void adopt(SessionGrant grant) {
        accessToken = grant.accessToken();
        Duration lifetime = Duration.ofSeconds(grant.expiresInSeconds());
        Duration margin = lifetime.dividedBy(2).compareTo(RENEW_BEFORE_EXPIRY) < 0 ? lifetime.dividedBy(2) : RENEW_BEFORE_EXPIRY;
        renewAt = clock.instant().plus(lifetime).minus(margin);
    }

    @Override
    public synchronized String toString() {
        return "ServerSession[" + stored + "]";
    }
}
