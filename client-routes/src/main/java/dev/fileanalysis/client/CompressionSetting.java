package dev.fileanalysis.client;

import com.github.luben.zstd.Zstd;
import dev.fileanalysis.chunk.ChunkCodec;
import dev.fileanalysis.client.chunk.CompressionPlan;

/**
 * {@code client.compression-level}: {@code auto} (the level is chosen from measured compression
 * speed and upload rate, see {@link CompressionLevelChooser}), {@code none} (every chunk sent
 * uncompressed, as a stored zstd frame) or a fixed zstd level. In every case a chunk that does not
 * compress is sent stored.
 */
public record CompressionSetting(boolean adaptive, int fixedLevel) {

    public static final CompressionSetting AUTO = new CompressionSetting(true, 0);

    public static CompressionSetting level(int level) {
        if (level != ChunkCodec.STORED && (level < Zstd.minCompressionLevel() || level > Zstd.maxCompressionLevel() || level == 0)) {
            throw new IllegalArgumentException("zstd level " + level + " is out of range: use 1 to " + Zstd.maxCompressionLevel()
                    + " (or " + Zstd.minCompressionLevel() + " to -1 for zstd's fast levels), 'auto' or 'none'");
        }
        return new CompressionSetting(false, level);
    }

    public static CompressionSetting parse(String text) {
        String value = text == null ? "" : text.trim();
        if (value.equalsIgnoreCase("auto")) {
            return AUTO;
        }
        if (value.equalsIgnoreCase("none")) {
            return level(ChunkCodec.STORED);
        }
        try {
            return level(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a compression level: write auto, none or a zstd level "
                    + "such as 3");
        }
    }

    /** A plan for a client's uploads: for {@code auto}, one chooser that all its uploads share. */
    CompressionPlan plan(int workers) {
        return adaptive ? new CompressionLevelChooser(workers) : CompressionPlan.fixed(fixedLevel);
    }

    @Override
    public String toString() {
        return adaptive ? "auto" : fixedLevel == ChunkCodec.STORED ? "none" : Integer.toString(fixedLevel);
    }
}
