package dev.fileanalysis.server.directory;

/** A person who signed in at least once; {@code email} and {@code name} may be null when the provider gave none. */
public record User(String id, String email, boolean emailVerified, String name, String created) {

    /** How to name this person in a sentence: the name, else the e-mail, else the id. */
    public String displayName() {
        return name != null && !name.isBlank() ? name : email != null ? email : id;
    }
}
