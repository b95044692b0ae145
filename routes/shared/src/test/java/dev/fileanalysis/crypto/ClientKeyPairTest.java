package dev.fileanalysis.crypto;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ClientKeyPairTest {

    private static final String N = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

    @Test
    void hexRoundTripsToTheSameKeyPair() throws Exception {
        ClientKeyPair generated = ClientKeyPair.generate();

        ClientKeyPair loaded = ClientKeyPair.fromHex(generated.publicKey().hex(), generated.privateKeyHex());

        assertThat(loaded.publicKey()).isEqualTo(generated.publicKey());
        assertThat(loaded.privateKeyHex()).isEqualTo(generated.privateKeyHex()).hasSize(64).matches("[0-9a-f]+");
        assertThat(ResultCipher.decrypt(ResultCipher.encrypt(new byte[] {1}, generated.publicKey()), loaded))
                .containsExactly(1);
    }

    @Test
    void halvesOfDifferentPairsAreRejected() {
        ClientKeyPair a = ClientKeyPair.generate();
        ClientKeyPair b = ClientKeyPair.generate();

        assertThatIllegalArgumentException().isThrownBy(() -> ClientKeyPair.fromHex(a.publicKey().hex(), b.privateKeyHex()))
                .withMessageContaining("does not belong to public key " + a.publicKey().clientId());
    }

    @Test
    void privateKeyOutsideTheCurveOrderIsRejected() {
        String publicHex = ClientKeyPair.generate().publicKey().hex();

        assertThatIllegalArgumentException().isThrownBy(() -> ClientKeyPair.fromHex(publicHex, "00".repeat(32)))
                .withMessageContaining("outside the range");
        assertThatIllegalArgumentException().isThrownBy(() -> ClientKeyPair.fromHex(publicHex, N))
                .withMessageContaining("outside the range");
    }

    @Test
    void privateKeyOfTheWrongLengthIsRejected() {
        ClientKeyPair keys = ClientKeyPair.generate();

        assertThatIllegalArgumentException()
                .isThrownBy(() -> ClientKeyPair.fromHex(keys.publicKey().hex(), keys.privateKeyHex().substring(2)))
                .withMessageContaining("private key must be 64 hex characters, got 62");
    }

    @Test
    void toStringNeverShowsThePrivateKey() {
        ClientKeyPair keys = ClientKeyPair.generate();

        assertThat(keys.toString()).contains(keys.publicKey().clientId()).doesNotContain(keys.privateKeyHex());
    }
}
