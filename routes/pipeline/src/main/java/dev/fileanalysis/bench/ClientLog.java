package dev.fileanalysis.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the client says in {@code DATA/logs/client.log} about each upload: the job a file became,
 * the size of every chunk frame that landed in storage (the bytes on the wire, less HTTP
 * headers) and how long the upload took by the client's own clock. Read incrementally, so that
 * polling it while a scenario runs costs only the new lines.
 */
final class ClientLog {

    private static final Pattern UPLOADING = Pattern.compile("uploading (.+) \\((\\d+) bytes\\) as (job-[0-9a-f-]+)");
    private static final Pattern LANDED = Pattern.compile(
            "chunk (\\d+) of (job-[0-9a-f-]+) landed \\((\\d+) of (\\d+) bytes(?:, (level -?\\d+|stored))?\\)");
    private static final Pattern UPLOADED = Pattern.compile("uploaded (.+) as (job-[0-9a-f-]+): (\\d+) chunks.* in (\\d+) ms");

    private final Path file;
    private long position;
    private final StringBuilder partial = new StringBuilder();
    private final Map<String, String> jobByName = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, Long>> framesByJob = new ConcurrentHashMap<>();
    private final Map<String, Long> uploadMillisByJob = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, String>> encodingByJob = new ConcurrentHashMap<>();

    ClientLog(Path file) {
        this.file = file;
    }

    /** Reads the lines added since the last call. */
    synchronized ClientLog refresh() throws IOException {
        if (!Files.exists(file)) {
            return this;
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length < position) {
                position = 0; // rotated or truncated
            }
            if (length == position) {
                return this;
            }
            byte[] added = new byte[(int) Math.min(length - position, 64L << 20)];
            in.seek(position);
            in.readFully(added);
            position += added.length;
            partial.append(new String(added, StandardCharsets.UTF_8));
        }
        int end;
        while ((end = partial.indexOf("\n")) >= 0) {
            accept(partial.substring(0, end));
            partial.delete(0, end + 1);
        }
        return this;
    }

    void accept(String line) {
        Matcher matcher = LANDED.matcher(line);
        if (matcher.find()) {
            framesByJob.computeIfAbsent(matcher.group(2), job -> new TreeMap<>())
                    .put(Integer.parseInt(matcher.group(1)), Long.parseLong(matcher.group(3)));
            if (matcher.group(5) != null) {
                encodingByJob.computeIfAbsent(matcher.group(2), job -> new TreeMap<>())
                        .put(Integer.parseInt(matcher.group(1)), matcher.group(5));
            }
            return;
        }
        matcher = UPLOADING.matcher(line);
        if (matcher.find()) {
            jobByName.put(matcher.group(1), matcher.group(3));
            return;
        }
        matcher = UPLOADED.matcher(line);
        if (matcher.find()) {
            jobByName.putIfAbsent(matcher.group(1), matcher.group(2));
            uploadMillisByJob.put(matcher.group(2), Long.parseLong(matcher.group(4)));
        }
    }

    /** The job the client made of the file called {@code name}, or null if it has not said yet. */
    String job(String name) {
        return jobByName.get(name);
    }

    /** Bytes of the chunk frames of a job that landed (each chunk counted once), or null when none was logged. */
    Long wireBytes(String job) {
        Map<Integer, Long> frames = framesByJob.get(job);
        return frames == null ? null : frames.values().stream().mapToLong(Long::longValue).sum();
    }

    Integer chunks(String job) {
        Map<Integer, Long> frames = framesByJob.get(job);
        return frames == null ? null : frames.size();
    }

    /** How a job's chunks were sent, e.g. {@code level 9 ×12, level 12 ×3, stored ×1}; null when the log does not say. */
    String encodings(String job) {
        Map<Integer, String> chunks = encodingByJob.get(job);
        if (chunks == null) {
            return null;
        }
        Map<String, Long> counts = new TreeMap<>();
        chunks.values().forEach(encoding -> counts.merge(encoding, 1L, Long::sum));
        StringBuilder text = new StringBuilder();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(entry ->
                text.append(text.length() == 0 ? "" : ", ").append(entry.getKey()).append(" ×").append(entry.getValue()));
        return text.toString();
    }

    /** The zstd level most of a job's compressed chunks got; null when all were stored or the log does not say. */
    Integer mostUsedLevel(String job) {
        Map<Integer, String> chunks = encodingByJob.get(job);
        if (chunks == null) {
            return null;
        }
        Map<Integer, Long> counts = new TreeMap<>();
        chunks.values().stream().filter(encoding -> encoding.startsWith("level "))
                .forEach(encoding -> counts.merge(Integer.parseInt(encoding.substring(6)), 1L, Long::sum));
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    /** The upload's duration by the client's own clock (reserve to complete), or null. */
    Long uploadMillis(String job) {
        return uploadMillisByJob.get(job);
    }
}
