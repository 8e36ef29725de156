package dev.freshet.aggregation.state;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.ir.AvgAggregator;
import dev.freshet.aggregation.ir.CountAggregator;
import dev.freshet.aggregation.ir.FirstLastNumberAggregator;
import dev.freshet.aggregation.ir.InputCell;
import dev.freshet.aggregation.ir.MinMaxAggregator;
import dev.freshet.aggregation.ir.MomentsAggregator;
import dev.freshet.aggregation.ir.ObjectAggregator;
import dev.freshet.aggregation.ir.SlotAggregator;
import dev.freshet.aggregation.ir.SumAggregator;
import dev.freshet.aggregation.plan.FeatureDef;
import java.util.List;

/**
 * The byte layout of one tile of a group: a header followed by every slot aggregator's IR, plus
 * one object reference per object aggregator.
 *
 * <pre>
 *   long[stride]:  [tile id][max event time][event count][feature slots ...]
 *   Object[objects]: one IR per object aggregator (null = empty)
 * </pre>
 *
 * <p>A tile with event count 0 is empty whatever its other slots hold.
 */
public final class TileLayout {
    public static final int TILE_ID = 0;
    public static final int MAX_EVENT_TIME = 1;
    public static final int EVENT_COUNT = 2;
    public static final int HEADER = 3;

    private static final InputCell NONE = new InputCell().setNull();

    private final FeatureDef[] features;
    private final SlotAggregator[] slotAggs;
    private final ObjectAggregator[] objectAggs;
    private final int stride;
    private final int objects;
    // Flattened per-feature plan for the per-event loop (no record accessors, no pointer chasing).
    private final int[] slotOffset;
    private final int[] objectIndex;
    private final int[] input;
    private final int[] filter;
    /** FeatureVector position of each feature. */
    private final int[] vectorIndex;
    /** The slots of an empty tile (header and every aggregator's init), copied in by {@link #init}. */
    private final long[] emptyTile;
    /** Per feature, a fast-path code for the commonest slot aggregators (0 = call the interface). */
    private final byte[] fastPath;

    private static final byte COUNT = 1;
    private static final byte SUM_DOUBLE = 2;
    private static final byte AVG = 3;
    private static final byte MAX_DOUBLE = 4;
    private static final byte MIN_DOUBLE = 5;
    private static final byte MOMENTS = 6;
    private static final byte LAST_DOUBLE = 7;

    /** Features must already carry their slot offsets / object indexes for this layout. */
    public TileLayout(List<FeatureDef> features, int stride, int objects) {
        this.features = features.toArray(new FeatureDef[0]);
        this.slotAggs = new SlotAggregator[this.features.length];
        this.objectAggs = new ObjectAggregator[this.features.length];
        for (int i = 0; i < this.features.length; i++) {
            if (this.features[i].aggregator() instanceof SlotAggregator s) {
                slotAggs[i] = s;
            } else {
                objectAggs[i] = (ObjectAggregator) this.features[i].aggregator();
            }
        }
        this.stride = stride;
        this.objects = objects;
        int n = this.features.length;
        slotOffset = new int[n];
        objectIndex = new int[n];
        input = new int[n];
        filter = new int[n];
        vectorIndex = new int[n];
        for (int i = 0; i < n; i++) {
            vectorIndex[i] = this.features[i].index();
            slotOffset[i] = this.features[i].slotOffset();
            objectIndex[i] = this.features[i].objectIndex();
            input[i] = this.features[i].input();
            filter[i] = this.features[i].filter();
        }
        fastPath = new byte[n];
        for (int i = 0; i < n; i++) {
            fastPath[i] = fastPathOf(slotAggs[i]);
        }
        emptyTile = new long[stride];
        emptyTile[MAX_EVENT_TIME] = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            if (slotAggs[i] != null) {
                slotAggs[i].init(emptyTile, slotOffset[i]);
            }
        }
    }

    private static byte fastPathOf(SlotAggregator s) {
        if (s == CountAggregator.INSTANCE) {
            return COUNT;
        } else if (s == SumAggregator.DOUBLE) {
            return SUM_DOUBLE;
        } else if (s == AvgAggregator.INSTANCE) {
            return AVG;
        } else if (s == MinMaxAggregator.MAX_DOUBLE) {
            return MAX_DOUBLE;
        } else if (s == MinMaxAggregator.MIN_DOUBLE) {
            return MIN_DOUBLE;
        } else if (s == MomentsAggregator.STDDEV || s == MomentsAggregator.VARIANCE
                || s == MomentsAggregator.STDDEV_POP || s == MomentsAggregator.VARIANCE_POP) {
            return MOMENTS;
        } else if (s == FirstLastNumberAggregator.LAST_DOUBLE) {
            return LAST_DOUBLE;
        }
        return 0;
    }

    public int stride() {
        return stride;
    }

    public int objects() {
        return objects;
    }

    public FeatureDef[] features() {
        return features;
    }

    /** The {@link FeatureVector} position of feature {@code i} of this layout. */
    public int vectorIndex(int i) {
        return vectorIndex[i];
    }

    /** Resets a tile to the empty aggregate with the given id. */
    public void init(long[] d, int base, Object[] objs, int objBase, long tileId) {
        System.arraycopy(emptyTile, 0, d, base, stride);
        d[base + TILE_ID] = tileId;
        for (int i = 0; i < objects; i++) {
            objs[objBase + i] = null;
        }
    }

    /**
     * Empties a read accumulator for the next read: the header and slots as {@link #init} leaves
     * them, and each object result emptied for reuse ({@link ObjectAggregator#recycle}) or null.
     */
    public void initReadAccumulator(long[] d, Object[] objs) {
        System.arraycopy(emptyTile, 0, d, 0, stride);
        for (int i = 0; i < objectAggs.length; i++) {
            if (objectAggs[i] != null) {
                int at = objectIndex[i];
                Object ir = objs[at];
                objs[at] = ir == null ? null : objectAggs[i].recycle(ir);
            }
        }
    }

    /** Loads the object IRs of a tile an update will dereference (see {@link ObjectAggregator#touch}). */
    public long touchObjects(Object[] objs, int objBase) {
        long sink = 0;
        for (int i = 0; i < objectAggs.length; i++) {
            ObjectAggregator a = objectAggs[i];
            if (a != null) {
                Object ir = objs[objBase + objectIndex[i]];
                if (ir != null) {
                    sink += a.touch(ir);
                }
            }
        }
        return sink;
    }

    /** Folds the current event into a tile. */
    public void apply(long[] d, int base, Object[] objs, int objBase, EventContext ctx) {
        long ts = ctx.eventTime;
        if (ts > d[base + MAX_EVENT_TIME]) {
            d[base + MAX_EVENT_TIME] = ts;
        }
        d[base + EVENT_COUNT]++;
        InputCell[] cells = ctx.cells;
        boolean[] pass = ctx.filterPass;
        long seq = ctx.seq;
        for (int i = 0; i < slotAggs.length; i++) {
            int f = filter[i];
            if (f >= 0 && !pass[f]) {
                continue;
            }
            int x = input[i];
            InputCell in = x < 0 ? NONE : cells[x];
            if (x >= 0 && in.isNull) {
                continue;
            }
            int o = base + slotOffset[i];
            // Static calls for the common aggregators avoid a megamorphic interface call per feature;
            // they are the same code the aggregators' update() runs.
            switch (fastPath[i]) {
                case COUNT -> CountAggregator.add(d, o);
                case SUM_DOUBLE -> SumAggregator.addDouble(d, o, in.d);
                case AVG -> AvgAggregator.add(d, o, in.d);
                case MAX_DOUBLE -> MinMaxAggregator.maxDouble(d, o, in.d);
                case MIN_DOUBLE -> MinMaxAggregator.minDouble(d, o, in.d);
                case MOMENTS -> MomentsAggregator.add(d, o, in.d);
                case LAST_DOUBLE -> FirstLastNumberAggregator.lastDouble(d, o, ts, seq, in.d);
                default -> updateGeneric(i, d, o, objs, objBase, in, ts, seq);
            }
        }
    }

    private void updateGeneric(int i, long[] d, int o, Object[] objs, int objBase, InputCell in, long ts, long seq) {
        SlotAggregator s = slotAggs[i];
        if (s != null) {
            s.update(d, o, in, ts, seq);
        } else {
            int at = objBase + objectIndex[i];
            objs[at] = objectAggs[i].update(objs[at], in, ts, seq);
        }
    }

    /** Merges feature {@code i} of a source tile into a destination tile. */
    public void mergeFeature(int i, long[] dst, int dBase, Object[] dstObjs, int dObjBase,
                             long[] src, int sBase, Object[] srcObjs, int sObjBase) {
        FeatureDef f = features[i];
        if (slotAggs[i] != null) {
            slotAggs[i].merge(dst, dBase + f.slotOffset(), src, sBase + f.slotOffset());
        } else {
            int o = f.objectIndex();
            dstObjs[dObjBase + o] = objectAggs[i].merge(dstObjs[dObjBase + o], srcObjs[sObjBase + o]);
        }
    }

    /** Merges a whole source tile (header and every feature) into a destination tile. */
    public void mergeTile(long[] dst, int dBase, Object[] dstObjs, int dObjBase,
                          long[] src, int sBase, Object[] srcObjs, int sObjBase) {
        dst[dBase + EVENT_COUNT] += src[sBase + EVENT_COUNT];
        dst[dBase + MAX_EVENT_TIME] = Math.max(dst[dBase + MAX_EVENT_TIME], src[sBase + MAX_EVENT_TIME]);
        for (int i = 0; i < features.length; i++) {
            mergeFeature(i, dst, dBase, dstObjs, dObjBase, src, sBase, srcObjs, sObjBase);
        }
    }

    /** Finalizes feature {@code i} of a tile into the vector. */
    public void result(int i, long[] d, int base, Object[] objs, int objBase,
                       boolean windowHasEvents, FeatureVector out, long eventTime) {
        FeatureDef f = features[i];
        if (slotAggs[i] != null) {
            slotAggs[i].result(d, base + f.slotOffset(), windowHasEvents, out, f.index(), eventTime);
        } else {
            objectAggs[i].result(objs[objBase + f.objectIndex()], windowHasEvents, out, f.index(), eventTime);
        }
    }

    public ObjectAggregator objectAggregator(int objectIndex) {
        for (int i = 0; i < features.length; i++) {
            if (objectAggs[i] != null && features[i].objectIndex() == objectIndex) {
                return objectAggs[i];
            }
        }
        throw new IllegalArgumentException("no object aggregator at " + objectIndex);
    }

    /** Approximate heap bytes of the objects of one tile. */
    public long objectBytes(Object[] objs, int objBase) {
        long bytes = 0;
        for (int o = 0; o < objects; o++) {
            Object ir = objs[objBase + o];
            if (ir != null) {
                bytes += objectAggregator(o).sizeBytes(ir);
            }
        }
        return bytes;
    }
}
