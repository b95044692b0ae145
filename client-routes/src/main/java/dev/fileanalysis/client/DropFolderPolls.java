package dev.fileanalysis.client;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watcher's poll strategy ({@code pollStrategy=#dropFolderPolls} on the drop folder's file
 * endpoint): a poll lists the folder only when {@link DropFolderChanges} says it may find something
 * new; otherwise Camel skips it. A failed poll is logged and tried again at the next one, as
 * Camel's own strategy does.
 */
public final class DropFolderPolls implements PollingConsumerPollStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(DropFolderPolls.class);

    private final DropFolderChanges changes;
    private DropFolderChanges.Look look;

    public DropFolderPolls(DropFolderChanges changes) {
        this.changes = changes;
    }

    @Override
    public synchronized boolean begin(Consumer consumer, Endpoint endpoint) {
        look = changes.lookDue();
        return look != null;
    }

    @Override
    public synchronized void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        if (look != null) {
            changes.looked(look, polledMessages > 0);
            look = null;
        }
    }

    @Override
    public synchronized boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        // the look did not complete: the next poll looks again (the folder's time is not recorded)
        look = null;
        LOG.warn("Could not look through the drop folder ({}); looking again at the next poll", cause.getMessage());
        return false;
    }
}
