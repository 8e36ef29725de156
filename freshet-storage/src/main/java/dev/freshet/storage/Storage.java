package dev.freshet.storage;

/**
 * The event log, checkpoint store and dead-letter store of one data directory (or of one in-memory
 * run), opened and closed together. Closing the storage closes the three; closing one of them
 * alone only stops that one from being used.
 *
 * <pre>{@code
 * try (Storage storage = EmbeddedStorage.open(Path.of("/var/lib/freshet"))) {
 *     EventLog log = storage.eventLog();
 *     CheckpointStore checkpoints = storage.checkpoints();
 *     DeadLetterStore deadLetters = storage.deadLetters();
 *     ...
 * }
 * }</pre>
 */
public interface Storage extends AutoCloseable {
    EventLog eventLog();

    CheckpointStore checkpoints();

    DeadLetterStore deadLetters();

    /** Completes queued appends, then closes everything. Idempotent. */
    @Override
    void close();
}
