package dev.fileanalysis.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.fileanalysis.model.Job;
import dev.fileanalysis.model.Result;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** prune-state.camel.yaml: on start, the state forgets the files that left the drop folder and keeps the others. */
class PruneStateRouteTest extends ClientRouteTestSupport {

    @Test
    void onStartTheStateForgetsAFileThatLeftTheDropFolderAndKeepsOneThatIsThere() throws Exception {
        Path kept = write("kept.pdf", random(CHUNK, 1));
        String keptJob = sendAndReceiveResult(kept);
        Path removed = write("removed.pdf", random(CHUNK, 2));
        String removedJob = sendAndReceiveResult(removed);
        Files.delete(removed);

        startOnly("prune-state");

        await().atMost(Duration.ofSeconds(10)).until(() -> device.journal.byJob(removedJob).isEmpty());
        assertThat(sentFiles.size()).isEqualTo(1);
        assertThat(device.journal.byJob(keptJob)).isPresent();
        assertThat(sentFiles.contains(StateHousekeeping.watchKey("kept.pdf", FileIdentity.of(kept)))).isTrue();
    }

    @Test
    void theRouteFilesDefaultPrunesEveryFiveMinutes() throws Exception {
        assertThat(applicationProperties().getProperty("client.state-prune-ms")).isEqualTo("300000");
        assertThat(Files.readString(ROUTE_FOLDER.resolve("prune-state.camel.yaml"))).contains("{{client.state-prune-ms:300000}}");
    }

    private String sendAndReceiveResult(Path file) throws Exception {
        String job = device.uploader.upload(file.toFile());
        server.addResult(job, Job.DONE, FakePipelineServer.sealed(job, "{\"size\":1}", keys.publicKey()), null);
        for (Result result : device.inbox.fetch()) {
            device.inbox.deliver(result);
        }
        sentFiles.add(StateHousekeeping.watchKey(file.getFileName().toString(), FileIdentity.of(file)));
        return job;
    }
}
