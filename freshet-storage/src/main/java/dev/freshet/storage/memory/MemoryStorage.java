package dev.freshet.storage.memory;

import dev.freshet.storage.CheckpointStore;
import dev.freshet.storage.DeadLetterStore;
import dev.freshet.storage.EventLog;
import dev.freshet.storage.Storage;

/**
 * Log, checkpoints and dead letters in memory, for tests and ephemeral runs ({@code --data} not
 * given). Nothing survives the process.
 *
 * <pre>{@code
 * try (Storage storage = new MemoryStorage()) { ... }
 * }</pre>
 */
public final class MemoryStorage implements Storage {
    /** Checkpoints kept by default, as in embedded mode. */
    public static final int DEFAULT_CHECKPOINTS_TO_KEEP = 2;

    private final MemoryEventLog log = new MemoryEventLog();
    private final MemoryCheckpointStore checkpoints;
    private final MemoryDeadLetterStore deadLetters = new MemoryDeadLetterStore();

    public MemoryStorage() {
        this(DEFAULT_CHECKPOINTS_TO_KEEP);
    }

    public MemoryStorage(int checkpointsToKeep) {
        this.checkpoints = new MemoryCheckpointStore(checkpointsToKeep);
    }

    @Override
    public EventLog eventLog() {
        return log;
    }

    @Override
    public CheckpointStore checkpoints() {
        return checkpoints;
    }

    @Override
    public DeadLetterStore deadLetters() {
        return deadLetters;
    }

    @Override
    public void close() {
        log.close();
        checkpoints.close();
        deadLetters.close();
    }
}
