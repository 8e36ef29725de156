package dev.freshet.aggregation.ir;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
        s.update(String.valueOf(CountDistinctAggregator.distinctValue(in.boxed())));
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

    /**
     * The library's image made canonical: the library lists the active items in hash-table order and
     * records the current table size, both of which depend on the insertion history, so equal
     * sketches (e.g. a decoded copy, whose table the library sizes to fit) would encode differently.
     * Here items are sorted and the table size is the one the library's decoder picks. The image
     * stays a valid library image, so {@link #read} needs no conversion.
     */
    @Override
    public void write(Object ir, ByteWriter out) {
        out.writeBytes(canonical(sketch(ir).toByteArray(SERDE)));
    }

    /**
     * Image layout: preamble longs (byte 3 lg max map size, byte 4 lg current map size, long 1 the
     * active item count), the counts, then the items.
     */
    private static byte[] canonical(byte[] image) {
        MemorySegment seg = MemorySegment.ofArray(image);
        int preBytes = (image[0] & 0x3F) * Long.BYTES;
        if (preBytes < 4 * Long.BYTES) {
            return image; // empty sketch: preamble only
        }
        int active = (int) seg.get(ValueLayout.JAVA_LONG_UNALIGNED, Long.BYTES);
        long[] counts = new long[active];
        for (int i = 0; i < active; i++) {
            counts[i] = seg.get(ValueLayout.JAVA_LONG_UNALIGNED, preBytes + (long) i * Long.BYTES);
        }
        String[] items = SERDE.deserializeFromMemorySegment(seg, preBytes + (long) active * Long.BYTES, active);
        Integer[] order = new Integer[active];
        for (int i = 0; i < active; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparing(i -> items[i]));
        String[] sortedItems = new String[active];
        byte[] out = Arrays.copyOf(image, preBytes + active * Long.BYTES);
        // The decoder's table: the smallest (>= 8 slots, <= max) whose 3/4 load holds the items.
        int lgMax = image[3];
        int lgCur = 3;
        while (lgCur < lgMax && (1L << lgCur) * 0.75 < active) {
            lgCur++;
        }
        out[4] = (byte) lgCur;
        MemorySegment o = MemorySegment.ofArray(out);
        for (int i = 0; i < active; i++) {
            sortedItems[i] = items[order[i]];
            o.set(ValueLayout.JAVA_LONG_UNALIGNED, preBytes + (long) i * Long.BYTES, counts[order[i]]);
        }
        byte[] itemBytes = SERDE.serializeToByteArray(sortedItems);
        byte[] result = Arrays.copyOf(out, out.length + itemBytes.length);
        System.arraycopy(itemBytes, 0, result, out.length, itemBytes.length);
        return result;
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
