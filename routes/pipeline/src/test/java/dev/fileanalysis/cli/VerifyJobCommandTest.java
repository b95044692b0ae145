package dev.fileanalysis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.crypto.ClientKeyPair;
import dev.fileanalysis.crypto.JobSignature;
import dev.fileanalysis.model.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class VerifyJobCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ClientKeyPair KEYS = ClientKeyPair.generate();
    private static final Job SIGNED = JobSignature.sign(Job.unsigned("job-6f1c2a9e-3b7d-4c1e-9a55-0d2f8e4b7c31", "1.0.0",
            "2025-03-14T09:26:53.589Z", "chunks", "eu-west-1", "file-0b8e1f7a-5c2d-4e3f-8a9b-1c2d3e4f5a6b",
            KEYS.publicKey().clientId()), KEYS);

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void validJobExitsZeroNamingJobAndClient() throws IOException {
        Path file = write(SIGNED);

        int exit = run(file.toString());

        assertThat(exit).isZero();
        assertThat(out.toString().strip()).isEqualTo("valid: " + SIGNED.id() + " signed by " + SIGNED.client());
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void jobWithServerStateAndUnknownFieldsStillVerifies() throws IOException {
        String json = JSON.writeValueAsString(new Job(SIGNED.id(), SIGNED.version(), SIGNED.created(), SIGNED.bucket(),
                SIGNED.region(), SIGNED.file(), SIGNED.client(), SIGNED.signature(), Job.DONE, 4, 4, "processor-1",
                "2025-03-14T09:27:00.000Z", 4, null));
        Path file = dir.resolve("job.json");
        Files.writeString(file, json.replaceFirst("\\{", "{\"ttl\":123,"));

        assertThat(run(file.toString())).isZero();
    }

    @Test
    void tamperedJobExitsOneWithTheReason() throws IOException {
        Path file = write(new Job(SIGNED.id(), SIGNED.version(), SIGNED.created(), "attacker-bucket", SIGNED.region(),
                SIGNED.file(), SIGNED.client(), SIGNED.signature(), null, null, null, null, null, null, null));

        int exit = run(file.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("invalid: job " + SIGNED.id() + ": signature does not match");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void unsignedJobExitsOneSayingTheSignatureIsMissing() throws IOException {
        Path file = write(SIGNED.withSignature(null));

        assertThat(run(file.toString())).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("invalid: job " + SIGNED.id() + ": missing signature");
    }

    @Test
    void malformedJsonExitsTwoNamingTheFile() throws IOException {
        Path file = dir.resolve("job.json");
        Files.writeString(file, "{\"id\": \"job-1\",");

        int exit = run(file.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith(file + ": not a job JSON object").doesNotContain("\tat ");
    }

    @Test
    void jsonThatIsNotAnObjectExitsTwo() throws IOException {
        Path file = dir.resolve("job.json");
        Files.writeString(file, "[1, 2]");

        assertThat(run(file.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith(file + ": not a job JSON object");
    }

    @Test
    void missingFileExitsTwoNamingIt() {
        Path file = dir.resolve("nope.json");

        assertThat(run(file.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo(file + ": no such file");
    }

    private Path write(Job job) throws IOException {
        Path file = dir.resolve("job.json");
        JSON.writeValue(file.toFile(), job);
        return file;
    }

    private int run(String... args) {
        return new CommandLine(new VerifyJobCommand())
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
    }
}
