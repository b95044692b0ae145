package dev.fileanalysis.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Whether looking through the drop folder again can find anything new, so that a folder of many
 * thousand files already sent is not listed twice a second for nothing (the bench measured an idle
 * client at more than a core with 100,000 files, when it listed at every poll).
 *
 * <p>A folder's own modification time moves whenever an entry is created, removed or renamed in it:
 * a file dropped, saved by an editor (which writes a new file and renames it over the old one), or
 * moved in. A look is due when that time moved since the last look began, for {@code busyFor}
 * after any such move or after a look that found work (a file still being copied is looked at
 * again while it settles), and at least every {@code fullLookEvery} in any case: that catches
 * what the folder's time does not show (a file rewritten in place, a file system that does not keep
 * folder times, a permission changed).
 *
 * <p>One instance per reader (the watcher's polls, the unsendable-file check): each remembers its
 * own last look.
 */
public final class DropFolderChanges {

    private final Path folder;
    private final long fullLookNanos;
    private final long busyNanos;
    private final LongSupplier nanoTime;

    private boolean looked;
    private long lastModified;
    private long lastLookAt;
    private long busyUntil;

    public DropFolderChanges(Path folder, Duration fullLookEvery, Duration busyFor) {
        this(folder, fullLookEvery, busyFor, System::nanoTime);
    }

    DropFolderChanges(Path folder, Duration fullLookEvery, Duration busyFor, LongSupplier nanoTime) {
        this.folder = folder;
        this.fullLookNanos = fullLookEvery.toNanos();
        this.busyNanos = busyFor.toNanos();
        this.nanoTime = nanoTime;
    }

    /** A look that is due: the folder's time when it began, to hand to {@link #looked}. */
    public record Look(long folderModified, long startedAt) {
    }

    /** The look to take now, or null when nothing in the folder can have changed since the last one. */
    public synchronized Look lookDue() {
        long now = nanoTime.getAsLong();
        long modified;
        try {
            modified = Files.getLastModifiedTime(folder).to(TimeUnit.NANOSECONDS);
        } catch (IOException missing) {
            // no folder (yet): the reader's own look says so, or creates it
            return new Look(Long.MIN_VALUE, now);
        }
        if (!looked || modified != lastModified) {
            busyUntil = now + busyNanos;
            return new Look(modified, now);
        }
        if (now - busyUntil < 0 || now - lastLookAt >= fullLookNanos) {
            return new Look(modified, now);
        }
        return null;
    }

    /** The look is over; {@code foundWork}: it handed files on, which may still be settling. */
    public synchronized void looked(Look look, boolean foundWork) {
        looked = true;
        // the time read before the listing: a change during the listing makes the next look due
        lastModified = look.folderModified();
        lastLookAt = look.startedAt();
        if (foundWork) {
            busyUntil = Math.max(busyUntil, nanoTime.getAsLong() + busyNanos);
        }
    }
}
