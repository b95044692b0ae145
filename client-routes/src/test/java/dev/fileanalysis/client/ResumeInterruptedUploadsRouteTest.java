package dev.fileanalysis.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** resume-interrupted-uploads.camel.yaml: on start, uploads a crash interrupted are finished or reported. */
class ResumeInterruptedUploadsRouteTest extends ClientRouteTestSupport {

    @Test
    void onStartAnUploadAKillInterruptedIsFinishedAsTheSameJobSendingOnlyWhatHadNotLanded() throws Exception {
        Path file = write("kept.bin", random(4 * CHUNK, 1));
        Device restarted = killedAtChunk(2, file);
        String job = server.reservations.values().iterator().next();

        startOnly("resume-interrupted-uploads");

        await().atMost(Duration.ofSeconds(10)).until(() -> server.completedJobs().size() == 1);
        assertThat(server.completedJobs().get(0).id).isEqualTo(job);
        assertThat(server.reassemble(job)).isEqualTo(Files.readAllBytes(file));
        assertThat(server.puts(job, 0)).as("landed before the kill").isEqualTo(1);
        assertThat(restarted.journal.latestUpload(file).orElseThrow().state()).isEqualTo(ClientJournal.UPLOADED);
    }

    @Test
    void anUploadWhoseFileWasRemovedWhileTheClientWasDownBecomesAFailedResultFile() throws Exception {
        Path file = write("gone.bin", random(4 * CHUNK, 2));
        Device restarted = killedAtChunk(2, file);
        Files.delete(file);

        startOnly("resume-interrupted-uploads");

        Path result = await().atMost(Duration.ofSeconds(10)).until(() -> restarted.results().resolve("gone.bin.json"),
                Files::exists);
        assertThat(Files.readString(result)).contains("\"status\" : \"FAILED\"")
                .contains("gone.bin was removed from the drop folder").contains("Put it back");
        assertThat(server.completedJobs()).isEmpty();
    }

    /** Uploads {@code file} until chunk {@code index} has landed, kills the client, and binds the beans of its restart. */
    private Device killedAtChunk(int index, Path file) throws Exception {
        Path crashed = temp.resolve("after-kill");
        server.crashAt(call -> call.name().equals("put") && call.index() == index && call.applied(),
                device.snapshotTo(crashed));
        assertThatThrownBy(() -> device.uploader.upload(file.toFile())).isInstanceOf(java.io.IOException.class);
        Device restarted = device.restartFrom(crashed);
        bind(context.getRegistry(), restarted);
        return restarted;
    }
}
