package dev.fileanalysis.client;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.fileanalysis.client.ClientJournal.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the client's state proportional to what is in the drop folder now, never to what was ever
 * sent: the watcher's record ({@link SentFiles}) and the journal forget files that have left the
 * drop folder, while everything that keeps a file in the folder from being sent twice is kept.
 *
 * <p>Run by the {@code prune-state} route, on start and every {@code client.state-prune-ms}, in
 * three steps (the order is what makes a crash between them harmless):
 * <ol>
 *   <li>{@link #lookThroughDropFolder}: one listing of the drop folder with each entry's
 *   attributes, the only place the prune reads the folder.</li>
 *   <li>{@link #forgetSentFilesGone}: the watcher's record keeps the keys of those entries only.
 *   A crash after this step leaves journal entries without keys: should such a file come back,
 *   the watcher hands it over and the journal says it was sent.</li>
 *   <li>{@link #forgetSettledUploadsGone}: journal entries that are settled (see
 *   {@link ClientJournal#settled}) and whose file is no longer in the drop folder as it was sent
 *   (removed, or replaced: a replaced file is a new file) are forgotten. An entry of a file in the
 *   folder is kept, an unfinished upload always is, and so is any entry a result may still come
 *   for. (The other order would be the unsafe one: a key left without its entry would keep a file
 *   put back under the same name, size and time from being sent.)</li>
 * </ol>
 */
public final class StateHousekeeping {

    private static final Logger LOG = LoggerFactory.getLogger(StateHousekeeping.class);

    private final Path dropFolder;
    private final ClientJournal journal;
    private final SentFiles sentFiles;

    public StateHousekeeping(Path dropFolder, ClientJournal journal, SentFiles sentFiles) {
        this.dropFolder = dropFolder.toAbsolutePath().normalize();
        this.journal = journal;
        this.sentFiles = sentFiles;
    }

    /** What the drop folder holds at one instant: each entry's identity, by name. */
    public record DropFolderNow(Map<String, FileIdentity> entries) {

        /** The watcher's key of each entry: {@code ${file:name}-${file:size}-${file:modified}} (milliseconds). */
        Set<String> watchKeys() {
            Set<String> keys = new HashSet<>(entries.size() * 2);
            entries.forEach((name, identity) -> keys.add(watchKey(name, identity)));
            return keys;
        }
    }

    static String watchKey(String name, FileIdentity identity) {
        return name + "-" + identity.size() + "-" + TimeUnit.NANOSECONDS.toMillis(identity.modified());
    }

    /** Step 1: one listing of the drop folder, with each entry's attributes (links not followed). */
    public DropFolderNow lookThroughDropFolder() throws IOException {
        Map<String, FileIdentity> entries = new HashMap<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dropFolder)) {
            for (Path path : listing) {
                try {
                    entries.put(path.getFileName().toString(), FileIdentity.of(
                            Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)));
                } catch (NoSuchFileException gone) {
                    // Removed while the folder was read: gone it is.
                }
            }
        }
        return new DropFolderNow(entries);
    }

    /** Step 2: the watcher's record forgets the files that are no longer in the drop folder. */
    public void forgetSentFilesGone(DropFolderNow now) {
        int forgotten = sentFiles.retainOnly(now.watchKeys());
        if (forgotten > 0) {
            LOG.info("the watcher's record forgot {} file(s) no longer in the drop folder; it holds {}", forgotten,
                    sentFiles.size());
        }
    }

    /** Step 3: the journal forgets settled entries whose file is no longer in the drop folder as it was sent. */
    public void forgetSettledUploadsGone(DropFolderNow now) throws IOException {
        List<Entry> gone = new ArrayList<>();
        int kept = 0;
        for (Entry entry : journal.all()) {
            if (!journal.settled(entry)) {
                kept++;
            } else if (!describesAnEntryOf(entry, now) && !describesAnEntryNow(entry)) {
                gone.add(entry);
            } else {
                kept++;
            }
        }
        journal.forget(gone);
        if (!gone.isEmpty()) {
            LOG.info("the journal forgot {} finished upload(s) whose file left the drop folder; it holds {}", gone.size(),
                    kept);
        }
    }

    /** Whether the entry's file is in the drop folder as the listing found it. */
    private boolean describesAnEntryOf(Entry entry, DropFolderNow now) {
        Path path = inDropFolder(entry);
        return path != null && describes(entry, now.entries().get(path.getFileName().toString()));
    }

    /**
     * The same, looked at again just before the entry is forgotten: the listing is as old as the
     * prune, and a file put back since then keeps its entry.
     */
    private boolean describesAnEntryNow(Entry entry) throws IOException {
        Path path = inDropFolder(entry);
        if (path == null) {
            return false;
        }
        try {
            return describes(entry, FileIdentity.of(
                    Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)));
        } catch (NoSuchFileException gone) {
            return false;
        }
    }

    /**
     * An upload's entry describes the file it sent (size, time and file key). A refusal (a folder,
     * a link, a pipe, a file too large) is kept while anything is there under its name: it is what
     * keeps the drop-folder check from reporting the same thing twice.
     */
    private static boolean describes(Entry entry, FileIdentity identity) {
        if (identity == null) {
            return false;
        }
        return entry.id().startsWith("failure-") || entry.describes(identity);
    }

    /** The entry's path, when it names an entry of the drop folder (an entry of another folder, or none, is gone). */
    private Path inDropFolder(Entry entry) {
        if (entry.path() == null) {
            return null;
        }
        Path path = Path.of(entry.path()).toAbsolutePath().normalize();
        return dropFolder.equals(path.getParent()) ? path : null;
    }
}
