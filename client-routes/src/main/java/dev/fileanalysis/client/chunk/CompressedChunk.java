package dev.fileanalysis.client.chunk;

import dev.fileanalysis.chunk.ChunkCodec;

/**
 * One compressed chunk ready to upload.
 *
 * @param index          position in the file, from 0
 * @param originalLength bytes of the file it holds
 * @param frame          the independent zstd frame
 * @param md5Base64      Content-MD5 of the frame, which the presigned PUT's signature covers
 * @param level          the zstd level it was compressed at, or {@link ChunkCodec#STORED}
 */
public record CompressedChunk(int index, int originalLength, byte[] frame, String md5Base64, int level) {

    public boolean stored() {
        return level == ChunkCodec.STORED;
    }

    /** How it was encoded, as a log line or a report says it: {@code level 3} or {@code stored}. */
    public String encoding() {
        return stored() ? "stored" : "level " + level;
    }
}
