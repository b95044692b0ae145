package dev.fileanalysis.client.signin;

import dev.fileanalysis.apiclient.ServerCallException;

/**
 * There is no usable session: nobody signed in on this device, or the server no longer accepts
 * the refresh token (expired, revoked, signed out elsewhere). Only a new sign-in helps, so it is
 * a 401 that is never retried.
 */
public class SignedOutException extends ServerCallException {

    public SignedOutException(String message) {
        super(401, message, message);
    }
}
