package dev.freshet.storage;

import java.util.List;
import java.util.Optional;

/**
 * Stores engine checkpoints atomically and keeps the newest K (configurable, default 2).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #save} is atomic and durable: when it returns, the checkpoint survives a crash or a
 *       power loss; if the process dies during a save, {@link #loadLatest} returns the previous
 *       checkpoint, never a mix. Saves are serialized; loads may run concurrently with a save.</li>
 *   <li>Retention: after a save, only the newest K checkpoints are kept.</li>
 *   <li>{@link #loadLatest} returns the newest checkpoint whose blobs pass their checksums. A
 *       damaged newer one is skipped (with a warning) for an older intact one: restoring an older
 *       checkpoint and replaying more of the log gives the same state. If checkpoints exist but none
 *       is intact it throws {@link CorruptStorageException}.</li>
 * </ul>
 *
 * <pre>{@code
 * // engine thread, every N seconds:
 * store.save(new Checkpoint(clock.millis(), TableCodec.VERSION,
 *         Map.of("payments", nextOffset), Map.of("card_txn", TableCodec.encode(table))));
 * // on start:
 * Optional<Checkpoint> cp = store.loadLatest();   // then replay each source from cp.positions()
 * }</pre>
 */
public interface CheckpointStore extends AutoCloseable {
    /** Stores {@code checkpoint} atomically and durably, applies retention, and returns its id. */
    long save(Checkpoint checkpoint);

    /** The newest intact checkpoint, or empty if none was ever saved. */
    Optional<Checkpoint> loadLatest();

    /** The checkpoint with this id, if still retained; throws {@link CorruptStorageException} if damaged. */
    Optional<Checkpoint> load(long id);

    /** The retained checkpoints, newest first. */
    List<CheckpointInfo> list();

    @Override
    void close();
}
