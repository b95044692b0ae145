package dev.fileanalysis.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fileanalysis.crypto.JobSignature;
import dev.fileanalysis.crypto.JobSignatureException;
import dev.fileanalysis.model.Job;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Lets a person check, without any server, that a job was signed by the client key it names. */
@Command(name = "verify-job",
        description = "Checks that a job's signature was made by the client key in its own 'client' field.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:signature valid", "1:signature invalid or missing", "2:job file unreadable or not a job"})
public class VerifyJobCommand implements Callable<Integer> {

    static final int VALID = 0;
    static final int INVALID = 1;
    static final int UNREADABLE = 2;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "JOB.json", description = "A file holding one job as a JSON object.")
    Path jobFile;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Job job;
        try {
            job = read(jobFile);
        } catch (IOException e) {
            err.println(e.getMessage());
            err.flush();
            return UNREADABLE;
        }
        try {
            JobSignature.verify(job);
        } catch (JobSignatureException e) {
            err.println("invalid: " + e.getMessage());
            err.flush();
            return INVALID;
        }
        out.println("valid: " + job.id() + " signed by " + job.client());
        out.flush();
        return VALID;
    }

    private static Job read(Path file) throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file");
        } catch (IOException e) {
            throw new IOException(file + ": cannot read: " + e.getMessage(), e);
        }
        Job job;
        try {
            job = JSON.readValue(content, Job.class);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new IOException(file + ": not a job JSON object: " + e.getOriginalMessage() + where, e);
        }
        if (job == null) {
            throw new IOException(file + ": not a job JSON object: the file holds null or nothing");
        }
        return job;
    }
}
