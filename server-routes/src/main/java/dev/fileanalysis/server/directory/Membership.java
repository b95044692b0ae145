package dev.fileanalysis.server.directory;

/** One person's role in one organisation, with both names so a listing needs no further look-up. */
public record Membership(String organisation, String organisationName, String user, String email, String name, Role role) {

    /** How to name the member in a sentence: the name, else the e-mail, else the id. */
    public String displayName() {
        return name != null && !name.isBlank() ? name : email != null ? email : user;
    }
}
