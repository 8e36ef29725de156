package dev.freshet.aggregation.state;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.ir.InputCell;
import dev.freshet.aggregation.plan.FeatureDef;
import dev.freshet.aggregation.plan.LatestValue;
import dev.freshet.model.spec.FieldType;
import java.util.Arrays;
import java.util.List;

/**
 * Latest-value features of a batch view (DESIGN §3 "Batch features"): per key the whole latest row
 * — the one with the greatest (event time, created timestamp, arrival seq) — nulls included, so a
 * null in the latest row reads as NULL_VALUE rather than an older value. At read time {@code t} the
 * row is OUTSIDE_MAX_AGE when {@code t - event_time > ttl}; no row is NOT_FOUND. Drivers apply a
 * batch row only once their clock reaches its event time, so the stored row never lies after a
 * read time and one row per key is exact.
 *
 * <p>Layout per key in one {@code long[]}: {@code [present, eventTime, created, seq, nullBits...,
 * value per feature]} (numbers as raw long or double bits, booleans 0/1); strings in an
 * {@code Object[]} slot per feature.
 */
final class LatestGroup implements GroupState {
    private static final int PRESENT = 0;
    private static final int TIME = 1;
    private static final int CREATED = 2;
    private static final int SEQ = 3;
    private static final int NULLS = 4;

    private final FeatureDef[] features;
    private final FieldType[] types;
    private final long ttl;
    private final int nullWords;
    private final int valueBase;
    private final int stride;
    private final int nFeatures;
    private long[] data = new long[0];
    private Object[] objs = new Object[0];
    private int capacity;

    LatestGroup(List<FeatureDef> features, long ttl) {
        this.features = features.toArray(new FeatureDef[0]);
        this.nFeatures = this.features.length;
        this.types = new FieldType[nFeatures];
        for (int f = 0; f < nFeatures; f++) {
            types[f] = ((LatestValue) this.features[f].aggregator()).type();
        }
        this.ttl = ttl;
        this.nullWords = (nFeatures + 63) >>> 6;
        this.valueBase = NULLS + nullWords;
        this.stride = valueBase + nFeatures;
    }

    @Override
    public void ensureKeys(int keys) {
        if (keys <= capacity) {
            return;
        }
        int cap = Math.max(keys, Math.max(16, capacity * 2));
        data = Arrays.copyOf(data, Math.multiplyExact(cap, stride));
        objs = Arrays.copyOf(objs, Math.multiplyExact(cap, nFeatures));
        capacity = cap;
    }

    @Override
    public long touch(int key, long eventTime) {
        return data[key * stride] + data[key * stride + stride - 1];
    }

    @Override
    public void apply(int key, EventContext ctx) {
        int base = key * stride;
        if (data[base + PRESENT] != 0 && !newer(ctx.eventTime, ctx.created, ctx.seq, data[base + TIME], data[base + CREATED],
                data[base + SEQ])) {
            return;
        }
        data[base + PRESENT] = 1;
        data[base + TIME] = ctx.eventTime;
        data[base + CREATED] = ctx.created;
        data[base + SEQ] = ctx.seq;
        Arrays.fill(data, base + NULLS, base + valueBase, 0);
        int objBase = key * nFeatures;
        for (int f = 0; f < nFeatures; f++) {
            InputCell in = ctx.cells[features[f].input()];
            int at = base + valueBase + f;
            objs[objBase + f] = null;
            if (in.isNull) {
                data[base + NULLS + (f >>> 6)] |= 1L << f;
                data[at] = 0;
                continue;
            }
            switch (types[f]) {
                case FLOAT64 -> data[at] = Double.doubleToRawLongBits(in.d);
                case INT64, TIMESTAMP -> data[at] = in.l;
                case BOOL -> data[at] = Boolean.TRUE.equals(in.o) ? 1 : 0;
                case STRING -> objs[objBase + f] = in.o;
            }
        }
    }

    /** Whether row (t, c, s) comes after the stored (t0, c0, s0): later event time, then created, then arrival. */
    private static boolean newer(long t, long c, long s, long t0, long c0, long s0) {
        if (t != t0) {
            return t > t0;
        }
        if (c != c0) {
            return c > c0;
        }
        return s > s0;
    }

    @Override
    public void read(int key, long t, FeatureVector out, ReadScratch scratch) {
        int base = key * stride;
        if (data[base + PRESENT] == 0) {
            readEmpty(out, scratch);
            return;
        }
        long ts = data[base + TIME];
        // age > ttl: too old (computed without overflow for extreme times)
        boolean tooOld = ttl > 0 && t > ts && Long.compareUnsigned(t - ts, ttl) > 0; // t > ts: t - ts fits in 64 unsigned bits
        for (int f = 0; f < nFeatures; f++) {
            int index = features[f].index();
            if (tooOld) {
                out.setAbsent(index, Status.OUTSIDE_MAX_AGE, ts);
            } else if ((data[base + NULLS + (f >>> 6)] & (1L << f)) != 0) {
                out.setAbsent(index, Status.NULL_VALUE, ts);
            } else {
                long v = data[base + valueBase + f];
                switch (types[f]) {
                    case FLOAT64 -> out.setDouble(index, Double.longBitsToDouble(v), ts);
                    case INT64, TIMESTAMP -> out.setLong(index, v, ts);
                    case BOOL -> out.setObject(index, v != 0, ts);
                    case STRING -> out.setObject(index, objs[key * nFeatures + f], ts);
                }
            }
        }
    }

    @Override
    public void readEmpty(FeatureVector out, ReadScratch scratch) {
        for (FeatureDef f : features) {
            out.setAbsent(f.index(), Status.NOT_FOUND, FeatureVector.NO_TIMESTAMP);
        }
    }

    @Override
    public void mergeFrom(int key, GroupState other, int otherKey) {
        LatestGroup o = (LatestGroup) other;
        int src = otherKey * stride;
        int dst = key * stride;
        if (o.data[src + PRESENT] == 0) {
            return;
        }
        if (data[dst + PRESENT] == 0 || newer(o.data[src + TIME], o.data[src + CREATED], o.data[src + SEQ], data[dst + TIME],
                data[dst + CREATED], data[dst + SEQ])) {
            System.arraycopy(o.data, src, data, dst, stride);
            System.arraycopy(o.objs, otherKey * nFeatures, objs, key * nFeatures, nFeatures);
        }
    }

    @Override
    public void write(int key, ByteWriter out) {
        int base = key * stride;
        out.writeByte((int) data[base + PRESENT]);
        if (data[base + PRESENT] == 0) {
            return;
        }
        for (int i = TIME; i < stride; i++) {
            out.writeLong(data[base + i]);
        }
        for (int f = 0; f < nFeatures; f++) {
            if (types[f] == FieldType.STRING && (data[base + NULLS + (f >>> 6)] & (1L << f)) == 0) {
                out.writeString((String) objs[key * nFeatures + f]);
            }
        }
    }

    @Override
    public void read(int key, ByteReader in) {
        int base = key * stride;
        int present = in.readByte();
        if (present == 0) {
            return;
        }
        data[base + PRESENT] = 1;
        for (int i = TIME; i < stride; i++) {
            data[base + i] = in.readLong();
        }
        for (int f = 0; f < nFeatures; f++) {
            if (types[f] == FieldType.STRING && (data[base + NULLS + (f >>> 6)] & (1L << f)) == 0) {
                objs[key * nFeatures + f] = in.readString();
            }
        }
    }

    @Override
    public long bytes(int key) {
        long b = stride * 8L + nFeatures * 8L;
        for (int f = 0; f < nFeatures; f++) {
            if (objs[key * nFeatures + f] instanceof String s) {
                b += 40 + s.length();
            }
        }
        return b;
    }

    @Override
    public ReadScratch newScratch() {
        return new ReadScratch(0, 0, 0);
    }

    @Override
    public TileLayout layout() {
        throw new UnsupportedOperationException("latest-value features keep whole rows, not tiles");
    }
}
