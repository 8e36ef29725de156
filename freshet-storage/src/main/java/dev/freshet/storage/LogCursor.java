package dev.freshet.storage;

/**
 * Iterates one source's records in offset order. Not thread-safe: one thread uses a cursor. Close
 * it (try-with-resources): a RocksDB cursor pins files and memory until closed.
 *
 * <pre>{@code
 * try (LogCursor c = log.read("payments", position)) {
 *     while (c.next()) {
 *         engine.apply(c.offset(), c.record());
 *     }
 * }
 * }</pre>
 */
public interface LogCursor extends AutoCloseable {
    /**
     * Moves to the next record; {@code false} once the cursor is exhausted.
     *
     * @throws IllegalStateException if the cursor or its storage was closed before it was exhausted
     */
    boolean next();

    /** Offset of the current record. Valid after {@link #next()} returned {@code true}. */
    long offset();

    /**
     * Bytes of the current record. Valid after {@link #next()} returned {@code true}; the array
     * belongs to the caller.
     */
    byte[] record();

    @Override
    void close();
}
