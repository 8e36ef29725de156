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
import java.util.List;

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
    /** Told before an event changes a key's state (a snapshot being encoded in steps); null = none. */
    private WriteListener writeListener;
    /** Sink for prefetch loads, so the JIT cannot drop them. */
    private long touched;

    /** Events per stage of {@link #applyBatch}: enough independent loads in flight to hide memory latency. */
    static final int STAGE = 32;

    public TileTable(CompiledView view, int expectedKeys) {
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
        for (GroupState g : groups) {
            g.apply(id, ctx);
        }
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
                for (GroupState g : groups) {
                    sink += g.touch(id, eventTimes[j]);
                }
            }
            for (int j = start; j < end; j++) {
                int id = stageIds[j - start];
                if (id < 0) {
                    continue;
                }
                evaluate(rows.row(j), eventTimes[j], seqs[j]);
                for (GroupState g : groups) {
                    g.apply(id, ctx);
                }
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
        for (int g = 0; g < groups.length; g++) {
            if (!out.wantsAny(groupFeatures[g])) {
                continue; // none of its features asked for: skip its merges
            }
            if (id < 0 || t == Long.MIN_VALUE) {
                groups[g].readEmpty(out, reader.scratch[g]);
            } else {
                groups[g].read(id, t, out, reader.scratch[g]);
            }
        }
        return id >= 0;
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
        for (int k = 0; k < other.keyCount(); k++) {
            int id = internKey(other.key(k));
            for (int g = 0; g < groups.length; g++) {
                groups[g].mergeFrom(id, other.groups[g], k);
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
        }
        return id;
    }

    /** Serializes one key's state of every group. */
    public void writeKeyState(int id, ByteWriter out) {
        for (GroupState g : groups) {
            g.write(id, out);
        }
    }

    /** Restores one key's state written by {@link #writeKeyState} (the key's state must be empty). */
    public void readKeyState(int id, ByteReader in) {
        for (GroupState g : groups) {
            g.read(id, in);
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

        Reader(TileTable table) {
            scratch = new ReadScratch[table.groups.length];
            for (int g = 0; g < scratch.length; g++) {
                scratch[g] = table.groups[g].newScratch();
            }
        }
    }
}
