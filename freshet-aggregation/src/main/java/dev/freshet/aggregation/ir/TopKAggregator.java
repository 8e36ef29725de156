package dev.freshet.aggregation.ir;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.FrequentItemsSketch;

/**
 * top_k: the {@code k} most frequent values (as strings), most frequent first, ties by value.
 * Apache DataSketches frequent-items sketch with a map of {@code max(64, 16k)} entries: exact while
 * the window holds fewer than 3/4 of that many distinct values, approximate (no false positives)
 * beyond.
 */
public final class TopKAggregator implements ObjectAggregator {
    private static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();

    private final int k;
    private final int mapSize;

    public TopKAggregator(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top_k needs k >= 1, got " + k);
        }
        this.k = k;
        this.mapSize = Integer.highestOneBit(Math.max(64, 16 * k) - 1) << 1;
    }

    @SuppressWarnings("unchecked")
    private static FrequentItemsSketch<String> sketch(Object ir) {
        return (FrequentItemsSketch<String>) ir;
    }

    @Override
    public Object update(Object ir, InputCell in, long eventTime, long seq) {
        FrequentItemsSketch<String> s = ir == null ? new FrequentItemsSketch<>(mapSize) : sketch(ir);
        s.update(String.valueOf(in.boxed()));
        return s;
    }

    @Override
    public Object merge(Object into, Object other) {
        if (other == null) {
            return into;
        }
        FrequentItemsSketch<String> s = into == null ? new FrequentItemsSketch<>(mapSize) : sketch(into);
        return s.merge(sketch(other));
    }

    @Override
    public void result(Object ir, boolean windowHasEvents, FeatureVector out, int index, long eventTime) {
        if (ir == null || sketch(ir).isEmpty()) {
            out.setAbsent(index, windowHasEvents ? Status.NULL_VALUE : Status.NOT_FOUND, eventTime);
            return;
        }
        FrequentItemsSketch.Row<String>[] rows = sketch(ir).getFrequentItems(ErrorType.NO_FALSE_POSITIVES);
        Arrays.sort(rows, Comparator.<FrequentItemsSketch.Row<String>>comparingLong(r -> -r.getEstimate())
                .thenComparing(FrequentItemsSketch.Row::getItem));
        List<Object> items = new ArrayList<>(Math.min(k, rows.length));
        for (int i = 0; i < rows.length && i < k; i++) {
            items.add(rows[i].getItem());
        }
        out.setObject(index, List.copyOf(items), eventTime);
    }

    @Override
    public void write(Object ir, ByteWriter out) {
        out.writeBytes(sketch(ir).toByteArray(SERDE));
    }

    @Override
    public Object read(ByteReader in) {
        return FrequentItemsSketch.getInstance(MemorySegment.ofArray(in.readBytes()), SERDE);
    }

    @Override
    public long sizeBytes(Object ir) {
        return 128 + 48L * sketch(ir).getCurrentMapCapacity();
    }
}
