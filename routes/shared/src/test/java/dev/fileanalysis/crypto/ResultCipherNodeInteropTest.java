package dev.fileanalysis.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Result payloads encrypted by Node's crypto decrypt in Java and the other way round. */
class ResultCipherNodeInteropTest {

    private static final ClientKeyPair KEYS = ClientKeyPair.generate();
    private static final byte[] RESULT = "{\"bytes\":1048576,\"sha256\":\"ab…cd\",\"verdict\":\"clean ✅\"}"
            .getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 15, 16, 17, 100_000})
    void payloadEncryptedByNodeDecryptsInJava(int size) throws Exception {
        byte[] plaintext = randomBytes(size);

        String payload = nodeEncrypt(plaintext, KEYS.publicKey());

        assertThat(ResultCipher.decrypt(payload, KEYS)).isEqualTo(plaintext);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 15, 16, 17, 100_000})
    void payloadEncryptedByJavaDecryptsInNode(int size) {
        byte[] plaintext = randomBytes(size);

        JsonNode reply = nodeDecrypt(ResultCipher.encrypt(plaintext, KEYS.publicKey()), KEYS);

        assertThat(reply.get("ok").asBoolean()).as("Node error: %s", reply.get("error")).isTrue();
        assertThat(Base64.getDecoder().decode(reply.get("plaintextBase64").asText())).isEqualTo(plaintext);
    }

    @Test
    void payloadForANodeGeneratedKeyDecryptsInNode() {
        JsonNode nodeKeys = Node.run("keygen.js", Map.of());
        ClientKeyPair keys = ClientKeyPair.fromHex(
                nodeKeys.get("publicKeyHex").asText(), nodeKeys.get("privateKeyHex").asText());

        JsonNode reply = nodeDecrypt(ResultCipher.encrypt(RESULT, keys.publicKey()), keys);

        assertThat(Base64.getDecoder().decode(reply.get("plaintextBase64").asText())).isEqualTo(RESULT);
    }

    @Test
    void flippedCiphertextByteFromJavaIsRejectedByNodeAndJava() {
        String tampered = flipByte(ResultCipher.encrypt(RESULT, KEYS.publicKey()), 3);

        assertThat(nodeDecrypt(tampered, KEYS).get("ok").asBoolean()).isFalse();
        assertThatThrownBy(() -> ResultCipher.decrypt(tampered, KEYS))
                .isInstanceOf(PayloadAuthenticationException.class)
                .hasMessageContaining("failed authentication");
    }

    @Test
    void flippedTagByteFromJavaIsRejectedByNodeAndJava() {
        String tampered = flipByte(ResultCipher.encrypt(RESULT, KEYS.publicKey()), 2);

        assertThat(nodeDecrypt(tampered, KEYS).get("ok").asBoolean()).isFalse();
        assertThatThrownBy(() -> ResultCipher.decrypt(tampered, KEYS))
                .isInstanceOf(PayloadAuthenticationException.class)
                .hasMessageContaining("failed authentication");
    }

    @Test
    void flippedCiphertextByteFromNodeIsRejectedByJava() {
        String tampered = flipByte(nodeEncrypt(RESULT, KEYS.publicKey()), 3);

        assertThatThrownBy(() -> ResultCipher.decrypt(tampered, KEYS))
                .isInstanceOf(PayloadAuthenticationException.class)
                .hasMessageContaining("failed authentication");
    }

    @Test
    void flippedTagByteFromNodeIsRejectedByJava() {
        String tampered = flipByte(nodeEncrypt(RESULT, KEYS.publicKey()), 2);

        assertThatThrownBy(() -> ResultCipher.decrypt(tampered, KEYS))
                .isInstanceOf(PayloadAuthenticationException.class)
                .hasMessageContaining("failed authentication");
    }

    @Test
    void payloadFromNodeForAnotherKeyIsRejectedByJava() {
        String payload = nodeEncrypt(RESULT, ClientKeyPair.generate().publicKey());

        assertThatThrownBy(() -> ResultCipher.decrypt(payload, KEYS))
                .isInstanceOf(PayloadAuthenticationException.class)
                .hasMessageContaining("failed authentication");
    }

    /** Flips the low bit of the first byte of a ':'-separated part, keeping the hex lowercase. */
    static String flipByte(String payload, int part) {
        String[] parts = payload.split(":", -1);
        char[] hex = parts[part].toCharArray();
        int low = Character.digit(hex[1], 16) ^ 1;
        hex[1] = Character.forDigit(low, 16);
        parts[part] = new String(hex);
        return String.join(":", parts);
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static String nodeEncrypt(byte[] plaintext, ClientPublicKey recipient) {
        return Node.run("encrypt.js", Map.of("recipientPublicKeyHex", recipient.hex(),
                "plaintextBase64", Base64.getEncoder().encodeToString(plaintext))).get("payload").asText();
    }

    private static JsonNode nodeDecrypt(String payload, ClientKeyPair keys) {
        return Node.run("decrypt.js", Map.of("payload", payload, "privateKeyHex", keys.privateKeyHex()));
    }
}
