package dev.fileanalysis.server.directory;

/** An organisation; {@code plan} is the plan it was created with (configuration may assign another, see {@link Plans#planOf}). */
public record Organisation(String id, String name, String plan, String created) {
}
