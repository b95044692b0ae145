package dev.fileanalysis.client;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The watcher's record of the files it handed over ({@code DATA/state/sent-files.txt}, one key a
 * line: name, size and modification time), which keeps it from handing a file over again on
 * every poll. It forgets a key only when told to: when {@link StateHousekeeping} finds the file
 * gone from the drop folder. So it holds the keys of the files in the drop folder, plus those
 * handed over since the last prune, and never more.
 *
 * <p>Camel's {@code FileIdempotentRepository} does not fit (4.18): past its cache size it keeps
 * only the newest keys in memory and looks each other key up by reading the whole file; past
 * {@code maxFileStoreSize} (32 MB by default) it drops the oldest 1,000 keys on its own, whether
 * their files are still in the drop folder or not; and removing a key rewrites the whole file in
 * place (truncated, then written), once per key. Here every key is in memory, an added key is one
 * appended line, and forgetting many keys is one rewrite, to a temporary file renamed over the old.
 *
 * <p>A key is a filter, not the truth: the journal is what decides whether a file was sent. A key
 * lost in a crash (the last line torn) only means the watcher hands the file over again, and the
 * journal says it was sent. Newlines in names (which file systems allow) are escaped, so a key is
 * always one line.
 */
public final class SentFiles extends ServiceSupport implements IdempotentRepository {

    private final Path file;
    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    /** Lines in the file now: more than the keys once keys are forgotten or a line repeats. */
    private int lines;

    /** Reads the keys a previous run left in {@code file} (Camel's format, one key a line, reads the same). */
    public SentFiles(Path file) {
        this.file = file;
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            if (end >= 0) {
                // A last line without its newline was torn by a crash: that file is handed over again.
                for (String line : text.substring(0, end).split("\n", -1)) {
                    if (!line.isEmpty()) {
                        keys.add(unescape(line));
                        lines++;
                    }
                }
            }
        } catch (NoSuchFileException none) {
            // No file handed over yet.
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the watcher's record " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized boolean add(String key) {
        if (!keys.add(key)) {
            return false;
        }
        try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) {
            out.write((escape(key) + "\n").getBytes(StandardCharsets.UTF_8));
            lines++;
        } catch (IOException e) {
            // Held in memory for this run; after a restart the file is handed over again and the
            // journal says it was sent.
            throw new UncheckedIOException("Cannot add to the watcher's record " + file + ": " + e.getMessage(), e);
        }
        return true;
    }

    @Override
    public boolean contains(String key) {
        return keys.contains(key);
    }

    @Override
    public synchronized boolean remove(String key) {
        if (!keys.remove(key)) {
            return false;
        }
        rewrite();
        return true;
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public synchronized void clear() {
        keys.clear();
        rewrite();
    }

    /**
     * Forgets every key but those in {@code wanted} (the keys of the files in the drop folder
     * now), in one rewrite; returns how many were forgotten.
     */
    public synchronized int retainOnly(Set<String> wanted) {
        int before = keys.size();
        keys.retainAll(wanted);
        int forgotten = before - keys.size();
        if (forgotten > 0 || lines > keys.size()) {
            rewrite();
        }
        return forgotten;
    }

    public int size() {
        return keys.size();
    }

    /** Replaces the file with the keys held now: a temporary file, fsync'd, renamed over the old one. */
    private void rewrite() {
        StringBuilder text = new StringBuilder(keys.size() * 48);
        keys.forEach(key -> text.append(escape(key)).append('\n'));
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            ClientJournal.writeDurably(temporary, text.toString().getBytes(StandardCharsets.UTF_8));
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            ClientJournal.syncFolder(file.getParent());
            lines = keys.size();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot rewrite the watcher's record " + file + ": " + e.getMessage(), e);
        }
    }

    static String escape(String key) {
        return key.replace("%", "%25").replace("\n", "%0A").replace("\r", "%0D");
    }

    static String unescape(String line) {
        StringBuilder key = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            String escaped = line.startsWith("%", i) && i + 3 <= line.length() ? line.substring(i, i + 3) : "";
            switch (escaped) {
                case "%25" -> key.append('%');
                case "%0A" -> key.append('\n');
                case "%0D" -> key.append('\r');
                default -> {
                    key.append(line.charAt(i));
                    continue;
                }
            }
            i += 2;
        }
        return key.toString();
    }

    @Override
    protected void doStart() {
        // The keys are read when the record is made, before any route starts.
    }

    @Override
    protected void doStop() {
        // Every key is on disk already (appended as it was added).
    }
}
