package dev.fileanalysis.devstack;

/**
 * A start-up problem the user can fix (missing node_modules, bad tables file, port in use...).
 * The message names what was wrong; the CLI prints it without a stack trace.
 */
public final class DevStackException extends RuntimeException {
  public DevStackException(String message) {
    super(message);
  }

  public DevStackException(String message, Throwable cause) {
    super(message, cause);
  }
}
