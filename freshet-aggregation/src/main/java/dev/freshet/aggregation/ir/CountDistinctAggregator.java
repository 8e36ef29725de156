package dev.freshet.aggregation.ir;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Exact count_distinct: IR is the set of distinct values (memory grows with cardinality; use
 * approx_count_distinct for high-cardinality inputs). Empty window → 0. Serialized sorted so the
 * encoding is deterministic. 0.0 and -0.0 are one value (as in approx_count_distinct and top_k),
 * since they compare equal; the IR holds 0.0.
 */
public final class CountDistinctAggregator implements ObjectAggregator {
    public static final CountDistinctAggregator INSTANCE = new CountDistinctAggregator();

    @SuppressWarnings("unchecked")
    private static HashSet<Object> set(Object ir) {
        return (HashSet<Object>) ir;
    }

    @Override
    public Object update(Object ir, InputCell in, long eventTime, long seq) {
        HashSet<Object> s = ir == null ? new HashSet<>(4) : set(ir);
        s.add(distinctValue(in.boxed()));
        return s;
    }

    @Override
    public Object merge(Object into, Object other) {
        if (other == null) {
            return into;
        }
        HashSet<Object> s = into == null ? new HashSet<>(set(other).size() * 2) : set(into);
        s.addAll(set(other));
        return s;
    }

    @Override
    public void result(Object ir, boolean windowHasEvents, FeatureVector out, int index, long eventTime) {
        out.setLong(index, ir == null ? 0 : set(ir).size(), eventTime);
    }

    @Override
    public void write(Object ir, ByteWriter out) {
        List<Object> values = new ArrayList<>(set(ir));
        values.sort(CountDistinctAggregator::compareValues);
        out.writeVarLong(values.size());
        for (Object v : values) {
            ValueCodec.write(v, out);
        }
    }

    /** {@code v} as distinct-value functions count it: -0.0 becomes 0.0 (equal numbers are one value). */
    static Object distinctValue(Object v) {
        return v instanceof Double d && d == 0.0 ? (Object) 0.0 : v;
    }

    static int compareValues(Object a, Object b) {
        if (a.getClass() != b.getClass()) {
            return a.getClass().getName().compareTo(b.getClass().getName());
        }
        @SuppressWarnings("unchecked")
        Comparable<Object> ca = (Comparable<Object>) a;
        return ca.compareTo(b);
    }

    @Override
    public Object read(ByteReader in) {
        int n = in.readLength();
        HashSet<Object> s = new HashSet<>(n * 2);
        for (int i = 0; i < n; i++) {
            s.add(distinctValue(ValueCodec.read(in))); // states written before -0.0 was folded into 0.0
        }
        return s;
    }

    @Override
    public long sizeBytes(Object ir) {
        long bytes = 64;
        for (Object v : set(ir)) {
            bytes += 40 + ValueCodec.sizeBytes(v);
        }
        return bytes;
    }
}
