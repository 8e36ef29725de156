package dev.freshet.aggregation.ir;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import java.lang.foreign.MemorySegment;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * approx_percentile with Apache DataSketches KLL. Result: the smallest retained value whose
 * (inclusive) normalized rank is at least the requested percentile; exact while a window holds
 * fewer than {@code k} values, and within the sketch's rank error (about 1.65% at k = 200) beyond.
 * Empty → NOT_FOUND / NULL_VALUE.
 */
public final class KllPercentileAggregator implements ObjectAggregator {
    private final int k;
    private final double percentile;

    public KllPercentileAggregator(int k, double percentile) {
        if (!(percentile >= 0.0 && percentile <= 1.0)) {
            throw new IllegalArgumentException("percentile must be in [0, 1], got " + percentile);
        }
        this.k = k;
        this.percentile = percentile;
    }

    @Override
    public Object update(Object ir, InputCell in, long eventTime, long seq) {
        KllDoublesSketch s = ir == null ? KllDoublesSketch.newHeapInstance(k) : (KllDoublesSketch) ir;
        s.update(in.d);
        return s;
    }

    @Override
    public Object merge(Object into, Object other) {
        if (other == null) {
            return into;
        }
        KllDoublesSketch s = into == null ? KllDoublesSketch.newHeapInstance(k) : (KllDoublesSketch) into;
        s.merge((KllDoublesSketch) other);
        return s;
    }

    @Override
    public void result(Object ir, boolean windowHasEvents, FeatureVector out, int index, long eventTime) {
        KllDoublesSketch s = (KllDoublesSketch) ir;
        if (s == null || s.isEmpty()) {
            out.setAbsent(index, windowHasEvents ? Status.NULL_VALUE : Status.NOT_FOUND, eventTime);
        } else {
            out.setDouble(index, s.getQuantile(percentile, QuantileSearchCriteria.INCLUSIVE), eventTime);
        }
    }

    @Override
    public void write(Object ir, ByteWriter out) {
        out.writeBytes(((KllDoublesSketch) ir).toByteArray());
    }

    /**
     * Heapifies the serialized sketch as it was (merging it into a fresh sketch instead would reorder
     * level 0 and may re-compact, so a restored table would encode and read differently).
     */
    @Override
    public Object read(ByteReader in) {
        return KllDoublesSketch.heapify(MemorySegment.ofArray(in.readBytes()));
    }

    @Override
    public long sizeBytes(Object ir) {
        KllDoublesSketch s = (KllDoublesSketch) ir;
        return 96 + 8L * Math.max(s.getNumRetained(), 8);
    }
}
