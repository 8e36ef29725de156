package dev.freshet.storage;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * An append-only log of opaque records, one independent sequence per source. Every record gets a
 * dense, gap-free offset: the first record of a source has offset 0, the next 1, and so on. The log
 * is where an event becomes durable (an event is acknowledged once its append completed), what the
 * engine replays after a restart, and the offline store that training sets are built from.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>A batch is atomic: all its records become durable and visible together, at consecutive
 *       offsets, in the given order; or none do.</li>
 *   <li>{@link #append} returns at once; its future completes once the batch is durable as
 *       configured (RocksDB: see its {@code FsyncPolicy}). Batches from one thread are ordered as
 *       called; batches from different threads are ordered by the log. Offsets are never reused.</li>
 *   <li>Back-pressure: when too many appends are pending, the returned future is <em>already
 *       failed</em> with {@link LogOverloadedException} (nothing written; answer 429). A closed log
 *       fails it with {@link IllegalStateException}, an I/O failure with {@link StorageException}.
 *       Invalid arguments (null, blank source) throw directly.</li>
 *   <li>Completion runs non-async dependent stages ({@code thenAccept}, {@code whenComplete}) on
 *       the log's writer thread: keep them short and non-blocking, or use the {@code *Async}
 *       variants.</li>
 *   <li>Arrays passed to {@code append} must not be modified afterwards.</li>
 *   <li>{@link #read} is usable concurrently with appends. A cursor sees every record durable when
 *       it was opened (from {@code fromOffset} up to the end offset at that moment); to follow the
 *       tail, open a new cursor at the last offset read + 1.</li>
 * </ul>
 *
 * <pre>{@code
 * EventLog log = storage.eventLog();
 * log.append("payments", List.of(json1, json2)).whenComplete((r, e) -> {
 *     if (e == null) reply(202, r.firstOffset());                 // durable now
 *     else if (e instanceof LogOverloadedException) reply(429);
 *     else reply(503);
 * });
 * }</pre>
 */
public interface EventLog extends AutoCloseable {
    /**
     * Appends a batch of records to {@code source} (created on its first non-empty batch).
     *
     * @return a future completing with the offsets assigned once the batch is durable
     */
    CompletableFuture<AppendResult> append(String source, List<byte[]> records);

    /**
     * Like {@link #append(String, List)}, and tells {@code onWritten} the offsets as soon as the
     * batch is <em>written</em> to the log, which may be before it is durable as configured (the
     * returned future says that). A consumer may act on the records at once — the embedded engine
     * makes them visible to reads without waiting for the fsync — because a written batch survives a
     * crash of the process, and on a crash of the machine the log keeps a prefix of what was written:
     * the batch is then either still there or gone together with everything written after it, and
     * anything else written durably after it (a checkpoint) proves it durable too.
     *
     * <p>{@code onWritten} runs at most once, on the log's writer thread, in log order, before the
     * future completes; it is not called if the write fails (the future may still fail after it was
     * called: the fsync failed). It must be short and must not throw. This default calls it as the
     * future completes, which keeps log order only for logs that complete futures in log order;
     * implementations that can call it earlier (or in order) override it.
     */
    default CompletableFuture<AppendResult> append(String source, List<byte[]> records, Consumer<AppendResult> onWritten) {
        return append(source, records).thenApply(r -> {
            onWritten.accept(r);
            return r;
        });
    }

    /** The next offset to be assigned for {@code source}; counts durable records only. 0 if unknown. */
    long endOffset(String source);

    /**
     * A cursor over {@code source} from {@code fromOffset} (inclusive) to the end offset at the time
     * of the call. Empty if the source is unknown or {@code fromOffset >= endOffset(source)}.
     */
    LogCursor read(String source, long fromOffset);

    /** Names of the sources with at least one durable record, in {@link String#compareTo} order. */
    List<String> sources();

    /** Approximate size of the stored records in bytes (on disk for RocksDB), for metrics. */
    long sizeBytes();

    /**
     * Writes (group commits) made since this log was opened, for metrics: each carries one or more
     * non-empty appended batches, and under fsync ALWAYS each is one fsync. Appends per commit say
     * how well concurrent appends share them. Sequential non-empty appends (each awaited before the
     * next) are one commit each. -1 if this log does not count them.
     */
    default long commits() {
        return -1;
    }

    /**
     * Stops accepting appends and completes (writes) those already queued. Cursors already open
     * stay readable until the owning {@link Storage} closes. Idempotent.
     */
    @Override
    void close();
}
