package dev.fileanalysis.crypto;

import dev.fileanalysis.model.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobSignatureTest {

    private static final ClientKeyPair KEYS = ClientKeyPair.generate();
    private static final Job JOB = TestJobs.unsigned(KEYS.publicKey());

    @Test
    void signedBytesAreTheSevenIdentityFieldsInOrderWithoutWhitespace() {
        Job job = new Job("job-1", "1.0.0", "2025-03-14T09:26:53.589Z", "bucket", "eu-west-1", "file-1",
                KEYS.publicKey().clientId(), "sig", "UPLOADED", 3, 4, "processor-1", "2025-03-14T09:27:00.000Z", 2, null);

        assertThat(new String(JobSignature.signedBytes(job), StandardCharsets.UTF_8)).isEqualTo(
                "{\"id\":\"job-1\",\"version\":\"1.0.0\",\"created\":\"2025-03-14T09:26:53.589Z\",\"bucket\":\"bucket\","
                        + "\"region\":\"eu-west-1\",\"file\":\"file-1\",\"client\":\"" + KEYS.publicKey().clientId() + "\"}");
    }

    static Stream<Arguments> jsonStringifyEscapes() {
        return Stream.of(
                Arguments.of("quote", "a\"b", "\"a\\\"b\""),
                Arguments.of("backslash", "a\\b", "\"a\\\\b\""),
                Arguments.of("short forms", "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\""),
                Arguments.of("other control characters", "\u0000\u0001\u000b\u001f", "\"\\u0000\\u0001\\u000b\\u001f\""),
                Arguments.of("DEL stays literal", "\u007f", "\"\u007f\""),
                Arguments.of("slash and angle brackets stay literal", "</script>", "\"</script>\""),
                Arguments.of("line separators stay literal", "\u2028\u2029", "\"\u2028\u2029\""),
                Arguments.of("non-ASCII stays literal", "bücket-日本語", "\"bücket-日本語\""),
                Arguments.of("emoji pair stays literal", "\uD83D\uDE80", "\"\uD83D\uDE80\""),
                Arguments.of("lone high surrogate", "a\uD83Db", "\"a\\ud83db\""),
                Arguments.of("lone low surrogate", "a\uDE80b", "\"a\\ude80b\""),
                Arguments.of("reversed pair", "\uDE80\uD83D", "\"\\ude80\\ud83d\""),
                Arguments.of("high surrogate at the end", "a\uDBFF", "\"a\\udbff\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jsonStringifyEscapes")
    void signedBytesEscapeStringsExactlyLikeJsonStringify(String name, String value, String expected) {
        Job job = Job.unsigned(value, "v", "c", "b", "r", "f", "x");

        String json = new String(JobSignature.signedBytes(job), StandardCharsets.UTF_8);

        assertThat(json).startsWith("{\"id\":" + expected + ",\"version\":");
    }

    @Test
    void signedBytesEncodeNonAsciiAsUtf8() {
        Job job = Job.unsigned("\uD83D\uDE80é", "v", "c", "b", "r", "f", "x");

        byte[] bytes = JobSignature.signedBytes(job);

        assertThat(bytes).containsSequence(0xF0, 0x9F, 0x9A, 0x80, 0xC3, 0xA9);
    }

    @ParameterizedTest
    @ValueSource(strings = {"id", "version", "created", "bucket", "region", "file", "client"})
    void nullSignedFieldIsRejectedNamingTheField(String field) {
        Job job = withNull(JOB, field);

        assertThatIllegalArgumentException().isThrownBy(() -> JobSignature.signedBytes(job))
                .withMessageContaining("'" + field + "'");
        assertThatThrownBy(() -> JobSignature.verify(withNull(JobSignature.sign(JOB, KEYS), field)))
                .isInstanceOf(JobSignatureException.class)
                .hasMessageContaining("'" + field + "'");
    }

    @Test
    void signedJobVerifies() {
        Job signed = JobSignature.sign(JOB, KEYS);

        assertThatNoException().isThrownBy(() -> JobSignature.verify(signed));
        assertThat(JobSignature.isValid(signed)).isTrue();
    }

    @Test
    void signatureIsLowercaseHexOfADerSequence() {
        String signature = JobSignature.sign(JOB, KEYS).signature();

        assertThat(signature).matches("30[0-9a-f]+").hasSizeBetween(2 * 8, 2 * 72);
    }

    @Test
    void signKeepsEveryOtherField() {
        Job withState = new Job(JOB.id(), JOB.version(), JOB.created(), JOB.bucket(), JOB.region(), JOB.file(),
                JOB.client(), null, Job.UPLOADING, 2, null, null, null, null, null);

        Job signed = JobSignature.sign(withState, KEYS);

        assertThat(signed).usingRecursiveComparison().ignoringFields("signature").isEqualTo(withState);
    }

    @Test
    void stateFieldsMayChangeWithoutBreakingTheSignature() {
        Job signed = JobSignature.sign(JOB, KEYS);
        Job progressed = new Job(signed.id(), signed.version(), signed.created(), signed.bucket(), signed.region(),
                signed.file(), signed.client(), signed.signature(), Job.DONE, 9, 9, "processor-1",
                "2025-03-14T09:27:00.000Z", 9, null);

        assertThat(JobSignature.isValid(progressed)).isTrue();
    }

    @Test
    void signRefusesAJobNamingAnotherClient() {
        ClientKeyPair other = ClientKeyPair.generate();

        assertThatIllegalArgumentException().isThrownBy(() -> JobSignature.sign(JOB, other))
                .withMessageContaining(JOB.id())
                .withMessageContaining(other.publicKey().clientId());
    }

    @Test
    void missingSignatureIsRejectedNamingTheJob() {
        assertThatThrownBy(() -> JobSignature.verify(JOB))
                .isInstanceOf(JobSignatureException.class)
                .hasMessage("job " + JOB.id() + ": missing signature");
        assertThat(JobSignature.isValid(JOB.withSignature(""))).isFalse();
    }

    @Test
    void clientKeyNotOnTheCurveIsRejectedAsMalformed() {
        String offCurve = "client-04" + "11".repeat(64);
        Job job = copyWithClient(JobSignature.sign(JOB, KEYS), offCurve);

        assertThatThrownBy(() -> JobSignature.verify(job))
                .isInstanceOf(JobSignatureException.class)
                .hasMessageContaining(JOB.id())
                .hasMessageContaining("malformed client key")
                .hasMessageContaining("not a point on the P-256 curve");
    }

    @Test
    void clientWithoutPrefixIsRejectedAsMalformed() {
        Job job = copyWithClient(JobSignature.sign(JOB, KEYS), KEYS.publicKey().hex());

        assertThatThrownBy(() -> JobSignature.verify(job))
                .isInstanceOf(JobSignatureException.class)
                .hasMessageContaining("malformed client key")
                .hasMessageContaining("client-");
    }

    @Test
    void jobRepointedToAnotherClientDoesNotMatch() {
        Job job = copyWithClient(JobSignature.sign(JOB, KEYS), ClientKeyPair.generate().publicKey().clientId());

        assertThatThrownBy(() -> JobSignature.verify(job))
                .isInstanceOf(JobSignatureException.class)
                .hasMessageContaining(JOB.id())
                .hasMessageContaining("signature does not match");
    }

    @Test
    void nonHexSignatureIsRejectedAsMalformed() {
        assertThatThrownBy(() -> JobSignature.verify(JOB.withSignature("not-hex")))
                .isInstanceOf(JobSignatureException.class)
                .hasMessageContaining("malformed signature");
    }

    @Test
    void truncatedSignatureIsRejected() {
        String signature = JobSignature.sign(JOB, KEYS).signature();

        assertThat(JobSignature.isValid(JOB.withSignature(signature.substring(0, signature.length() - 2)))).isFalse();
    }

    private static Job copyWithClient(Job j, String client) {
        return new Job(j.id(), j.version(), j.created(), j.bucket(), j.region(), j.file(), client, j.signature(),
                j.status(), j.chunks(), j.totalChunks(), j.processor(), j.uploaded(), j.analysed(), j.error());
    }

    private static Job withNull(Job j, String field) {
        return new Job(
                field.equals("id") ? null : j.id(),
                field.equals("version") ? null : j.version(),
                field.equals("created") ? null : j.created(),
                field.equals("bucket") ? null : j.bucket(),
                field.equals("region") ? null : j.region(),
                field.equals("file") ? null : j.file(),
                field.equals("client") ? null : j.client(),
                j.signature(), j.status(), j.chunks(), j.totalChunks(), j.processor(), j.uploaded(), j.analysed(),
                j.error());
    }
}
