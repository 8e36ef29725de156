package dev.freshet.storage;

import java.util.List;
import java.util.Map;

/**
 * Keeps dropped events so they are counted and findable, never silently lost.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #append} stores a letter and returns its id; ids increase. Storing a letter whose
 *       (source, partition, seq) with {@code seq >= 0} is already stored is a no-op that returns the
 *       stored id and counts nothing, so replaying the log after a crash does not duplicate letters.</li>
 *   <li>Durability: a stored letter survives a process crash at once. (RocksDB: it is in the
 *       write-ahead log shared with the event log and checkpoints, and reaches the disk with the
 *       next synced write, at the latest the next checkpoint; a letter lost to a power cut before
 *       that is re-created when the engine replays the log from the checkpoint.)</li>
 *   <li>{@link #countsByReason} counts every stored letter by reason; {@link #list} returns them
 *       newest first.</li>
 *   <li>Thread-safe.</li>
 * </ul>
 */
public interface DeadLetterStore extends AutoCloseable {
    /** Stores one letter; returns its id (the existing id for a duplicate). */
    long append(DeadLetterRecord letter);

    /** Stores several letters in one write; returns their ids in order. */
    List<Long> appendAll(List<DeadLetterRecord> letters);

    /** Letters matching {@code query}, newest (largest id) first. */
    List<StoredDeadLetter> list(DeadLetterQuery query);

    /** Number of stored letters per reason, sorted by reason. */
    Map<String, Long> countsByReason();

    /** Number of stored letters. */
    long count();

    /**
     * Removes the letters of {@code source} whose events are in the log ({@code seq >= 0}), with their
     * counts and deduplication entries, and returns how many: a driver rebuilding the source from the
     * log (its definitions changed) judges every event again and re-creates the letters of those it
     * still drops, so none stays behind for an event now applied or dropped for another reason.
     * Letters without a log offset are kept (nothing re-creates them).
     */
    long removeReplayable(String source);

    @Override
    void close();
}
