package dev.fileanalysis.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The drop folder is looked through again only when something in it can have changed, and at least every full-look interval. */
class DropFolderChangesTest {

    private static final Duration FULL_LOOK = Duration.ofSeconds(60);
    private static final Duration BUSY = Duration.ofSeconds(12);

    @TempDir
    Path drop;

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private DropFolderChanges changes;

    @BeforeEach
    void quietFolder() throws Exception {
        changes = new DropFolderChanges(drop, FULL_LOOK, BUSY, now::get);
        settle(changes.lookDue(), false);
        // the first look's busy time runs out: from here on the folder is quiet
        passes(BUSY.plusSeconds(1));
    }

    @Test
    void aQuietFolderIsNotLookedThroughAgainUntilTheFullLookIsDue() {
        assertThat(changes.lookDue()).isNull();
        // just short of a full look since the last one
        passes(FULL_LOOK.minus(BUSY).minusSeconds(3));
        assertThat(changes.lookDue()).isNull();
        passes(Duration.ofSeconds(4));
        assertThat(changes.lookDue()).as("a full look, for what the folder's time does not show").isNotNull();
    }

    @Test
    void aFileDroppedIntoTheFolderMakesALookDueAtOnceAndForTheBusyTimeAfter() throws Exception {
        passes(Duration.ofSeconds(1));
        Files.writeString(drop.resolve("report.txt"), "new");
        moveFolderTime();

        DropFolderChanges.Look look = changes.lookDue();
        assertThat(look).isNotNull();
        settle(look, true);
        passes(BUSY.minusSeconds(1));
        assertThat(changes.lookDue()).as("while the file may still be settling").isNotNull();
        passes(BUSY.plusSeconds(1));
        assertThat(changes.lookDue()).isNull();
    }

    @Test
    void aChangeWhileALookIsOnItsWayMakesTheNextLookDue() throws Exception {
        passes(FULL_LOOK);
        DropFolderChanges.Look look = changes.lookDue();
        assertThat(look).isNotNull();
        // a file arrives after the look read the folder's time, before the listing ended
        Files.writeString(drop.resolve("late.txt"), "late");
        moveFolderTime();
        settle(look, false);
        passes(BUSY.plusSeconds(1));

        assertThat(changes.lookDue()).isNotNull();
    }

    private void settle(DropFolderChanges.Look look, boolean foundWork) {
        assertThat(look).isNotNull();
        changes.looked(look, foundWork);
    }

    private void passes(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    /** File systems with coarse times may not move the folder's time within a test: it is moved on. */
    private void moveFolderTime() throws Exception {
        FileTime before = Files.getLastModifiedTime(drop);
        Files.setLastModifiedTime(drop, FileTime.from(before.toInstant().plusSeconds(1)));
        assertThat(Files.getLastModifiedTime(drop).toInstant()).isAfter(Instant.EPOCH);
    }
}
