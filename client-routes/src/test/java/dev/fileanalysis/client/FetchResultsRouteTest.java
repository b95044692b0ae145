package dev.fileanalysis.client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.fileanalysis.model.Job;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** fetch-results.camel.yaml: results for this device are decrypted, written and acknowledged. */
class FetchResultsRouteTest extends ClientRouteTestSupport {

    @Test
    void aResultForThisDeviceIsDecryptedWrittenUnderItsFilesNameAndAcknowledged() throws Exception {
        String job = device.uploader.upload(write("report.pdf", random(1_000, 1)).toFile());
        server.addResult(job, Job.DONE, FakePipelineServer.sealed(job, "{\"sha256\":\"9b1d\"}", keys.publicKey()), null);
        startOnly("fetch-results");

        Path result = await().atMost(Duration.ofSeconds(10)).until(() -> device.results().resolve("report.pdf.json"),
                Files::exists);
        assertThat(Files.readString(result)).contains("\"status\" : \"DONE\"").contains("\"sha256\" : \"9b1d\"")
                .contains(job);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.results.isEmpty());
    }

    @Test
    void severalResultsOfOnePollAreAcknowledgedInOneRequest() throws Exception {
        for (int n = 0; n < 5; n++) {
            String job = device.uploader.upload(write("file-" + n + ".txt", random(100, n)).toFile());
            server.addResult(job, Job.FAILED, null, "the engine said no");
        }
        startOnly("fetch-results");

        await().atMost(Duration.ofSeconds(10)).until(() -> device.resultFiles().size() == 5 && server.results.isEmpty());
        assertThat(server.acknowledgements.get()).isEqualTo(1);
    }
}
