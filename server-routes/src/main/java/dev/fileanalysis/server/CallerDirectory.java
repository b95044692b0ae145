package dev.fileanalysis.server;

import java.util.Optional;

import dev.fileanalysis.server.directory.Membership;

/**
 * What {@link Authorization} reads about a caller from the directory: whether their session is
 * still live, and their membership (so their role) in an organisation. The directory
 * ({@code DirectoryStore}) is the one on the server; route tests give a small one of their own.
 */
public interface CallerDirectory {

    /** Not revoked and not expired. */
    boolean isLive(String sessionId);

    Optional<Membership> membership(String organisation, String user);
}
