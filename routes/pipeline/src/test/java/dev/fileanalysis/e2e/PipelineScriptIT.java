package dev.fileanalysis.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fileanalysis.crypto.ClientKeyFile;
import dev.fileanalysis.crypto.ClientKeyPair;
import dev.fileanalysis.crypto.JobSignature;
import dev.fileanalysis.crypto.ResultCipher;
import dev.fileanalysis.model.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator tools as a person runs them: through the ./pipeline script at the project's root. */
class PipelineScriptIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    record Run(int exitCode, String output) {
    }

    private static Run pipeline(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(RunningPipeline.home().resolve("pipeline").toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(RunningPipeline.home().toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("./pipeline " + String.join(" ", arguments) + " finished").isTrue();
        return new Run(process.exitValue(), output);
    }

    @Test
    void verifyJobAcceptsAValidJobAndRefusesATamperedOneWithTheReason() throws Exception {
        ClientKeyPair keys = ClientKeyPair.generate();
        Job job = JobSignature.sign(Job.unsigned("job-" + java.util.UUID.randomUUID(), "1.0.0",
                TestClient.CREATED.format(Instant.now()), "pipeline-chunks", "us-east-1",
                "file-" + java.util.UUID.randomUUID(), keys.publicKey().clientId()), keys);
        Path valid = folder.resolve("job.json");
        JSON.writeValue(valid.toFile(), job);
        ObjectNode tampered = JSON.valueToTree(job);
        tampered.put("bucket", "attacker-bucket");
        Path forged = folder.resolve("forged.json");
        JSON.writeValue(forged.toFile(), tampered);

        Run ok = pipeline("verify-job", valid.toString());
        assertThat(ok.exitCode()).as(ok.output()).isZero();
        assertThat(ok.output()).contains(job.id());

        Run refused = pipeline("verify-job", forged.toString());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.output()).contains("invalid").contains(job.id());
    }

    @Test
    void decryptPrintsThePlaintextAndRefusesAFlippedByte() throws Exception {
        Path keyFile = folder.resolve("client-key.json");
        ClientKeyPair keys = ClientKeyFile.loadOrCreate(keyFile);
        String payload = ResultCipher.encrypt("{\"size\":3}".getBytes(StandardCharsets.UTF_8), keys.publicKey());

        Run ok = pipeline("decrypt", "--key", keyFile.toString(), payload);
        assertThat(ok.exitCode()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("{\"size\":3}");

        char last = payload.charAt(payload.length() - 1);
        String flipped = payload.substring(0, payload.length() - 1) + (last == '0' ? '1' : '0');
        Run refused = pipeline("decrypt", "--key", keyFile.toString(), flipped);
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.output()).doesNotContain("{\"size\":3}").doesNotContain("Exception");
    }

    @Test
    void theScriptReportsTheProductVersion() throws Exception {
        Run version = pipeline("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.output()).contains("pipeline 1.0.0");
        assertThat(Files.exists(RunningPipeline.home().resolve("routes/pipeline/target/pipeline.jar"))).isTrue();
    }
}
