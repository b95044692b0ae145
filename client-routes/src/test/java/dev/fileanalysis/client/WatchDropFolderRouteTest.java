package dev.fileanalysis.client;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** watch-drop-folder.camel.yaml: what the watcher hands over, and what send-file makes of it. */
class WatchDropFolderRouteTest extends ClientRouteTestSupport {

    @Test
    void aFileThatHasStoppedChangingIsHandedToSendFileOnce() throws Exception {
        MockEndpoint sendFile = handOverToMock();
        sendFile.expectedMessageCount(1);
        // Many polls of the watcher (client.poll-ms=50): the file is still handed over only once.
        sendFile.setAssertPeriod(1_000);
        startOnly("watch-drop-folder");

        write("report.pdf", random(1_000, 1));

        sendFile.assertIsSatisfied();
        assertThat(sendFile.getExchanges().get(0).getIn().getBody(File.class).getName()).isEqualTo("report.pdf");
    }

    @Test
    void hiddenFilesAndPartialDownloadsAreLeftAloneWithTheRouteFilesOwnDefault() throws Exception {
        MockEndpoint sendFile = handOverToMock();
        sendFile.expectedBodiesReceived(drop.resolve("notes.txt").toFile());
        sendFile.setAssertPeriod(500);
        startOnly("watch-drop-folder");

        for (String name : new String[] {".hidden", "movie.part", "setup.crdownload", "draft.swp", "backup~", "x.tmp"}) {
            write(name, random(10, 2));
        }
        write("notes.txt", random(10, 3));

        sendFile.assertIsSatisfied();
    }

    @Test
    void aDroppedFileIsSentAsOneCompletedJob() throws Exception {
        startOnly("watch-drop-folder", "send-file");

        Path file = write("invoice.pdf", random(3 * CHUNK + 17, 4));

        await().atMost(Duration.ofSeconds(10)).until(() -> server.completedJobs().size() == 1);
        assertThat(server.reassemble(server.completedJobs().get(0).id)).isEqualTo(Files.readAllBytes(file));
        assertThat(device.journal.latestUpload(file).orElseThrow().state()).isEqualTo(ClientJournal.UPLOADED);
    }

    @Test
    void aFileThatCannotBeSentBecomesAFailedResultFileSayingWhy() throws Exception {
        server.hook(call -> {
            if (call.name().equals("put") && !call.applied()) {
                throw new dev.fileanalysis.apiclient.ServerCallException(400, "InvalidDigest");
            }
        });
        startOnly("watch-drop-folder", "send-file");

        write("refused.bin", random(2 * CHUNK, 5));

        Path result = await().atMost(Duration.ofSeconds(10)).until(() -> device.results().resolve("refused.bin.json"),
                Files::exists);
        assertThat(Files.readString(result)).contains("\"status\" : \"FAILED\"").contains("Could not send refused.bin")
                .contains("InvalidDigest");
        assertThat(server.completedJobs()).isEmpty();
    }

    private MockEndpoint handOverToMock() throws Exception {
        AdviceWith.adviceWith(context, "watch-drop-folder", route -> route.weaveByToUri("direct:send-file").replace()
                .to("mock:send-file"));
        return getMockEndpoint("mock:send-file");
    }
}
