package dev.fileanalysis.model;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResultPlaintextTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JOB = "job-00000000-0000-4000-8000-000000000001";

    @Test
    void theAnswerOfAJobThatIsDoneNamesTheJobFirstAndCarriesTheEnginesObjectUnderResult() throws Exception {
        JsonNode answer = JSON.readTree("{\"size\":14,\"sha256\":\"ab\"}");

        byte[] plaintext = ResultPlaintext.done(JOB, answer).toBytes();

        assertThat(new String(plaintext, StandardCharsets.UTF_8))
                .isEqualTo("{\"job\":\"" + JOB + "\",\"result\":{\"size\":14,\"sha256\":\"ab\"}}");
        ResultPlaintext read = ResultPlaintext.read(plaintext);
        assertThat(read.job()).isEqualTo(JOB);
        assertThat(read.isDone()).isTrue();
        assertThat(read.result()).isEqualTo(answer);
        assertThat(read.error()).isNull();
    }

    @Test
    void aFailureNamesTheJobAndItsReason() throws Exception {
        byte[] plaintext = ResultPlaintext.failed(JOB, "The analysis engine did not answer in time.").toBytes();

        assertThat(new String(plaintext, StandardCharsets.UTF_8))
                .isEqualTo("{\"job\":\"" + JOB + "\",\"error\":\"The analysis engine did not answer in time.\"}");
        ResultPlaintext read = ResultPlaintext.read(plaintext);
        assertThat(read.isDone()).isFalse();
        assertThat(read.error()).isEqualTo("The analysis engine did not answer in time.");
        assertThat(read.result()).isNull();
    }

    @Test
    void aResultFiledUnderAnotherJobIsRefusedNamingBothJobs() {
        byte[] plaintext = ResultPlaintext.failed(JOB, "no").toBytes();

        assertThatThrownBy(() -> ResultPlaintext.readFor("job-other", plaintext))
                .isInstanceOf(MalformedResultException.class)
                .hasMessage("The result filed under job job-other answers job " + JOB + "; it was refused.");
    }

    @Test
    void aPlaintextThatDoesNotSayWhichJobItAnswersIsRefused() {
        assertThatThrownBy(() -> ResultPlaintext.read(utf8("{\"size\":14}")))
                .isInstanceOf(MalformedResultException.class).hasMessageContaining("names no job");
        assertThatThrownBy(() -> ResultPlaintext.read(utf8("{\"job\":\"" + JOB + "\"}")))
                .isInstanceOf(MalformedResultException.class).hasMessageContaining("neither a 'result' object nor an 'error'");
        assertThatThrownBy(() -> ResultPlaintext.read(utf8("{\"job\":\"" + JOB + "\",\"result\":{},\"error\":\"x\"}")))
                .isInstanceOf(MalformedResultException.class).hasMessageContaining("both");
        assertThatThrownBy(() -> ResultPlaintext.read(utf8("[1]")))
                .isInstanceOf(MalformedResultException.class).hasMessage("The decrypted result is not a JSON object.");
        assertThatThrownBy(() -> ResultPlaintext.read(utf8("{not json")))
                .isInstanceOf(MalformedResultException.class).hasMessageStartingWith("The decrypted result is not JSON");
    }

    @Test
    void anAnswerThatIsNotAnObjectCannotBeWritten() throws Exception {
        assertThatThrownBy(() -> ResultPlaintext.done(JOB, JSON.readTree("[1,2]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> ResultPlaintext.failed(" ", "reason"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("A result must name its job.");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
