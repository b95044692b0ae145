package dev.fileanalysis.client.signin;

import java.io.IOException;
import java.net.URI;

/** Where a person signs in: something that opens the provider's authorization URL. */
public interface Browser {

    /** Opens {@code authorizationUrl}; returns at once, or once the sign-in is done for a browser that acts by itself. */
    void open(URI authorizationUrl) throws IOException, InterruptedException;
}
