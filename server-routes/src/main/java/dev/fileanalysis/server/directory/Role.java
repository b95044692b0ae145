package dev.fileanalysis.server.directory;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import dev.fileanalysis.server.refusal.InvalidRequestException;


/** What a member may do in an organisation; each role includes every lower one. */
public enum Role {
    VIEWER, MEMBER, ADMIN, OWNER;

    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }

    /** The name on the wire and in the table: lower case, as users type it. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name (case-insensitive); a 400 naming the allowed values otherwise. */
    public static Role parse(String text) {
        if (text != null) {
            for (Role role : values()) {
                if (role.wireName().equalsIgnoreCase(text.trim())) {
                    return role;
                }
            }
        }
        throw new InvalidRequestException((text == null || text.isBlank() ? "A role is required" : "Unknown role '" + text + "'")
                + ": use one of " + Arrays.stream(values()).map(Role::wireName).collect(Collectors.joining(", ")) + ".");
    }
}
