package dev.fileanalysis.client.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PkceTest {

    @Test
    void theChallengeOfRfc7636AppendixBsVerifierIsTheRfcsChallenge() {
        Pkce pkce = Pkce.ofVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

        assertThat(pkce.challenge()).isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assertThat(pkce.method()).isEqualTo("S256");
    }

    @Test
    void generatedVerifiersAreFresh43CharacterBase64UrlStrings() {
        Pkce one = Pkce.generate();
        Pkce two = Pkce.generate();

        assertThat(one.verifier()).matches("[A-Za-z0-9_-]{43}");
        assertThat(one.verifier()).isNotEqualTo(two.verifier());
        assertThat(one.challenge()).isNotEqualTo(two.challenge());
        assertThat(one.toString()).doesNotContain(one.verifier());
    }

    @Test
    void aVerifierOutsideTheRfcsAlphabetOrLengthIsRefused() {
        assertThatThrownBy(() -> Pkce.ofVerifier("too-short")).hasMessageContaining("43 to 128");
        assertThatThrownBy(() -> Pkce.ofVerifier("a".repeat(42) + "+")).hasMessageContaining("43 to 128");
        assertThatThrownBy(() -> Pkce.ofVerifier("a".repeat(129))).hasMessageContaining("43 to 128");
    }
}
