package dev.fileanalysis.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResultCipherTest {

    private static final ClientKeyPair KEYS = ClientKeyPair.generate();
    private static final byte[] RESULT = "{\"verdict\":\"clean\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void decryptsWhatItEncrypted() throws Exception {
        assertThat(ResultCipher.decrypt(ResultCipher.encrypt(RESULT, KEYS.publicKey()), KEYS)).isEqualTo(RESULT);
    }

    @Test
    void payloadIsEphemeralKeyIvTagAndCiphertextInLowercaseHex() {
        String payload = ResultCipher.encrypt(RESULT, KEYS.publicKey());

        assertThat(payload).matches("04[0-9a-f]{128}:[0-9a-f]{24}:[0-9a-f]{32}:[0-9a-f]{" + 2 * RESULT.length + "}");
    }

    @Test
    void everyEncryptionUsesAFreshEphemeralKeyAndIv() {
        String[] first = ResultCipher.encrypt(RESULT, KEYS.publicKey()).split(":");
        String[] second = ResultCipher.encrypt(RESULT, KEYS.publicKey()).split(":");

        assertThat(second[0]).isNotEqualTo(first[0]);
        assertThat(second[1]).isNotEqualTo(first[1]);
        assertThat(second[3]).isNotEqualTo(first[3]);
    }

    @Test
    void emptyResultRoundTrips() throws Exception {
        String payload = ResultCipher.encrypt(new byte[0], KEYS.publicKey());

        assertThat(payload).endsWith(":");
        assertThat(ResultCipher.decrypt(payload, KEYS)).isEmpty();
    }

    @Test
    void payloadForAnotherKeyFailsAuthentication() {
        String payload = ResultCipher.encrypt(RESULT, ClientKeyPair.generate().publicKey());

        assertThatThrownBy(() -> ResultCipher.decrypt(payload, KEYS))
                .isInstanceOf(PayloadAuthenticationException.class)
                .hasMessageContaining("failed authentication")
                .hasMessageContaining(KEYS.publicKey().clientId());
    }

    @Test
    void flippedIvByteFailsAuthentication() {
        String tampered = ResultCipherNodeInteropTest.flipByte(ResultCipher.encrypt(RESULT, KEYS.publicKey()), 1);

        assertThatThrownBy(() -> ResultCipher.decrypt(tampered, KEYS))
                .isInstanceOf(PayloadAuthenticationException.class)
                .hasMessageContaining("failed authentication");
    }

    static Stream<Arguments> malformedPayloads() {
        String[] good = ResultCipher.encrypt(RESULT, KEYS.publicKey()).split(":");
        String eph = good[0];
        String iv = good[1];
        String tag = good[2];
        String ct = good[3];
        return Stream.of(
                Arguments.of("three parts", String.join(":", eph, iv, tag), "4 ':'-separated parts"),
                Arguments.of("five parts", String.join(":", eph, iv, tag, ct, ct), "got 5"),
                Arguments.of("empty", "", "got 1"),
                Arguments.of("ephemeral key not hex", String.join(":", "zz" + eph.substring(2), iv, tag, ct), "lowercase hex"),
                Arguments.of("ephemeral key uppercase", String.join(":", eph.toUpperCase(), iv, tag, ct), "lowercase hex"),
                Arguments.of("ephemeral key compressed", String.join(":", "02" + eph.substring(2, 66), iv, tag, ct),
                        "130 hex characters"),
                Arguments.of("ephemeral key off the curve", String.join(":", "04" + "11".repeat(64), iv, tag, ct),
                        "not a point on the P-256 curve"),
                Arguments.of("IV too short", String.join(":", eph, iv.substring(2), tag, ct), "IV must be 24 hex"),
                Arguments.of("tag too short", String.join(":", eph, iv, tag.substring(2), ct), "tag must be 32 hex"),
                Arguments.of("ciphertext odd length", String.join(":", eph, iv, tag, ct + "0"), "odd number"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedPayloads")
    void malformedPayloadIsRejectedSayingWhatIsWrong(String name, String payload, String expected) {
        assertThatThrownBy(() -> ResultCipher.decrypt(payload, KEYS))
                .isInstanceOf(PayloadAuthenticationException.class)
                .hasMessageContaining(expected);
    }
}
