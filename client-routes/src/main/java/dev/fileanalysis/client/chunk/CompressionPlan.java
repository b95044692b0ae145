package dev.fileanalysis.client.chunk;

import dev.fileanalysis.chunk.ChunkCodec;

/**
 * Which zstd level the next chunk gets, and what the chunks cost, for a plan that learns from it
 * (the client's adaptive level). Called from several workers at once.
 */
public interface CompressionPlan {

    /** The level for the next chunk to encode, or {@link ChunkCodec#STORED} to send it uncompressed. */
    int nextLevel();

    /** A chunk was compressed at {@code level} (not stored): {@code nanos} of one worker for {@code originalBytes} into {@code frameBytes}. */
    default void compressed(int level, int originalBytes, int frameBytes, long nanos) {
    }

    /** The same level for every chunk; {@link ChunkCodec#STORED} sends every chunk uncompressed. */
    static CompressionPlan fixed(int level) {
        return () -> level;
    }
}
