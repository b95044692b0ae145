package dev.fileanalysis.server.directory;
import dev.fileanalysis.server.refusal.TooLargeException;


/** What an organisation may use per UTC month, and the largest single file it may send. */
public record Plan(String name, long bytesPerMonth, long jobsPerMonth, long largestFileBytes) {

    public Plan {
        if (bytesPerMonth < 0 || jobsPerMonth < 0 || largestFileBytes < 0) {
            throw new IllegalArgumentException("Plan '" + name + "' has a negative limit");
        }
    }

    /** Refuses (413) a file larger than the plan's largest file, before any of it is uploaded. */
    public void requireFileFits(long fileBytes) {
        if (fileBytes > largestFileBytes) {
            throw new TooLargeException("Plan '" + name + "' accepts files up to " + ByteSize.format(largestFileBytes)
                    + "; this file is " + ByteSize.format(fileBytes) + " (" + fileBytes + " bytes).");
        }
    }
}
