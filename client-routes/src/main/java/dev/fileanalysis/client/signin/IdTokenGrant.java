package dev.fileanalysis.client.signin;

/**
 * What a finished sign-in at the provider yields for our server: the ID token and the nonce the
 * server must find in it (it proves the token was issued for this sign-in, not replayed).
 */
public record IdTokenGrant(String providerId, String idToken, String nonce) {

    @Override
    public String toString() {
        return "IdTokenGrant[" + providerId + "]";
    }
}
