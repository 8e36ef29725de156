package dev.freshet.engine;

import dev.freshet.aggregation.state.TileTable;
import dev.freshet.aggregation.watermark.DeadLetter;
import dev.freshet.aggregation.watermark.DeadLetterSink;
import dev.freshet.aggregation.watermark.DropCounters;
import dev.freshet.aggregation.watermark.WatermarkTracker;
import dev.freshet.model.expr.ArrayRow;
import dev.freshet.model.expr.Row;
import dev.freshet.model.spec.SourceKind;
import dev.freshet.model.spec.SourceSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The streaming driver of one source: judges each arriving event (future skew, lateness against its
 * partition's watermark, null key/time), routes drops to the dead-letter sink with counters, and
 * applies accepted events to the tile table of every view fed by the source.
 *
 * <p>Application order is the contract that makes online and offline agree bit for bit: events are
 * applied in order of (effective time, arrival seq) where effective time =
 * max(available_at, event_time + 1) — the first read time at which DESIGN §3 lets the event count.
 * An event whose event time is not yet before its accept time is held in a small heap until
 * {@link #advanceTo} passes it; everything else applies at once. Accept times must not decrease
 * (the caller assigns them; decreasing values are raised to the previous one).
 *
 * <p>Single-threaded: the engine calls it from one thread and serializes reads with it.
 */
public final class SourceDriver {
    private final SourceSpec source;
    private final TileTable[] tables;
    private final WatermarkTracker watermarks;
    private final DeadLetterSink deadLetters;
    private final DropCounters drops = new DropCounters();
    private final long maxFutureSkew;
    private final int eventTimeIndex;
    private final int fields;
    private final PriorityQueue<Held> held = new PriorityQueue<>();
    private long lastAcceptTime = Long.MIN_VALUE;
    private long applied;
    /** Batch source: rows count from their event time on and are never late (latest row wins). */
    private final boolean batch;
    /** Per table, which keys it keeps (offline partitioned replay); null = every key. */
    private List<Predicate<Object>> keep;
    // Staging arrays for offerBatch, reused across batches.
    private final EventBatch.Cursor cursor = new EventBatch.Cursor();
    private final EventBatch.Cursor applyCursor = new EventBatch.Cursor();
    private int[] positions = new int[0];
    private long[] eventTimes = new long[0];
    private long[] seqs = new long[0];
    private final Object[][] keys;

    /** A held event: applied once the clock passes {@code due} (see {@link #dueTime}). */
    private record Held(long due, long eventTime, long seq, Row row) implements Comparable<Held> {
        @Override
        public int compareTo(Held o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    public SourceDriver(SourceSpec source, List<TileTable> tables, DeadLetterSink deadLetters, int partitions) {
        this.source = source;
        this.tables = tables.toArray(new TileTable[0]);
        this.watermarks = new WatermarkTracker(source.allowedLateness().toMillis(), partitions);
        this.deadLetters = deadLetters;
        this.maxFutureSkew = source.maxFutureSkew().toMillis();
        this.eventTimeIndex = source.eventTimeIndex();
        this.fields = source.schema().size();
        this.keys = new Object[this.tables.length][0];
        this.batch = source.sourceKind() == SourceKind.BATCH;
    }

    /**
     * The time the clock must pass before an event counts: its event time for stream events (a read
     * at {@code t} sees {@code event_time < t}); one ms earlier for batch rows, which a read at
     * {@code t} sees when {@code event_time <= t} (DESIGN §3 "Batch features").
     */
    public long dueTime(long eventTime) {
        return batch && eventTime != Long.MIN_VALUE ? eventTime - 1 : eventTime;
    }

    /**
     * Offers one event.
     *
     * @param row        the event (not retained unless held; then copied)
     * @param partition  source partition (watermarks are per partition)
     * @param seq        arrival sequence / log offset, increasing
     * @param acceptTime available_at in epoch ms
     * @param payload    the raw event for the dead-letter store, computed only on drop
     */
    public Verdict offer(Row row, int partition, long seq, long acceptTime, Supplier<String> payload) {
        long now = clock(acceptTime);
        Verdict v = judge(row, partition, seq, now, payload == null ? null : i -> payload.get(), 0);
        if (v == Verdict.APPLIED) {
            applyNow(row, row.getLong(eventTimeIndex), seq);
        }
        return v;
    }

    /**
     * Offers events {@code from..to-1} of a batch accepted together at {@code acceptTime}, with
     * arrival sequences {@code firstSeq, firstSeq + 1, ...}. Same verdicts and application order as
     * offering them one by one, but applied with {@link TileTable#applyBatch} so memory latency
     * overlaps across events.
     *
     * @param verdicts if not null, receives each event's verdict at {@code index - from}
     * @param payload  the raw event at a batch index, for the dead-letter store (called on drops only)
     * @return number of events applied now
     */
    public int offerBatch(EventBatch batch, int from, int to, int partition, long firstSeq, long acceptTime,
                          Verdict[] verdicts, IntFunction<String> payload) {
        long now = clock(acceptTime);
        ensureStaging(to - from);
        staged = 0;
        EventBatch.Cursor row = cursor;
        for (int i = from; i < to; i++) {
            long seq = firstSeq + (i - from);
            Verdict v = judge(row.at(batch, i), partition, seq, now, payload, i);
            if (verdicts != null) {
                verdicts[i - from] = v;
            }
            if (v == Verdict.APPLIED) {
                stage(row, i, seq);
            }
        }
        return applyStaged(batch);
    }

    /**
     * Offers events {@code from..to-1} of a batch, each with its own accept time
     * ({@code acceptTimes[i - from]}, non-decreasing): the same verdicts and application order as
     * offering them one by one, but the events applied between two releases of held events go to
     * {@link TileTable#applyBatch} together. This is how a replay of a log whose events were
     * accepted one at a time (every event its own accept time) still applies in large batches.
     *
     * @return number of events applied (held events released included)
     */
    public int offerBatch(EventBatch batch, int from, int to, int partition, long firstSeq, long[] acceptTimes) {
        long before = applied;
        ensureStaging(to - from);
        staged = 0;
        EventBatch.Cursor row = cursor;
        for (int i = from; i < to; i++) {
            long now = Math.max(acceptTimes[i - from], lastAcceptTime);
            if (!held.isEmpty() && held.peek().due() < now) {
                applyStaged(batch); // the events judged so far come before the released ones
                staged = 0;
            }
            clock(now);
            long seq = firstSeq + (i - from);
            if (judge(row.at(batch, i), partition, seq, now, null, i) == Verdict.APPLIED) {
                stage(row, i, seq);
            }
        }
        applyStaged(batch);
        return (int) (applied - before);
    }

    private int staged;

    private void stage(EventBatch.Cursor row, int position, long seq) {
        positions[staged] = position;
        eventTimes[staged] = row.getLong(eventTimeIndex);
        seqs[staged] = seq;
        for (int t = 0; t < tables.length; t++) {
            keys[t][staged] = tables[t].keyOf(row);
        }
        staged++;
    }

    /** Applies the staged events to every table, in order; returns how many. */
    private int applyStaged(EventBatch batch) {
        int accepted = staged;
        EventBatch.Cursor applyRow = applyCursor;
        for (int t = 0; t < tables.length; t++) {
            Predicate<Object> k = keep == null ? null : keep.get(t);
            if (k == null) {
                tables[t].applyBatch(j -> applyRow.at(batch, positions[j]), keys[t], eventTimes, seqs, accepted);
            } else {
                for (int j = 0; j < accepted; j++) {
                    if (keys[t][j] != null && k.test(keys[t][j])) {
                        tables[t].apply(keys[t][j], applyRow.at(batch, positions[j]), eventTimes[j], seqs[j]);
                    }
                }
            }
            Arrays.fill(keys[t], 0, accepted, null);
        }
        applied += accepted;
        staged = 0;
        return accepted;
    }

    private long clock(long acceptTime) {
        long now = Math.max(acceptTime, lastAcceptTime);
        lastAcceptTime = now;
        advanceTo(now);
        return now;
    }

    private void ensureStaging(int n) {
        if (positions.length < n) {
            int cap = Math.max(n, positions.length * 2);
            positions = new int[cap];
            eventTimes = new long[cap];
            seqs = new long[cap];
            for (int t = 0; t < tables.length; t++) {
                keys[t] = new Object[cap];
            }
        }
    }

    /** Drops the event (returning why) or accepts it: APPLIED = apply now, HELD = queued until its time passes. */
    private Verdict judge(Row row, int partition, long seq, long now, IntFunction<String> payload, int index) {
        if (row.isNull(eventTimeIndex)) {
            return drop(Verdict.NULL_EVENT_TIME, partition, seq, Long.MIN_VALUE, now, "event-time field is null", payload, index);
        }
        long eventTime = row.getLong(eventTimeIndex);
        if (tables.length > 0 && allKeysNull(row)) {
            // an event without a key of one view (no merchant id) still belongs to the others (its card):
            // it is dropped only when it has no key for any view of its source
            return drop(Verdict.NULL_KEY, partition, seq, eventTime, now, tables.length == 1
                    ? "a join key of view " + tables[0].view().name() + " is null"
                    : "a join key of every view of the source is null", payload, index);
        }
        if (eventTime > now && (eventTime - now > maxFutureSkew || eventTime - now < 0)) { // < 0: further ahead than a long holds
            return drop(Verdict.TOO_FAR_IN_FUTURE, partition, seq, eventTime, now,
                    "event time is " + (eventTime - now) + " ms ahead of accept time; max skew " + maxFutureSkew + " ms", payload, index);
        }
        if (!batch && watermarks.isLate(partition, eventTime)) {
            return drop(Verdict.LATE, partition, seq, eventTime, now,
                    "event time below watermark " + watermarks.watermark(partition) + " of partition " + partition, payload, index);
        }
        watermarks.observe(partition, eventTime);
        long due = dueTime(eventTime);
        if (due < now) {
            return Verdict.APPLIED;
        }
        held.add(new Held(due, eventTime, seq, copyOf(row)));
        return Verdict.HELD;
    }

    private boolean allKeysNull(Row row) {
        for (TileTable t : tables) {
            if (!t.hasNullKey(row)) {
                return false;
            }
        }
        return true;
    }

    /** An immutable copy of a row's values: held events outlive the caller's (reused) row. */
    private Row copyOf(Row row) {
        Object[] values = new Object[fields];
        for (int i = 0; i < fields; i++) {
            values[i] = row.isNull(i) ? null : row.getObject(i);
        }
        return new ArrayRow(values);
    }

    /**
     * Moves the driver's clock to {@code now} (it never goes back: later offers stamped earlier count
     * as accepted at {@code now}) and applies every held event whose time is now in the past
     * ({@code event_time < now}).
     */
    public void advanceTo(long now) {
        lastAcceptTime = Math.max(lastAcceptTime, now);
        while (!held.isEmpty() && held.peek().due() < now) {
            Held h = held.poll();
            applyNow(h.row(), h.eventTime(), h.seq());
        }
    }

    private void applyNow(Row row, long eventTime, long seq) {
        for (int i = 0; i < tables.length; i++) {
            TileTable t = tables[i];
            Object key = t.keyOf(row);
            if (key != null && (keep == null || keep.get(i) == null || keep.get(i).test(key))) {
                t.apply(key, row, eventTime, seq);
            }
        }
        applied++;
    }

    private Verdict drop(Verdict v, int partition, long seq, long eventTime, long acceptTime, String detail,
                         IntFunction<String> payload, int index) {
        drops.increment(v.dropReason());
        deadLetters.accept(new DeadLetter(source.name(), partition, seq, eventTime, acceptTime, v.dropReason(), detail,
                payload == null ? null : payload.apply(index)));
        return v;
    }

    public SourceSpec source() {
        return source;
    }

    public DropCounters drops() {
        return drops;
    }

    /**
     * Restricts which keys each table applies events to (the offline driver replays one entity
     * partition per pass to bound memory). Every event is still judged — watermarks, lateness and
     * drops depend on all of them — but an accepted event only updates the tables whose filter keeps
     * its key. Null filters (or a null array) keep every key.
     */
    public void keepOnly(List<Predicate<Object>> filters) {
        if (filters != null && filters.size() != tables.length) {
            throw new IllegalArgumentException("one filter per table: " + tables.length + ", got " + filters.size());
        }
        this.keep = filters == null ? null : new ArrayList<>(filters);
    }

    public WatermarkTracker watermarks() {
        return watermarks;
    }

    /** Events applied so far. */
    public long appliedCount() {
        return applied;
    }

    /** Accepted events waiting for the clock to pass their event time. */
    public int heldCount() {
        return held.size();
    }

    /** Told each held event a read includes: its row and its seq. */
    @FunctionalInterface
    public interface HeldVisitor {
        void visit(Row row, long seq);
    }

    /** Whether an event is held that the driver applies once its clock passes {@code t}. */
    public boolean holdsBefore(long t) {
        return !held.isEmpty() && held.peek().due() < t;
    }

    /**
     * Visits the held events the driver applies once its clock passes {@code t} (due before it),
     * in the order it will apply them, and returns how many. Reads the held events only: callers
     * exclude writers (the embedded engine holds its source's read lock).
     */
    public int forEachHeldBefore(long t, HeldVisitor visitor) {
        List<Held> due = new ArrayList<>();
        for (Held h : held) {
            if (h.due() < t) {
                due.add(h);
            }
        }
        due.sort(null);
        for (Held h : due) {
            visitor.visit(h.row(), h.seq());
        }
        return due.size();
    }

    public List<TileTable> tables() {
        return List.of(tables);
    }
}
