package dev.fileanalysis.engine;

/**
 * A configuration the engine refuses to run with. The message names the key, the value and where
 * the value came from, so it can be shown to the operator as is (no stack trace needed).
 */
public final class EngineConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EngineConfigException(String message) {
        super(message);
    }

    public EngineConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
