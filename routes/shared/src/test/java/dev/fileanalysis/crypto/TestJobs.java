package dev.fileanalysis.crypto;

import dev.fileanalysis.model.Job;

/** Jobs as clients build them, for the signature tests. */
final class TestJobs {

    private TestJobs() {
    }

    static Job unsigned(ClientPublicKey client) {
        return Job.unsigned("job-6f1c2a9e-3b7d-4c1e-9a55-0d2f8e4b7c31", "1.0.0", "2025-03-14T09:26:53.589Z",
                "file-analysis-chunks", "eu-west-1", "file-0b8e1f7a-5c2d-4e3f-8a9b-1c2d3e4f5a6b", client.clientId());
    }

    /** Every kind of character JSON.stringify escapes or must leave alone, in the free-text fields. */
    static Job withEscapes(ClientPublicKey client) {
        return Job.unsigned(
                "job-\"quoted\" back\\slash",
                "1.0.0-beta+line\nbreak\ttab\rreturn\bback\fform",
                "2025-03-14T09:26:53.589Z\u0000\u0001\u001f\u007f",
                "bücket-ñame-日本語",
                "emoji-\uD83D\uDE80-\uD83D\uDC4D\uD83C\uDFFD",
                "lone-\uD800-high-\uDC00-low-\uDE00\uD83D-reversed-\u2028\u2029-separators-</script>",
                client.clientId());
    }
}
