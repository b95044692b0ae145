package dev.fileanalysis.chunk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * XXH64 with seed 0, the hash whose low 32 bits close a zstd frame (RFC 8878 §3.1.1: the
 * Content_Checksum). zstd-jni does not expose it, and a stored frame must carry it so that a
 * processor detects a corrupted chunk whether it was compressed or stored.
 */
final class Xxh64 {

    private static final long PRIME_1 = 0x9E3779B185EBCA87L;
    private static final long PRIME_2 = 0xC2B2AE3D27D4EB4FL;
    private static final long PRIME_3 = 0x165667B19E3779F9L;
    private static final long PRIME_4 = 0x85EBCA77C2B2AE63L;
    private static final long PRIME_5 = 0x27D4EB2F165667C5L;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private Xxh64() {
    }

    static long hash(byte[] data, int offset, int length) {
        int at = offset;
        int end = offset + length;
        long acc;
        if (length >= 32) {
            long v1 = PRIME_1 + PRIME_2;
            long v2 = PRIME_2;
            long v3 = 0;
            long v4 = -PRIME_1;
            for (int limit = end - 32; at <= limit; at += 32) {
                v1 = round(v1, (long) LONGS.get(data, at));
                v2 = round(v2, (long) LONGS.get(data, at + 8));
                v3 = round(v3, (long) LONGS.get(data, at + 16));
                v4 = round(v4, (long) LONGS.get(data, at + 24));
            }
            acc = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            acc = merge(acc, v1);
            acc = merge(acc, v2);
            acc = merge(acc, v3);
            acc = merge(acc, v4);
        } else {
            acc = PRIME_5;
        }
        acc += length;
        for (; at + 8 <= end; at += 8) {
            acc ^= round(0, (long) LONGS.get(data, at));
            acc = Long.rotateLeft(acc, 27) * PRIME_1 + PRIME_4;
        }
        if (at + 4 <= end) {
            acc ^= ((int) INTS.get(data, at) & 0xFFFFFFFFL) * PRIME_1;
            acc = Long.rotateLeft(acc, 23) * PRIME_2 + PRIME_3;
            at += 4;
        }
        for (; at < end; at++) {
            acc ^= (data[at] & 0xFFL) * PRIME_5;
            acc = Long.rotateLeft(acc, 11) * PRIME_1;
        }
        acc ^= acc >>> 33;
        acc *= PRIME_2;
        acc ^= acc >>> 29;
        acc *= PRIME_3;
        acc ^= acc >>> 32;
        return acc;
    }

    private static long round(long acc, long lane) {
        return Long.rotateLeft(acc + lane * PRIME_2, 31) * PRIME_1;
    }

    private static long merge(long acc, long lane) {
        return (acc ^ round(0, lane)) * PRIME_1 + PRIME_4;
    }
}
