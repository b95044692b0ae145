package dev.fileanalysis.processor;

import java.io.IOException;

/** The job this processor was working on is no longer its to finish: taken over, or ended by the server. */
public class JobGoneException extends IOException {

    public JobGoneException(String message) {
        super(message);
    }
}
