package dev.fileanalysis.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ClientPublicKeyTest {

    /** The P-256 generator point: a known-good key. */
    private static final String G = "04"
            + "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
            + "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";

    @Test
    void hexAndClientIdRoundTrip() {
        ClientPublicKey key = ClientPublicKey.fromHex(G);

        assertThat(key.hex()).isEqualTo(G);
        assertThat(key.clientId()).isEqualTo("client-" + G);
        assertThat(ClientPublicKey.fromClientId(key.clientId())).isEqualTo(key);
    }

    @Test
    void generatedKeysEncodeAsUncompressedPoints() {
        String hex = ClientKeyPair.generate().publicKey().hex();

        assertThat(hex).hasSize(130).startsWith("04").matches("[0-9a-f]+");
        assertThat(ClientPublicKey.fromHex(hex).hex()).isEqualTo(hex);
    }

    static Stream<Arguments> malformedKeys() {
        String p = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";
        return Stream.of(
                Arguments.of("missing", null, "missing"),
                Arguments.of("too short", G.substring(2), "must be 130 hex characters, got 128"),
                Arguments.of("compressed", "02" + G.substring(2, 66), "must be 130 hex characters, got 66"),
                Arguments.of("not hex", G.substring(0, 128) + "zz", "lowercase hex, found 'z' at position 128"),
                Arguments.of("uppercase", G.toUpperCase(), "lowercase hex"),
                Arguments.of("hybrid prefix", "06" + G.substring(2), "uncompressed SEC1 point starting with 04"),
                Arguments.of("off the curve", G.substring(0, 129) + "4", "not a point on the P-256 curve"),
                Arguments.of("coordinate not in the field", "04" + p + G.substring(66), "outside the P-256 field"),
                Arguments.of("all zero", "04" + "00".repeat(64), "not a point on the P-256 curve"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedKeys")
    void malformedKeyIsRejectedSayingWhatIsWrong(String name, String hex, String expected) {
        assertThatIllegalArgumentException().isThrownBy(() -> ClientPublicKey.fromHex(hex))
                .withMessageContaining(expected);
    }

    @Test
    void clientIdWithoutPrefixIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> ClientPublicKey.fromClientId(G))
                .withMessageContaining("must start with 'client-'");
        assertThatIllegalArgumentException().isThrownBy(() -> ClientPublicKey.fromClientId(null))
                .withMessageContaining("missing");
    }
}
