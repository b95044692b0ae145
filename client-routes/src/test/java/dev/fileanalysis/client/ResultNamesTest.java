package dev.fileanalysis.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.crypto.ClientKeyPair;
import dev.fileanalysis.model.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every result gets a file a person can find beside the others, whatever the name of the file it
 * is for: a name too long for {@code NAME.json} is shortened, recognisably and uniquely; a name the
 * results folder's file system refuses is written in portable characters; a result that was made
 * for another job is refused, not written under this file's name.
 */
class ResultNamesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** 85 characters of three UTF-8 bytes each: 255 bytes, the longest name ext4 takes. */
    private static final String LONGEST_JAPANESE = "会議録".repeat(28) + "表";

    @TempDir
    Path temp;

    private final FakePipelineServer server = new FakePipelineServer();
    private final ClientKeyPair keys = ClientKeyPair.generate();

    @Test
    void aNameTooLongForItsResultIsShortenedRecognisablyAndTheFullNameIsInside() throws Exception {
        Device device = new Device(temp.resolve("device"), keys, server, Device.ONE_AT_A_TIME);
        String longest = "Quarterly report ".repeat(14) + "final report.pdf";
        assertThat(longest.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        assertThat(LONGEST_JAPANESE.getBytes(StandardCharsets.UTF_8).length).isEqualTo(255);

        for (String name : List.of(longest, LONGEST_JAPANESE)) {
            sendAndAnswer(device, name);
        }
        deliverAll(device);

        List<Path> results = device.resultFiles();
        assertThat(results).hasSize(2);
        for (Path result : results) {
            String resultName = result.getFileName().toString();
            assertThat(resultName.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
            assertThat(resultName).endsWith(".json").contains("… ~");
        }
        assertThat(results).extracting(path -> path.getFileName().toString())
                .anySatisfy(name -> assertThat(name).startsWith("Quarterly report Quarterly").endsWith(".pdf.json"))
                .anySatisfy(name -> assertThat(name).startsWith("会議録会議録"));
        assertThat(results).extracting(this::nameInside).containsExactlyInAnyOrder(longest, LONGEST_JAPANESE);
    }

    @Test
    void twoLongNamesThatStartAlikeGetTwoResults() throws Exception {
        Device device = new Device(temp.resolve("device"), keys, server, Device.ONE_AT_A_TIME);
        String common = "x".repeat(244);
        sendAndAnswer(device, common + "-first.bin");
        sendAndAnswer(device, common + "-second.bin");

        deliverAll(device);

        assertThat(device.resultFiles()).hasSize(2)
                .extracting(this::nameInside).containsExactlyInAnyOrder(common + "-first.bin", common + "-second.bin");
        assertThat(device.resultFiles()).extracting(path -> path.getFileName().toString()).doesNotHaveDuplicates();
    }

    @Test
    void aNameTheResultsFileSystemRefusesIsWrittenInPortableCharactersAtOnce() throws Exception {
        // A results folder on an exFAT stick or a Windows share: ':' and '?' are refused there.
        Path resultsFolder = temp.resolve("device").resolve("results");
        ResultFolder picky = new ResultFolder(resultsFolder) {
            @Override
            void publishMove(Path staged, Path target) throws IOException {
                String name = target.getFileName().toString();
                if (name.contains(":") || name.contains("?")) {
                    throw new FileSystemException(target.toString(), null, "Invalid argument");
                }
                super.publishMove(staged, target);
            }
        };
        Device device = new Device(temp.resolve("device"), keys, server, Device.ONE_AT_A_TIME, picky);
        sendAndAnswer(device, "minutes 10:30 — what next?.txt");

        deliverAll(device);

        assertThat(device.resultFiles()).extracting(path -> path.getFileName().toString())
                .containsExactly("minutes 10_30 — what next_.txt.json");
        assertThat(nameInside(device.resultFiles().get(0))).isEqualTo("minutes 10:30 — what next?.txt");
        assertThat(server.results).as("written, so acknowledged").isEmpty();
    }

    @Test
    void aResultMadeForAnotherJobOfThisDeviceIsRefusedAndSaysSo() throws Exception {
        Device device = new Device(temp.resolve("device"), keys, server, Device.ONE_AT_A_TIME);
        String invoice = device.uploader.upload(drop("invoice.pdf").toFile());
        String payslip = device.uploader.upload(drop("payslip.pdf").toFile());
        // A server that was broken into hands the payslip's analysis over as the invoice's.
        server.addResult(invoice, "DONE", FakePipelineServer.sealed(payslip, "{\"salary\":1}", keys.publicKey()), null);

        deliverAll(device);

        JsonNode written = JSON.readTree(device.results().resolve("invoice.pdf.json").toFile());
        assertThat(written.path("status").asText()).isEqualTo("FAILED");
        assertThat(written.path("result").isMissingNode()).as("nothing of the other job is written").isTrue();
        assertThat(written.path("error").asText()).contains("filed under job " + invoice)
                .contains("answers job " + payslip).contains("refused").contains("Drop the file again");
        assertThat(Files.readString(device.results().resolve("invoice.pdf.json"))).doesNotContain("salary");
    }

    private void sendAndAnswer(Device device, String name) throws Exception {
        String job = device.uploader.upload(drop(name).toFile());
        server.addResult(job, "DONE", FakePipelineServer.sealed(job, "{\"size\":1}", keys.publicKey()), null);
    }

    private Path drop(String name) throws IOException {
        return Files.write(Files.createDirectories(temp.resolve("drop")).resolve(name), name.getBytes(StandardCharsets.UTF_8));
    }

    private String nameInside(Path result) {
        try {
            return JSON.readTree(result.toFile()).path("name").asText();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void deliverAll(Device device) throws Exception {
        for (Result result : device.inbox.fetch()) {
            device.inbox.deliver(result);
        }
    }
}
