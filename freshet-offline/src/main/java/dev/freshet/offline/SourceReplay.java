package dev.freshet.offline;

import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.engine.EventBatch;
import dev.freshet.engine.SourceDriver;
import dev.freshet.engine.embedded.RowCodec;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.storage.EventLog;
import dev.freshet.storage.LogCursor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays one source's log, in log order, through a {@link SourceDriver} over the same table set
 * the embedded engine uses, stopping at a read time: {@link #advanceTo(long) advanceTo(T)} offers
 * every record accepted at or before {@code T} (its {@code available_at}) with its logged accept
 * time, partition and offset, then moves the driver's clock to {@code T}. The tables then hold what
 * the server's held at wall-clock time {@code T} once it had applied everything accepted by then:
 * the same verdicts (late, held, too far in the future), the same application order, the same
 * floating-point sums.
 *
 * <p>Records go to the driver in runs of up to {@value #CHUNK}, each with its own accept time
 * ({@link SourceDriver#offerBatch(EventBatch, int, int, int, long, long[])}): the verdicts and order
 * of record-by-record offers, applied in batches.
 *
 * <p>The embedded log is written with non-decreasing accept times, so a single pass suffices. A
 * record accepted earlier than one before it (never written by the server) is offered at its log
 * position, as the server would have applied it.
 */
final class SourceReplay implements AutoCloseable {
    /** Records per {@link SourceDriver#offerBatch} call (runs of equal accept time and partition). */
    private static final int CHUNK = 1024;

    private final SourceSpec spec;
    private final SourceDriver driver;
    private final Map<String, TileTable> tables = new LinkedHashMap<>();
    private final Map<String, TileTable.Reader> readers = new LinkedHashMap<>();
    private final LogCursor cursor;
    private final EventBatch batch;
    private final long[] acceptTimes = new long[CHUNK];
    private byte[] next;
    /** Offset of {@link #next}. */
    private long nextOffset;
    private long pulled;
    private long replayed;
    private long clock = Long.MIN_VALUE;

    SourceReplay(SourceSpec spec, List<CompiledView> views, EventLog log, int expectedKeys) {
        this.spec = spec;
        List<TileTable> list = new ArrayList<>();
        for (CompiledView v : views) {
            TileTable t = new TileTable(v, expectedKeys);
            list.add(t);
            tables.put(v.name(), t);
            readers.put(v.name(), t.newReader());
        }
        // Same partitions as the embedded engine's driver; dropped events are counted, not stored.
        this.driver = new SourceDriver(spec, list, letter -> { }, 1);
        this.batch = new EventBatch(spec.schema(), CHUNK);
        this.cursor = log.read(spec.name(), 0);
        pull();
    }

    /** Moves to the next record; the log's offsets are dense from 0. */
    private void pull() {
        if (cursor.next()) {
            if (cursor.offset() != pulled) {
                throw new IllegalStateException("log of " + spec.name() + " jumps from offset " + pulled + " to " + cursor.offset());
            }
            nextOffset = pulled++;
            next = cursor.record();
        } else {
            next = null;
        }
    }

    /**
     * Offers every record accepted at or before {@code t}, then moves the clock to {@code t}
     * (applying held events with {@code event_time < t}). Read times must not decrease.
     */
    void advanceTo(long t) {
        if (t < clock) {
            throw new IllegalArgumentException("read times must not decrease: " + t + " after " + clock);
        }
        while (next != null && RowCodec.acceptTime(next) <= t) {
            int partition = RowCodec.partition(next);
            long first = nextOffset;
            batch.clear();
            int k = 0;
            // one call per run of up to CHUNK records of a partition, each with its own accept time:
            // the driver takes the same decisions as record by record, and applies them in batches
            while (next != null && k < CHUNK && RowCodec.acceptTime(next) <= t && RowCodec.partition(next) == partition) {
                acceptTimes[k] = RowCodec.acceptTime(next);
                RowCodec.decodeInto(next, batch);
                k++;
                replayed++;
                pull();
            }
            driver.offerBatch(batch, 0, k, partition, first, acceptTimes);
        }
        driver.advanceTo(t);
        clock = t;
    }

    TileTable table(String view) {
        return tables.get(view);
    }

    TileTable.Reader reader(String view) {
        return readers.get(view);
    }

    long replayed() {
        return replayed;
    }

    SourceDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        cursor.close();
    }
}
