package dev.fileanalysis.server.directory;

/** An open invitation of an e-mail address (lower case) to an organisation; {@code expires} is ISO-8601 UTC. */
public record Invitation(String organisation, String email, Role role, String invitedBy, String expires) {
}
