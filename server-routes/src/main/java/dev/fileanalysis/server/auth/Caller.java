package dev.fileanalysis.server.auth;

import dev.fileanalysis.server.directory.Role;

/**
 * Who made a request, as proven by a validated bearer token, and what they are in the
 * organisation the request is about.
 *
 * @param subject      the user id of a session, or the service client id of a processor
 * @param organisation the organisation in scope: the path's {@code {org}}, else the one the session
 *                     is bound to; null for processors
 * @param role         the caller's role in that organisation; null when the operation needs none
 *                     (signed-in rules) or for processors
 * @param session      the session id; null for processors
 * @param processor    true for a processor's service credential
 */
public record Caller(String subject, String organisation, Role role, String session, boolean processor) {

    public static Caller processor(String subject) {
        return new Caller(subject, null, null, null, true);
    }

    public static Caller user(String user, String organisation, Role role, String session) {
        return new Caller(user, organisation, role, session, false);
    }

    /** True when the caller may see every job of the organisation, not only their own. */
    public boolean seesWholeOrganisation() {
        return role != null && role != Role.MEMBER;
    }
}
