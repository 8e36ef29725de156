package dev.freshet.aggregation.state;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.ir.InputCell;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.plan.FeatureDef;
import dev.freshet.aggregation.plan.GroupDef;
import dev.freshet.aggregation.plan.WindowKind;
import dev.freshet.model.expr.CompiledExpr;
import dev.freshet.model.expr.Row;
import dev.freshet.model.spec.FieldType;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Keyed aggregation state of one feature view: every key's tiles, sessions and lifetime
 * accumulators, in primitive arrays indexed by dense key ids. The one structure every driver uses:
 * the streaming driver applies events, the serving path reads, the offline driver replays.
 *
 * <p>Per event: one key lookup, one evaluation of each distinct input and filter, then each group
 * folds the event into one tile. Count/sum/avg/min/max/stddev/first/last over numbers allocate
 * nothing. Reads merge the tiles inside the window at read time {@code t}, so values decay as
 * {@code t} advances without new events.
 *
 * <p>Deferred groups: groups with numeric inputs and no object IRs — hopping rings of at most
 * {@value #TAIL_MAX_RING_LONGS} longs and lifetime tiles — do not take an event at once, provided
 * the view has a short one (a window of at most {@value #TAIL_MAX_WINDOW_MS} ms). The event waits in
 * its key's {@link EventTail}: one slot beside the key's header, one or two cache lines where the
 * groups' tiles would be one or two lines each. When the tail is full, its oldest events that no
 * read can see in a short window any more (older than the latest applied event by more than the
 * short group's ring plus one hop, so outside every window a read after that event asks for) leave
 * it together: the short groups drop them, the others (long windows, lifetime) fold them, loading
 * their tiles once for several events. If the oldest event can still be seen, it alone is folded
 * into every deferred group; but if the whole tail arrived within half that span the key is busy:
 * its tail is folded into every deferred group, in arrival order, and its later events go to them
 * directly, as without a tail (direct keys are a bitset, so their events do not load the tail), until
 * the table's latest event time has moved on by the span and every direct key returns to its tail. A
 * read folds the tail events it can see into its own copies of just the tiles they land in
 * ({@link TileOverlay}); checkpoints ({@link #writeKeyState}) and merges fold a key's whole tail
 * into a copy of its state; all with the same {@link TileLayout#apply}, so every value, and every
 * byte written, is what applying each event at once would give (short-window tiles of dropped
 * events aside, which no read can reach). With a card's events minutes apart, its short windows'
 * rings are never written and its long ones a few events at a time.
 *
 * <p>Contract: exact for reads at {@code t} greater than every applied event's time (drivers apply
 * an event only once their clock has passed it; see DESIGN §3). Single writer; readers need their
 * own {@link Reader} and must not run concurrently with writes (the engine serializes them).
 */
public final class TileTable {
    private final CompiledView view;
    private final KeyIndex keys;
    private final GroupState[] groups;
    private final int[][] groupFeatures; // feature indexes (FeatureVector positions) of each group
    private final EventContext ctx;
    private final CompiledExpr[] inputs;
    private final FieldType[] inputTypes;
    /** Schema index per input when it is a bare field (read straight from the row), else -1. */
    private final int[] inputFields;
    private final CompiledExpr[] filters;
    private final int[] keyIndexes;
    private final int eventTimeIndex;
    private final int createdIndex;
    private final int[] stageIds = new int[STAGE];
    /** Per group: whether its events wait in {@link #tail}; the indexes of those and of the others. */
    private final boolean[] isDeferred;
    /** Per group: deferred with a short window, so tail events no read can see are dropped, not folded. */
    private final boolean[] isDropping;
    private final int[] deferred;
    private final int[] immediate;
    /** Recent events of each key for the deferred groups; null when no group is deferred. */
    private final EventTail tail;
    /** An event older than the latest applied one by more than this is outside every window a read can ask a deferred group for. */
    private final long dropSpan;
    /** How many deferred groups drop unseen events. */
    private final int dropping;
    /** Latest event time applied (for the tail's drops); Long.MIN_VALUE before any. */
    private long maxEventTime = Long.MIN_VALUE;
    /** Event time at which every direct key goes back to its tail (see {@link #applyGroups}). */
    private long nextDirectReset = Long.MIN_VALUE;
    /** The writer's context for folding a tail event (the current event stays in {@link #ctx}). */
    private final EventContext foldCtx;
    /** Folding space for {@link #writeKeyState} and {@link #mergeFrom}, per thread (readers write key states too). */
    private final ThreadLocal<TailFolder> folders;
    /** Told before an event changes a key's state (a snapshot being encoded in steps); null = none. */
    private WriteListener writeListener;
    /** Sink for prefetch loads, so the JIT cannot drop them. */
    private long touched;

    /** Events per stage of {@link #applyBatch}: enough independent loads in flight to hide memory latency. */
    static final int STAGE = 32;
    /** Longest window of a deferred group (2 h): longer windows keep an event in their tiles for long anyway. */
    static final long TAIL_MAX_WINDOW_MS = 7_200_000L;
    /** Largest ring (tiles × longs per tile) of a deferred group: a read with a tail copies the ring. */
    static final int TAIL_MAX_RING_LONGS = 1024;

    public TileTable(CompiledView view, int expectedKeys) {
        this(view, expectedKeys, true);
    }

    /**
     * A table that applies every event to every group at once, without a tail: the reference the
     * tail is tested against, and a baseline for benchmarks. Reads the same as {@link #TileTable}.
     */
    public static TileTable applyingAtOnce(CompiledView view, int expectedKeys) {
        return new TileTable(view, expectedKeys, false);
    }

    private TileTable(CompiledView view, int expectedKeys, boolean tailAllowed) {
        this.view = view;
        this.keys = new KeyIndex(expectedKeys);
        List<GroupDef> defs = view.groups();
        this.groups = new GroupState[defs.size()];
        this.groupFeatures = new int[defs.size()][];
        for (int g = 0; g < groups.length; g++) {
            groupFeatures[g] = defs.get(g).features().stream().mapToInt(FeatureDef::index).toArray();
            groups[g] = newGroup(defs.get(g), view.allowedLateness());
            groups[g].ensureKeys(Math.max(16, expectedKeys));
        }
        this.inputs = view.inputs().toArray(new CompiledExpr[0]);
        this.inputTypes = new FieldType[inputs.length];
        this.inputFields = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            inputTypes[i] = inputs[i].type();
            inputFields[i] = inputs[i].fieldIndex();
        }
        this.filters = view.filters().toArray(new CompiledExpr[0]);
        this.ctx = new EventContext(inputs.length, filters.length);
        this.keyIndexes = view.keyIndexes();
        this.eventTimeIndex = view.eventTimeIndex();
        this.createdIndex = view.createdIndex();
        this.isDeferred = new boolean[groups.length];
        this.isDropping = new boolean[groups.length];
        TreeSet<Integer> tailInputs = new TreeSet<>();
        TreeSet<Integer> tailFilters = new TreeSet<>();
        long span = 0;
        for (int g = 0; g < groups.length; g++) {
            if (tailAllowed && deferrable(defs.get(g), groups[g])) {
                isDeferred[g] = true;
                long ring = 1;
                long longest = 0;
                for (FeatureDef f : defs.get(g).features()) {
                    if (f.input() >= 0) {
                        tailInputs.add(f.input());
                    }
                    if (f.filter() >= 0) {
                        tailFilters.add(f.filter());
                    }
                    if (f.windowKind() == WindowKind.HOPPING) {
                        ring = Math.max(ring, f.size() / f.hop());
                        longest = Math.max(longest, f.size());
                    }
                }
                if (groups[g] instanceof DenseHopGroup && longest <= TAIL_MAX_WINDOW_MS) {
                    isDropping[g] = true;
                    span = Math.max(span, (ring + 1) * defs.get(g).period());
                }
            }
        }
        if (tailInputs.size() > 32 || tailFilters.size() > 32 || !contains(isDropping, true)) {
            // one word of null and filter bits per event; and without a short window to drop from,
            // the tail would only delay work
            Arrays.fill(isDeferred, false);
            Arrays.fill(isDropping, false);
        }
        this.deferred = IntStream.range(0, groups.length).filter(g -> isDeferred[g]).toArray();
        this.immediate = IntStream.range(0, groups.length).filter(g -> !isDeferred[g]).toArray();
        this.dropSpan = span;
        for (int g = 0; g < groups.length; g++) {
            if (isDropping[g]) {
                ((DenseHopGroup) groups[g]).allocateOnWrite(); // written only by visible events leaving a tail, busy keys and merges
            }
        }
        this.dropping = (int) IntStream.range(0, groups.length).filter(g -> isDropping[g]).count();
        if (deferred.length == 0) {
            this.tail = null;
        } else {
            int[] in = tailInputs.stream().mapToInt(Integer::intValue).toArray();
            boolean[] integral = new boolean[in.length];
            for (int i = 0; i < in.length; i++) {
                integral[i] = inputTypes[in[i]] != FieldType.FLOAT64;
            }
            this.tail = new EventTail(in, integral, tailFilters.stream().mapToInt(Integer::intValue).toArray());
            tail.ensureKeys(Math.max(16, expectedKeys));
        }
        this.foldCtx = new EventContext(inputs.length, filters.length);
        this.folders = ThreadLocal.withInitial(() -> new TailFolder(this));
    }

    private static boolean contains(boolean[] flags, boolean value) {
        for (boolean f : flags) {
            if (f == value) {
                return true;
            }
        }
        return false;
    }

    /** Whether a group's events may wait in the tail: see the class comment. */
    private boolean deferrable(GroupDef def, GroupState group) {
        boolean ring = group instanceof DenseHopGroup d && d.ringLongs() <= TAIL_MAX_RING_LONGS;
        if (!(ring || group instanceof LifetimeGroup) || def.objects() > 0) {
            return false;
        }
        for (FeatureDef f : def.features()) {
            if (f.input() >= 0 && inputTypes[f.input()] != FieldType.FLOAT64 && inputTypes[f.input()] != FieldType.INT64
                    && inputTypes[f.input()] != FieldType.TIMESTAMP) {
                return false;
            }
        }
        return true;
    }

    private static GroupState newGroup(GroupDef def, long lateness) {
        if (def.kind() == WindowKind.LATEST) {
            return new LatestGroup(def.features(), def.period());
        }
        TileLayout layout = new TileLayout(def.features(), def.stride(), def.objects());
        long[] sizes = def.features().stream().mapToLong(f -> f.size()).toArray();
        return switch (def.kind()) {
            case HOPPING -> def.sparse() ? new SparseHopGroup(layout, def.period(), sizes) : new DenseHopGroup(layout, def.period(), sizes);
            case LIFETIME -> new LifetimeGroup(layout);
            case SESSION -> new SessionGroup(layout, def.period(), lateness);
            case LATEST -> throw new AssertionError("handled above");
        };
    }

    public CompiledView view() {
        return view;
    }

    /**
     * The entity key of an event: the join-key value itself for single keys (a String or Long),
     * a {@link CompositeKey} for composite keys; null if any part is null.
     */
    public Object keyOf(Row row) {
        if (keyIndexes.length == 1) {
            return row.isNull(keyIndexes[0]) ? null : row.getObject(keyIndexes[0]);
        }
        Object[] parts = new Object[keyIndexes.length];
        for (int i = 0; i < parts.length; i++) {
            if (row.isNull(keyIndexes[i])) {
                return null;
            }
            parts[i] = row.getObject(keyIndexes[i]);
        }
        return new CompositeKey(parts);
    }

    /** True when a join-key field of this view is null in {@code row} (no allocation). */
    public boolean hasNullKey(Row row) {
        for (int k : keyIndexes) {
            if (row.isNull(k)) {
                return true;
            }
        }
        return false;
    }

    /** Applies an accepted event (lateness already checked by the driver). */
    public ApplyOutcome apply(Row row, long seq) {
        if (row.isNull(eventTimeIndex)) {
            return ApplyOutcome.NULL_EVENT_TIME;
        }
        Object key = keyOf(row);
        if (key == null) {
            return ApplyOutcome.NULL_KEY;
        }
        apply(key, row, row.getLong(eventTimeIndex), seq);
        return ApplyOutcome.APPLIED;
    }

    /**
     * Told the id of a key just before an event changes that key's state, so a snapshot taken in
     * steps can capture the key's state as of its cut first (copy before write).
     */
    @FunctionalInterface
    public interface WriteListener {
        void beforeWrite(int keyId);
    }

    /**
     * Sets (or, with null, clears) the listener told before every key write; at most one at a time.
     * Single writer thread.
     */
    public void setWriteListener(WriteListener listener) {
        if (listener != null && writeListener != null && writeListener != listener) {
            throw new IllegalStateException("table " + view.name() + " already has a write listener (a snapshot in progress)");
        }
        this.writeListener = listener;
    }

    /** Applies an accepted event whose key and event time the caller already extracted. */
    public void apply(Object key, Row row, long eventTime, long seq) {
        int id = internKey(key);
        if (writeListener != null) {
            writeListener.beforeWrite(id);
        }
        evaluate(row, eventTime, seq);
        applyGroups(id);
    }

    /** Folds the event in {@link #ctx} into every immediate group and the key's tail. */
    private void applyGroups(int id) {
        for (int g : immediate) {
            groups[g].apply(id, ctx);
        }
        if (tail == null) {
            return;
        }
        long ts = ctx.eventTime;
        if (ts > maxEventTime) {
            maxEventTime = ts;
            if (ts >= nextDirectReset) {
                // A key turns direct after one burst, but most keys are busy only for a while: once
                // per drop span of event time every direct key goes back to its (empty) tail, and a
                // key still busy turns direct again when its tail next fills with visible events.
                tail.clearDirect();
                nextDirectReset = ts > Long.MAX_VALUE - dropSpan ? Long.MAX_VALUE : ts + dropSpan;
            }
        }
        if (tail.isDirect(id)) {
            applyDeferred(id, ctx);
            return;
        }
        if (tail.isFull(id) && !evictUnseen(id)) {
            flushTail(id); // a busy key: from now on its events skip the tail
            tail.setDirect(id);
            applyDeferred(id, ctx);
            return;
        }
        tail.append(id, ctx);
    }

    /**
     * Makes room in the key's full tail. Its oldest events that no read can see in a short window
     * any more (up to the first one a read can) leave together, folded into the deferred groups that
     * keep every event (long windows, lifetime): several at once, so their tiles are loaded once for
     * a few events. If the oldest event is still seen, it alone is folded into every deferred group
     * (as applying it at once would have), unless the whole tail is that recent: then the key is busy
     * and this returns false.
     */
    private boolean evictUnseen(int id) {
        int n = tail.size(id);
        int k = 0;
        while (k < n && !seenByReads(tail.eventTime(id, k))) {
            k++;
        }
        if (k == 0) {
            if (isBusy(id, n)) {
                return false;
            }
            tail.restore(id, 0, foldCtx);
            applyDeferred(id, foldCtx);
            tail.removeOldest(id, 1);
            return true;
        }
        if (deferred.length > dropping) {
            for (int i = 0; i < k; i++) {
                tail.restore(id, i, foldCtx);
                for (int g : deferred) {
                    if (!isDropping[g]) {
                        groups[g].apply(id, foldCtx);
                    }
                }
            }
        }
        tail.removeOldest(id, k);
        return true;
    }

    /** Whether the key's {@code n} tail events arrived within half the drop span: more would still be seen. */
    private boolean isBusy(int id, int n) {
        long first = tail.eventTime(id, 0);
        long last = tail.eventTime(id, n - 1);
        // last >= first: the difference fits in 64 unsigned bits; events out of order count as busy
        return last < first || Long.compareUnsigned(last - first, dropSpan / 2) < 0;
    }

    /** Whether a read can still see an event at {@code eventTime} in a short (dropping) window. */
    private boolean seenByReads(long eventTime) {
        // maxEventTime >= every applied time: the difference fits in 64 unsigned bits
        return Long.compareUnsigned(maxEventTime - eventTime, dropSpan) <= 0;
    }

    private void applyDeferred(int id, EventContext event) {
        for (int g : deferred) {
            groups[g].apply(id, event);
        }
    }

    /** Whether key {@code id} of {@code table} has events in its tail (direct keys never do; their block is not loaded). */
    private static boolean hasTail(TileTable table, int id) {
        return table.tail != null && !table.tail.isDirect(id) && table.tail.size(id) > 0;
    }

    /** Folds every event of the key's tail into its deferred groups and empties the tail. */
    private void flushTail(int id) {
        if (tail == null) {
            return;
        }
        int n = tail.size(id);
        for (int i = 0; i < n; i++) {
            tail.restore(id, i, foldCtx);
            applyDeferred(id, foldCtx);
        }
        tail.clear(id);
    }

    /**
     * Applies accepted events {@code 0..n-1} in order, as {@link #apply(Object, Row, long, long)}
     * would one by one, but staged: for each run of {@value #STAGE} events it first loads every
     * key slot, then every tile the events will update, then applies them. The loads of a stage are
     * independent, so their cache misses overlap instead of stalling one event at a time; with
     * state far larger than the CPU cache this is most of the per-event cost. An event whose key
     * is null (it has no key of this view, though it has one of another view of its source) is
     * skipped.
     */
    public void applyBatch(RowSource rows, Object[] batchKeys, long[] eventTimes, long[] seqs, int n) {
        long sink = 0;
        for (int start = 0; start < n; start += STAGE) {
            int end = Math.min(n, start + STAGE);
            for (int j = start; j < end; j++) {
                if (batchKeys[j] != null) {
                    sink += keys.touch(batchKeys[j]);
                }
            }
            WriteListener listener = writeListener;
            for (int j = start; j < end; j++) {
                if (batchKeys[j] == null) {
                    stageIds[j - start] = -1;
                    continue;
                }
                int id = internKey(batchKeys[j]);
                stageIds[j - start] = id;
                if (listener != null) {
                    listener.beforeWrite(id);
                }
            }
            for (int j = start; j < end; j++) {
                int id = stageIds[j - start];
                if (id < 0) {
                    continue;
                }
                for (int g : immediate) {
                    sink += groups[g].touch(id, eventTimes[j]);
                }
                if (tail == null) {
                    continue;
                }
                if (!tail.isDirect(id)) {
                    sink += tail.touch(id);
                    continue;
                }
                for (int g : deferred) {
                    sink += groups[g].touch(id, eventTimes[j]);
                }
            }
            if (tail != null) {
                for (int j = start; j < end; j++) {
                    int id = stageIds[j - start];
                    if (id < 0 || tail.isDirect(id)) {
                        continue;
                    }
                    if (!tail.isFull(id)) { // its header is loaded by now
                        sink += tail.touchNext(id);
                        continue;
                    }
                    // the event will evict its key's oldest events: load them and the tiles they fold into
                    sink += tail.touchAll(id);
                    long oldest = tail.eventTime(id, 0);
                    boolean seen = seenByReads(oldest);
                    for (int g : deferred) {
                        if (seen || !isDropping[g]) {
                            sink += groups[g].touch(id, oldest);
                        }
                    }
                }
            }
            for (int j = start; j < end; j++) {
                int id = stageIds[j - start];
                if (id < 0) {
                    continue;
                }
                evaluate(rows.row(j), eventTimes[j], seqs[j]);
                applyGroups(id);
            }
        }
        touched += sink;
    }

    private void evaluate(Row row, long eventTime, long seq) {
        ctx.eventTime = eventTime;
        ctx.seq = seq;
        if (createdIndex >= 0) {
            ctx.created = row.isNull(createdIndex) ? Long.MIN_VALUE : row.getLong(createdIndex);
        }
        for (int i = 0; i < inputs.length; i++) {
            InputCell c = ctx.cells[i];
            int field = inputFields[i];
            if (field >= 0) {
                // a bare field: read it from the row, skipping the expression layer
                if (row.isNull(field)) {
                    c.setNull();
                    continue;
                }
                switch (inputTypes[i]) {
                    case FLOAT64 -> c.setDouble(row.getDouble(field));
                    case INT64, TIMESTAMP -> c.setLong(row.getLong(field));
                    case BOOL -> c.setObject(row.getBool(field) ? Boolean.TRUE : Boolean.FALSE);
                    case STRING -> c.setObject(row.getObject(field));
                }
                continue;
            }
            CompiledExpr e = inputs[i];
            if (e.isNull(row)) {
                c.setNull();
                continue;
            }
            switch (inputTypes[i]) {
                case FLOAT64 -> c.setDouble(e.evalDouble(row));
                case INT64, TIMESTAMP -> c.setLong(e.evalLong(row));
                case BOOL -> c.setObject(e.evalBool(row) ? Boolean.TRUE : Boolean.FALSE);
                case STRING -> c.setObject(e.evalObject(row));
            }
        }
        for (int i = 0; i < filters.length; i++) {
            ctx.filterPass[i] = !filters[i].isNull(row) && filters[i].evalBool(row);
        }
    }

    /** Per-thread read scratch. */
    public Reader newReader() {
        return new Reader(this);
    }

    /**
     * Reads every feature of the view for {@code key} at read time {@code t} into {@code out}
     * (indexes = feature indexes). Unknown keys read as empty windows. Returns whether the key is known.
     */
    public boolean read(Object key, long t, FeatureVector out, Reader reader) {
        int id = keys.find(key);
        boolean overlaid = id >= 0 && t != Long.MIN_VALUE && hasTail(this, id);
        if (overlaid) {
            overlayTail(id, t, out, reader);
        }
        for (int g = 0; g < groups.length; g++) {
            if (!out.wantsAny(groupFeatures[g])) {
                continue; // none of its features asked for: skip its merges
            }
            if (id < 0 || t == Long.MIN_VALUE) {
                groups[g].readEmpty(out, reader.scratch[g]);
            } else if (overlaid && isDeferred[g]) {
                TileOverlay o = reader.overlays[g];
                ((DeferredGroup) groups[g]).read(id, t, out, reader.scratch[g], o.isEmpty() ? null : o);
                o.clear();
            } else {
                groups[g].read(id, t, out, reader.scratch[g]);
            }
        }
        return id >= 0;
    }

    /**
     * Folds the key's tail events a read at {@code t} can see into the reader's overlays of the
     * wanted deferred groups (only the tiles they land in are copied).
     */
    private void overlayTail(int id, long t, FeatureVector out, Reader reader) {
        for (int g : deferred) {
            reader.overlays[g].clear(); // empty unless an earlier read threw half-way
        }
        int n = tail.size(id);
        for (int i = 0; i < n; i++) {
            long ts = tail.eventTime(id, i);
            boolean restored = false;
            for (int g : deferred) {
                DeferredGroup group = (DeferredGroup) groups[g];
                if (!out.wantsAny(groupFeatures[g]) || !group.visibleAt(ts, t)) {
                    continue; // an event no merged tile holds changes nothing the read sees
                }
                if (!restored) {
                    tail.restore(id, i, reader.ctx);
                    restored = true;
                }
                group.applyTo(reader.overlays[g], id, reader.ctx);
            }
        }
    }

    public int keyCount() {
        return keys.size();
    }

    public Object key(int id) {
        return keys.key(id);
    }

    public int keyId(Object key) {
        return keys.find(key);
    }

    /** Merges another table of the same view into this one (e.g. states of two stream splits). */
    public void mergeFrom(TileTable other) {
        if (!other.view.fingerprint().equals(view.fingerprint())) {
            throw new IllegalArgumentException("cannot merge state of a different view layout");
        }
        maxEventTime = Math.max(maxEventTime, other.maxEventTime);
        TailFolder folder = other.tail == null ? null : other.folders.get();
        for (int k = 0; k < other.keyCount(); k++) {
            int id = internKey(other.key(k));
            flushTail(id); // as if every event of both had been applied at once, this key's first
            boolean fold = hasTail(other, k);
            if (fold) {
                folder.fold(other, k);
            }
            for (int g = 0; g < groups.length; g++) {
                if (fold && other.isDeferred[g]) {
                    groups[g].mergeFrom(id, folder.groups[g], 0);
                } else {
                    groups[g].mergeFrom(id, other.groups[g], k);
                }
            }
        }
    }

    /** Id of {@code key}, adding it (with room in every group) if new. */
    public int internKey(Object key) {
        int id = keys.findOrAdd(key);
        if (id == keys.size() - 1) { // new key: every group makes room for it
            for (GroupState g : groups) {
                g.ensureKeys(id + 1);
            }
            if (tail != null) {
                tail.ensureKeys(id + 1);
            }
        }
        return id;
    }

    /**
     * Serializes one key's state of every group: a deferred group's rings with the key's tail folded
     * in, so the format has no tail; a short window's ring only with the tiles a read after the
     * table's latest event time can merge (the others depend on which events the tail dropped).
     */
    public void writeKeyState(int id, ByteWriter out) {
        writeKeyState(id, out, maxEventTime);
    }

    /**
     * As {@link #writeKeyState(int, ByteWriter)}, with the latest event time of a cut taken
     * earlier ({@link #maxEventTime()} then): a snapshot encoded in steps writes every key as of its cut.
     */
    public void writeKeyState(int id, ByteWriter out, long cutMaxEventTime) {
        TailFolder folder = null;
        if (hasTail(this, id)) {
            folder = folders.get();
            folder.fold(this, id);
        }
        for (int g = 0; g < groups.length; g++) {
            GroupState from = folder != null && isDeferred[g] ? folder.groups[g] : groups[g];
            int key = folder != null && isDeferred[g] ? 0 : id;
            if (isDropping[g]) {
                // only readable tiles: the others depend on which events the tail happened to drop
                ((DenseHopGroup) from).writeVisible(key, out, cutMaxEventTime);
            } else {
                from.write(key, out);
            }
        }
    }

    /** Latest event time applied (or restored), Long.MIN_VALUE before any. */
    public long maxEventTime() {
        return maxEventTime;
    }

    /** Restores one key's state written by {@link #writeKeyState} (the key's state must be empty). */
    public void readKeyState(int id, ByteReader in) {
        for (GroupState g : groups) {
            g.read(id, in);
        }
        for (int g : deferred) {
            // every applied event is in a tile of a deferred group: the table's latest event time comes back
            maxEventTime = Math.max(maxEventTime, ((DeferredGroup) groups[g]).maxEventTime(id));
        }
    }

    /** Approximate heap bytes of all state, key index included. */
    public long stateBytes() {
        return keys.indexBytes() + stateBytes(0, keys.size());
    }

    /**
     * Approximate heap bytes of the keys with ids {@code from .. to-1} and their state, key index
     * excluded: {@link #stateBytes()} in steps, so a caller can spread the walk over time.
     */
    public long stateBytes(int from, int to) {
        long b = 0;
        for (int k = from; k < to; k++) {
            Object key = keys.key(k);
            b += key instanceof String s ? 40 + s.length() : 24;
            for (GroupState g : groups) {
                b += g.bytes(k);
            }
            if (tail != null) {
                b += tail.bytesPerKey();
            }
        }
        return b;
    }

    /** Heap bytes of the key index's arrays. */
    public long keyIndexBytes() {
        return keys.indexBytes();
    }

    /** Read scratch for one thread. */
    public static final class Reader {
        final ReadScratch[] scratch;
        /** Per deferred group, the tiles a key's tail changes (see {@link #overlayTail}); else null. */
        final TileOverlay[] overlays;
        final EventContext ctx;

        Reader(TileTable table) {
            scratch = new ReadScratch[table.groups.length];
            for (int g = 0; g < scratch.length; g++) {
                scratch[g] = table.groups[g].newScratch();
            }
            overlays = new TileOverlay[table.groups.length];
            for (int g : table.deferred) {
                overlays[g] = ((DeferredGroup) table.groups[g]).newOverlay(EventTail.SLOTS);
            }
            ctx = new EventContext(table.inputs.length, table.filters.length);
        }
    }

    /**
     * One thread's copies of a key's deferred rings with its tail folded in: what the rings would
     * hold had every event been applied at once.
     */
    static final class TailFolder {
        /** Per group: a one-key copy for deferred groups, else null. */
        final DeferredGroup[] groups;
        private final EventContext ctx;

        TailFolder(TileTable table) {
            List<GroupDef> defs = table.view.groups();
            groups = new DeferredGroup[defs.size()];
            for (int g : table.deferred) {
                groups[g] = (DeferredGroup) newGroup(defs.get(g), table.view.allowedLateness());
                groups[g].ensureKeys(1);
            }
            ctx = new EventContext(table.inputs.length, table.filters.length);
        }

        /** Copies key {@code id}'s deferred rings of {@code table} (same layout) into key 0 and folds its tail. */
        void fold(TileTable table, int id) {
            for (int g : table.deferred) {
                ((DeferredGroup) table.groups[g]).copyKey(id, groups[g], 0);
            }
            int n = table.tail.size(id);
            for (int i = 0; i < n; i++) {
                table.tail.restore(id, i, ctx);
                for (int g : table.deferred) {
                    groups[g].apply(0, ctx);
                }
            }
        }
    }
}
