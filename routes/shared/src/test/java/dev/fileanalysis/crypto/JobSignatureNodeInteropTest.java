package dev.fileanalysis.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fileanalysis.model.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/** Job signatures made by Node's crypto verify in Java and the other way round, byte for byte. */
class JobSignatureNodeInteropTest {

    private static final ClientKeyPair JAVA_KEYS = ClientKeyPair.generate();

    @Test
    void jobSignedByNodeWithANodeGeneratedKeyVerifiesInJava() {
        JsonNode nodeKeys = Node.run("keygen.js", Map.of());
        ClientKeyPair keys = ClientKeyPair.fromHex(
                nodeKeys.get("publicKeyHex").asText(), nodeKeys.get("privateKeyHex").asText());
        Job job = TestJobs.unsigned(keys.publicKey());

        Job signed = job.withSignature(nodeSign(job, keys).get("signature").asText());

        assertThatNoException().isThrownBy(() -> JobSignature.verify(signed));
    }

    @Test
    void jobSignedByJavaVerifiesInNode() {
        Job signed = JobSignature.sign(TestJobs.unsigned(JAVA_KEYS.publicKey()), JAVA_KEYS);

        assertThat(nodeVerify(signed).get("valid").asBoolean()).isTrue();
    }

    @Test
    void signedBytesEqualNodeJsonStringifyForEveryEscapedCharacter() {
        Job job = TestJobs.withEscapes(JAVA_KEYS.publicKey());

        String nodeBytes = nodeSign(job, JAVA_KEYS).get("signedBytesHex").asText();

        assertThat(HexFormat.of().formatHex(JobSignature.signedBytes(job))).isEqualTo(nodeBytes);
    }

    @Test
    void signedBytesEqualNodeJsonStringifyForEveryCodeUnitBelowU0100AndAroundSurrogates() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x100; c++) {
            all.append(c);
        }
        all.append("\uD7FF\uD800\uDBFF\uDC00\uDFFF\uE000\uFEFF\uFFFE\uFFFF");
        Job job = Job.unsigned(all.toString(), "v", "c", "b", "r", "f", JAVA_KEYS.publicKey().clientId());

        String nodeBytes = nodeSign(job, JAVA_KEYS).get("signedBytesHex").asText();

        assertThat(HexFormat.of().formatHex(JobSignature.signedBytes(job))).isEqualTo(nodeBytes);
    }

    @Test
    void jobWithEscapedCharactersSignedByNodeVerifiesInJava() {
        Job job = TestJobs.withEscapes(JAVA_KEYS.publicKey());

        Job signed = job.withSignature(nodeSign(job, JAVA_KEYS).get("signature").asText());

        assertThat(JobSignature.isValid(signed)).isTrue();
    }

    @Test
    void jobWithEscapedCharactersSignedByJavaVerifiesInNode() {
        Job signed = JobSignature.sign(TestJobs.withEscapes(JAVA_KEYS.publicKey()), JAVA_KEYS);

        assertThat(nodeVerify(signed).get("valid").asBoolean()).isTrue();
    }

    static Stream<Arguments> tamperedFields() {
        String otherClient = ClientKeyPair.generate().publicKey().clientId();
        List<Map.Entry<String, Function<Job, Job>>> tampers = List.of(
                Map.entry("id", j -> copy(j, "job-00000000-0000-0000-0000-000000000000", j.version(), j.created(),
                        j.bucket(), j.region(), j.file(), j.client())),
                Map.entry("version", j -> copy(j, j.id(), "9.9.9", j.created(), j.bucket(), j.region(), j.file(), j.client())),
                Map.entry("created", j -> copy(j, j.id(), j.version(), "2025-03-14T09:26:53.590Z", j.bucket(), j.region(),
                        j.file(), j.client())),
                Map.entry("bucket", j -> copy(j, j.id(), j.version(), j.created(), "attacker-bucket", j.region(), j.file(),
                        j.client())),
                Map.entry("region", j -> copy(j, j.id(), j.version(), j.created(), j.bucket(), "us-east-1", j.file(),
                        j.client())),
                Map.entry("file", j -> copy(j, j.id(), j.version(), j.created(), j.bucket(), j.region(),
                        "file-11111111-1111-1111-1111-111111111111", j.client())),
                Map.entry("client", j -> copy(j, j.id(), j.version(), j.created(), j.bucket(), j.region(), j.file(),
                        otherClient)));
        return Stream.of("java", "node").flatMap(signer -> tampers.stream()
                .map(t -> Arguments.of(t.getKey(), signer, t.getValue())));
    }

    @ParameterizedTest(name = "changed {0} of a job signed by {1}")
    @MethodSource("tamperedFields")
    void tamperedSignedFieldIsRejectedByJavaAndByNode(String field, String signer, Function<Job, Job> tamper) {
        Job job = TestJobs.unsigned(JAVA_KEYS.publicKey());
        Job signed = signer.equals("java")
                ? JobSignature.sign(job, JAVA_KEYS)
                : job.withSignature(nodeSign(job, JAVA_KEYS).get("signature").asText());
        assertThat(JobSignature.isValid(signed)).as("untampered job is valid").isTrue();

        Job tampered = tamper.apply(signed);

        assertThat(JobSignature.isValid(tampered)).as("Java accepts a job whose %s changed", field).isFalse();
        assertThat(nodeVerify(tampered).get("valid").asBoolean()).as("Node accepts a job whose %s changed", field)
                .isFalse();
    }

    private static Job copy(Job j, String id, String version, String created, String bucket, String region,
                            String file, String client) {
        return new Job(id, version, created, bucket, region, file, client, j.signature(), j.status(), j.chunks(),
                j.totalChunks(), j.processor(), j.uploaded(), j.analysed(), j.error());
    }

    private static JsonNode nodeSign(Job job, ClientKeyPair keys) {
        return Node.run("sign-job.js", Map.of("job", Node.codeUnits(job), "privateKeyHex", keys.privateKeyHex()));
    }

    private static JsonNode nodeVerify(Job job) {
        return Node.run("verify-job.js", Map.of("job", Node.codeUnits(job), "signature", job.signature()));
    }
}
