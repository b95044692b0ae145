package dev.fileanalysis.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** check-drop-folder.camel.yaml: what cannot be sent is said, once, in the results folder. */
class CheckDropFolderRouteTest extends ClientRouteTestSupport {

    @Test
    void aFolderPutInTheDropFolderGetsOneFailedResultFileThatNamesItAndSaysWhatToDo() throws Exception {
        Files.createDirectories(drop.resolve("photos"));
        startOnly("check-drop-folder");

        Path result = await().atMost(Duration.ofSeconds(10)).until(() -> device.results().resolve("photos.json"),
                Files::exists);
        assertThat(Files.readString(result)).contains("\"status\" : \"FAILED\"").contains("photos is a folder")
                .contains("drop a .zip of the folder");
        // Checked again and again (every 50 ms here): still one result.
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(device.resultFiles()).containsExactly(result));
    }
}
