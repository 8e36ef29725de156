package dev.freshet.engine.embedded;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.codec.CorruptStateException;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.aggregation.watermark.DeadLetter;
import dev.freshet.aggregation.watermark.DropReason;
import dev.freshet.engine.EventBatch;
import dev.freshet.engine.SourceDriver;
import dev.freshet.engine.Verdict;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.storage.DeadLetterRecord;
import dev.freshet.storage.DeadLetterStore;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;

/**
 * One source inside the embedded engine: its driver and views, its side of the ingest path, and
 * what it publishes to other threads.
 *
 * <p><b>Threads.</b> Three groups of fields, each with one owner:
 * <ul>
 *   <li>ingest side ({@link #acceptClock}, {@link #inFlight}), guarded by {@link #appendLock}: held
 *       while an append picks its accept time and enqueues into the log, so accept times never
 *       decrease in log order, and by the engine thread when it advances the driver's clock;</li>
 *   <li>engine side (driver, tables, {@link #nextOffset}, reorder buffer, held copy, counters):
 *       the engine thread only. It mutates the tables under the write side of {@link #lock}, at
 *       most {@value #CHUNK} events at a time, so readers wait at most one chunk;</li>
 *   <li>published values (volatile): written by the engine thread after each step, read by
 *       anyone (stats, awaitApplied, reads).</li>
 * </ul>
 *
 * <p><b>Clock invariant.</b> The driver's clock never passes the accept time of an event it has not
 * yet been offered ({@link #advanceBound}). So every event is judged at exactly its logged accept
 * time, and a replay of the log — which sees no clock advances, only records — takes the same
 * decisions (held or applied, too far in the future or not) and applies in the same order.
 */
final class SourceRuntime {
    /** Events per write-lock hold. */
    static final int CHUNK = 64;

    final SourceSpec spec;
    final String name;
    final List<ViewRuntime> views;
    final CheckpointMeta.SourceEntry metaEntry;
    final StampedLock lock = new StampedLock();

    // ---- ingest side, guarded by appendLock
    final ReentrantLock appendLock = new ReentrantLock();
    /** The latest accept time handed out or clock advance granted; never decreases. */
    long acceptClock = Long.MIN_VALUE;
    /** Batches appended to the log but not yet applied, in log order (accept times ascending). */
    final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();

    // ---- engine thread
    private final DeadLetterStore deadLetterStore;
    private SourceDriver driver;
    long nextOffset;
    /** Durable batches that arrived ahead of {@link #nextOffset}, by first offset. */
    final TreeMap<Long, EmbeddedEngine.Delivery> pending = new TreeMap<>();
    /** Mirror of the driver's clock. */
    long clock = Long.MIN_VALUE;
    final HeldEvents held = new HeldEvents();
    private final long[] drops = new long[DropReason.values().length];
    private long appliedBase;
    /** Records applied since the last checkpoint snapshot. */
    boolean dirty;
    private final EventBatch scratch;
    private final EventBatch.Cursor cursor = new EventBatch.Cursor();
    private final Verdict[] verdicts = new Verdict[CHUNK];
    private final List<DeadLetter> letters = new ArrayList<>();
    private final InstantSource wallClock;
    private final FreshnessListener freshness;
    /**
     * Monotonic accept stamp of the live batch being applied ({@link System#nanoTime}),
     * {@link #NO_LIVE_BATCH} during log replay: per-chunk freshness is reported only for live batches.
     */
    long liveAcceptNanos = NO_LIVE_BATCH;
    static final long NO_LIVE_BATCH = Long.MIN_VALUE;
    private final long[] visibleAccept = new long[CHUNK];
    private final long[] visibleEvent = new long[CHUNK];
    private int visibleCount;

    // ---- published
    volatile long appliedOffset;
    volatile long publishedClock = Long.MIN_VALUE;
    /** The driver's clock, written under the write lock: every applied event is before it. */
    volatile long tableClock = Long.MIN_VALUE;
    volatile long heldMin = Long.MAX_VALUE;
    volatile int heldCount;
    volatile long maxEventTime = Long.MIN_VALUE;
    volatile long watermark = Long.MIN_VALUE;
    volatile long appliedEvents;
    private final AtomicLongArray publishedDrops = new AtomicLongArray(DropReason.values().length);
    /** awaitApplied callers, smallest end offset first; guarded by itself. */
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.endOffset, b.endOffset));

    /** A batch between its append and its application. */
    static final class InFlight {
        final long acceptTime;

        InFlight(long acceptTime) {
            this.acceptTime = acceptTime;
        }
    }

    private record Waiter(long endOffset, CompletableFuture<Void> future) {
    }

    SourceRuntime(SourceSpec spec, List<CompiledView> views, DeadLetterStore deadLetterStore, InstantSource wallClock,
                  FreshnessListener freshness) {
        this.spec = spec;
        this.wallClock = wallClock;
        this.freshness = freshness;
        this.name = spec.name();
        this.deadLetterStore = deadLetterStore;
        List<ViewRuntime> vs = new ArrayList<>();
        Map<String, String> fingerprints = new LinkedHashMap<>();
        for (CompiledView v : views) {
            vs.add(new ViewRuntime(v, this));
            fingerprints.put(v.name(), v.fingerprint());
        }
        this.views = List.copyOf(vs);
        this.metaEntry = new CheckpointMeta.SourceEntry(CheckpointMeta.signature(spec), fingerprints);
        this.scratch = new EventBatch(spec.schema(), CHUNK);
    }

    // ------------------------------------------------------------------ recovery (engine thread)

    /** Empty state at offset 0. */
    void reset(int expectedKeys) {
        List<TileTable> tables = new ArrayList<>();
        for (ViewRuntime v : views) {
            tables.add(new TileTable(v.compiled, expectedKeys));
        }
        install(tables);
        nextOffset = 0;
        clock = Long.MIN_VALUE;
        held.clear();
        Arrays.fill(drops, 0);
        appliedBase = 0;
        dirty = false;
        tableClock = clock;
    }

    /**
     * Resumes from a checkpointed state: the tables as decoded, the driver's clock, its held events
     * (re-offered, which must hold them again) and its watermarks.
     *
     * <p>SourceDriver has no restore hook, so the held events are offered again through
     * {@link SourceDriver#offer} at the checkpointed clock, before the watermarks are restored:
     * with no watermark yet none can be late; each was within the future skew of an earlier accept
     * time, so it still is; and each has {@code event_time >= clock} (else the driver would have
     * applied it), so each is held again, at its original seq.
     */
    void restore(DriverState state, List<TileTable> tables) {
        if (!state.source().equals(name)) {
            throw new CorruptStateException("driver state of source " + state.source() + " restored into " + name);
        }
        install(tables);
        held.clear();
        clock = state.clock();
        if (clock != Long.MIN_VALUE) {
            driver.advanceTo(clock);
        }
        EventBatch batch = new EventBatch(spec.schema(), Math.max(1, state.held().size()));
        for (DriverState.HeldEvent h : state.held()) {
            int row = RowCodec.decodeInto(h.record(), batch);
            Verdict v = driver.offer(cursor.at(batch, row), RowCodec.partition(h.record()), h.seq(), clock, null);
            if (v != Verdict.HELD) {
                throw new CorruptStateException("held event at offset " + h.seq() + " of " + name + " re-offered as " + v);
            }
            held.add(h.seq(), h.eventTime(), h.record());
        }
        for (int p = 0; p < state.maxEventTimes().length; p++) {
            if (state.maxEventTimes()[p] != Long.MIN_VALUE) {
                driver.watermarks().observe(p, state.maxEventTimes()[p]);
            }
        }
        Arrays.fill(drops, 0);
        state.drops().forEach((reason, n) -> drops[reason.ordinal()] = n);
        appliedBase = state.appliedEvents() - driver.appliedCount();
        nextOffset = state.nextOffset();
        dirty = false;
        tableClock = clock;
        checkHeld();
    }

    private void install(List<TileTable> tables) {
        for (int i = 0; i < views.size(); i++) {
            views.get(i).install(tables.get(i));
        }
        driver = new SourceDriver(spec, tables, letters::add, 1);
    }

    /** The state a checkpoint saves for this source (engine thread, between batches). */
    DriverState state() {
        var wm = driver.watermarks();
        long[] max = new long[wm.partitions()];
        for (int p = 0; p < max.length; p++) {
            max[p] = wm.maxEventTime(p);
        }
        Map<DropReason, Long> d = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            d.put(r, drops[r.ordinal()]);
        }
        return new DriverState(name, nextOffset, clock, appliedBase + driver.appliedCount(), max, d, held.sorted());
    }

    // ------------------------------------------------------------------ applying (engine thread)

    /**
     * Applies log records {@code firstOffset ..} in order: runs of equal (accept time, partition)
     * go to {@link SourceDriver#offerBatch} in chunks of at most {@value #CHUNK}, each under the
     * write lock. The live path and the replay after a restart both come here, with the same
     * records, so they take the same decisions.
     *
     * @param rows the records' rows already decoded (row {@code i} holds record {@code i}, exactly
     *             as {@link RowCodec#decodeInto} would give it), as the live path has them; null to
     *             decode the records (replay)
     */
    void applyRecords(long firstOffset, List<byte[]> records, EventBatch rows) {
        if (firstOffset != nextOffset) {
            throw new IllegalStateException("source " + name + ": applying offset " + firstOffset + " but the next is " + nextOffset);
        }
        int n = records.size();
        if (rows != null && rows.size() != n) {
            throw new IllegalArgumentException("source " + name + ": " + rows.size() + " rows for " + n + " records");
        }
        int i = 0;
        while (i < n) {
            byte[] first = records.get(i);
            long accept = RowCodec.acceptTime(first);
            int partition = RowCodec.partition(first);
            EventBatch chunk = rows == null ? scratch : rows;
            int from = rows == null ? 0 : i;
            if (rows == null) {
                scratch.clear();
            }
            int k = 0;
            while (i + k < n && k < CHUNK) {
                byte[] r = records.get(i + k);
                if (k > 0 && (RowCodec.acceptTime(r) != accept || RowCodec.partition(r) != partition)) {
                    break;
                }
                if (rows == null) {
                    RowCodec.decodeInto(r, scratch);
                }
                k++;
            }
            applyChunk(chunk, from, records, i, firstOffset + i, accept, partition, k);
            i += k;
        }
        nextOffset = firstOffset + n;
        if (n > 0) {
            dirty = true;
        }
    }

    /**
     * Offers rows {@code from .. from+k-1} of {@code batch}, which hold records
     * {@code recordFrom .. recordFrom+k-1} (offsets from {@code firstSeq}).
     */
    private void applyChunk(EventBatch batch, int from, List<byte[]> records, int recordFrom, long firstSeq,
                            long acceptTime, int partition, int k) {
        long now = Math.max(clock, acceptTime);
        long stamp = lock.writeLock();
        try {
            driver.offerBatch(batch, from, from + k, partition, firstSeq, acceptTime, verdicts,
                    i -> RowJson.render(spec.schema(), cursor.at(batch, i)));
            tableClock = now;
        } finally {
            lock.unlockWrite(stamp);
        }
        boolean live = liveAcceptNanos != NO_LIVE_BATCH && freshness != FreshnessListener.NONE;
        long visibleNanos = live ? System.nanoTime() : 0; // readers see the chunk from here on
        clock = now;
        releaseHeld(now);
        int eventTimeIndex = spec.eventTimeIndex();
        long visibleAt = freshness == FreshnessListener.NONE ? 0 : wallClock.millis();
        int applied = 0;
        for (int j = 0; j < k; j++) {
            Verdict v = verdicts[j];
            if (v == Verdict.APPLIED && freshness != FreshnessListener.NONE) {
                visible(visibleAt, acceptTime, batch.getLong(from + j, eventTimeIndex));
                applied++;
            } else if (v == Verdict.HELD) {
                held.add(firstSeq + j, driver.dueTime(batch.getLong(from + j, eventTimeIndex)), records.get(recordFrom + j));
            } else if (!v.accepted()) {
                drops[v.dropReason().ordinal()]++;
            }
        }
        flushVisible(visibleAt);
        if (live && applied > 0) {
            freshness.eventsVisible(name, applied, visibleNanos - liveAcceptNanos);
        }
        checkHeld();
        flushDeadLetters();
    }

    /** Whether the driver holds an event due before {@code t}. Caller holds {@link #lock}. */
    boolean holdsBefore(long t) {
        return driver.holdsBefore(t);
    }

    /**
     * Reads {@code key} at {@code t} while the driver still holds events due before {@code t} (a read
     * after the clock). By DESIGN §3 those accepted events are inside the window, yet the driver
     * applies them only once its clock passes them; so the key's state is copied and the key's held
     * events are applied to the copy, in the driver's order. Returns whether the key has state.
     * Caller holds {@link #lock} for reading: held events and tables change only under its write lock.
     */
    boolean readWithHeld(ViewRuntime v, Object key, long t, FeatureVector out) {
        TileTable table = v.table();
        TileTable copy = new TileTable(v.compiled, 1);
        int id = table.keyId(key);
        if (id >= 0) {
            ByteWriter state = new ByteWriter(256);
            table.writeKeyState(id, state);
            copy.readKeyState(copy.internKey(key), new ByteReader(state.toByteArray()));
        }
        driver.forEachHeldBefore(t, (row, seq) -> {
            if (key.equals(copy.keyOf(row))) {
                copy.apply(row, seq);
            }
        });
        return copy.read(key, t, out, copy.newReader());
    }

    /** Mirrors the driver's release of held events, reporting them as visible. */
    private void releaseHeld(long now) {
        if (freshness == FreshnessListener.NONE || !held.anyBefore(now)) {
            held.releaseBefore(now);
            return;
        }
        long visibleAt = wallClock.millis();
        held.releaseBefore(now, e -> visible(visibleAt, RowCodec.acceptTime(e.record()), e.eventTime()));
        flushVisible(visibleAt);
    }

    private void visible(long visibleAt, long acceptTime, long eventTime) {
        if (visibleCount == CHUNK) {
            flushVisible(visibleAt);
        }
        visibleAccept[visibleCount] = acceptTime;
        visibleEvent[visibleCount] = eventTime;
        visibleCount++;
    }

    private void flushVisible(long visibleAt) {
        if (visibleCount > 0) {
            freshness.visible(name, visibleAt, visibleAccept, visibleEvent, visibleCount);
            visibleCount = 0;
        }
    }

    /**
     * The furthest the driver's clock may move now, given the wall clock {@code now}: not past the
     * accept time of any batch still in flight. Raises {@link #acceptClock} so later appends are
     * accepted no earlier.
     */
    long advanceBound(long now) {
        appendLock.lock();
        try {
            long c = Math.max(acceptClock, now);
            acceptClock = c;
            InFlight head = inFlight.peekFirst();
            return head == null ? c : Math.min(c, head.acceptTime);
        } finally {
            appendLock.unlock();
        }
    }

    /** Moves the driver's clock to {@code bound} (if later), applying held events it passes. */
    void advanceTo(long bound) {
        if (bound <= clock) {
            return;
        }
        long stamp = lock.writeLock();
        try {
            driver.advanceTo(bound);
            tableClock = bound;
        } finally {
            lock.unlockWrite(stamp);
        }
        clock = bound;
        releaseHeld(bound);
        checkHeld();
    }

    private void checkHeld() {
        if (held.size() != driver.heldCount()) {
            throw new IllegalStateException("source " + name + ": engine tracks " + held.size() + " held events, driver "
                    + driver.heldCount());
        }
    }

    private void flushDeadLetters() {
        if (letters.isEmpty()) {
            return;
        }
        List<DeadLetterRecord> records = new ArrayList<>(letters.size());
        for (DeadLetter d : letters) {
            records.add(new DeadLetterRecord(d.source(), d.partition(), d.seq(), d.eventTime(), d.acceptTime(),
                    d.reason().name(), d.detail(), d.payload()));
        }
        letters.clear();
        deadLetterStore.appendAll(records);
    }

    /** Removes a batch from the in-flight list (applied, or its append failed). */
    void finishInFlight(InFlight ticket) {
        appendLock.lock();
        try {
            inFlight.removeFirstOccurrence(ticket);
        } finally {
            appendLock.unlock();
        }
    }

    /** Publishes counters and completes awaitApplied callers now covered. */
    void publish() {
        var wm = driver.watermarks();
        maxEventTime = wm.maxEventTime(0);
        watermark = wm.watermark(0);
        heldCount = held.size();
        heldMin = held.minEventTime();
        publishedClock = clock;
        appliedEvents = appliedBase + driver.appliedCount();
        for (int r = 0; r < drops.length; r++) {
            publishedDrops.lazySet(r, drops[r]);
        }
        appliedOffset = nextOffset;
        List<Waiter> done = new ArrayList<>();
        synchronized (waiters) {
            while (!waiters.isEmpty() && waiters.peek().endOffset <= nextOffset) {
                done.add(waiters.poll());
            }
        }
        done.forEach(w -> w.future.complete(null));
    }

    Map<String, Long> publishedDrops() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            if (r != DropReason.INVALID) {
                m.put(r.name(), publishedDrops.get(r.ordinal()));
            }
        }
        return m;
    }

    // ------------------------------------------------------------------ awaitApplied (any thread)

    CompletableFuture<Void> awaitApplied(long endOffset) {
        if (endOffset <= appliedOffset) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (waiters) {
            waiters.add(new Waiter(endOffset, f));
        }
        // the engine may have published between the check and the add
        if (endOffset <= appliedOffset) {
            synchronized (waiters) {
                waiters.removeIf(w -> w.future == f);
            }
            f.complete(null);
        }
        return f;
    }

    void failWaiters(Throwable cause) {
        List<Waiter> all;
        synchronized (waiters) {
            all = new ArrayList<>(waiters);
            waiters.clear();
        }
        all.forEach(w -> w.future.completeExceptionally(cause));
    }
}
