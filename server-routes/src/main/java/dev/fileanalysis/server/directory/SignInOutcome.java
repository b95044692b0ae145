package dev.fileanalysis.server.directory;

import java.util.List;

/** Who signed in, every organisation they belong to afterwards, and whether this sign-in created them. */
public record SignInOutcome(User user, List<Membership> memberships, boolean newUser) {
}
