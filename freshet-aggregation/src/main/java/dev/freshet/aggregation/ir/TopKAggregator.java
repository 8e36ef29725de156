package dev.freshet.aggregation.ir;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.codec.CorruptStateException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.common.Family;

/**
 * top_k: the {@code k} most frequent values (as strings), most frequent first, ties by value.
 * The IR is a {@link FrequentItems} summary of {@code 3/4 · max(64, 16k)} (map size rounded up to a
 * power of two) entries: exact while the window holds at most that many distinct values; beyond, the
 * top {@code k} by estimate, each estimate at most {@code N / ((capacity + 1) / 2 + 1)} above the
 * true count of the window's {@code N} values (docs/AGGREGATION.md). State, merges and answers depend on the summary's contents only, so a
 * decoded checkpoint, or the same tiles merged in either order, reads the same.
 *
 * <p>Checkpoint image: the one Apache DataSketches' frequent-items sketch
 * ({@code FrequentItemsSketch.toByteArray(ArrayOfStringsSerDe)}) writes, made canonical (items in
 * value order, the current-map-size byte the smallest table the library would size for them), which
 * is what earlier versions wrote: their images decode here, and a state within the exact range
 * encodes byte for byte as they encoded it. An entry may hold a count of 0 here (the library never
 * writes one; its decoder would skip the entry, still a valid state).
 */
public final class TopKAggregator implements ObjectAggregator {
    private static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();
    private static final int PRE_LONGS_EMPTY = 1;
    private static final int PRE_LONGS_FULL = 4;
    private static final int SER_VER = 1;
    private static final int FLAGS_EMPTY = 5;
    private static final int EMPTY_FLAG_MASK = 4;

    private final int k;
    private final int lgMapSize;
    private final int capacity;

    public TopKAggregator(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top_k needs k >= 1, got " + k);
        }
        this.k = k;
        int mapSize = Integer.highestOneBit(Math.max(64, 16 * k) - 1) << 1;
        this.lgMapSize = Integer.numberOfTrailingZeros(mapSize);
        this.capacity = mapSize / 4 * 3;
    }

    /** Most entries a state keeps (3/4 of the map size): the exact range in distinct values. */
    public int capacity() {
        return capacity;
    }

    @Override
    public Object update(Object ir, InputCell in, long eventTime, long seq) {
        FrequentItems s = ir == null ? new FrequentItems(capacity, 1) : (FrequentItems) ir;
        s.update(String.valueOf(CountDistinctAggregator.distinctValue(in.boxed())));
        return s;
    }

    @Override
    public Object merge(Object into, Object other) {
        if (other == null) {
            return into;
        }
        FrequentItems o = (FrequentItems) other;
        FrequentItems s = into == null ? new FrequentItems(capacity, o.size) : (FrequentItems) into;
        s.merge(o);
        return s;
    }

    @Override
    public long touch(Object ir) {
        FrequentItems s = (FrequentItems) ir;
        return s.items.length + s.counts.length;
    }

    @Override
    public Object recycle(Object ir) {
        FrequentItems s = (FrequentItems) ir;
        s.clear();
        return s;
    }

    @Override
    public void result(Object ir, boolean windowHasEvents, FeatureVector out, int index, long eventTime) {
        if (ir == null || ((FrequentItems) ir).size == 0) {
            out.setAbsent(index, windowHasEvents ? Status.NULL_VALUE : Status.NOT_FOUND, eventTime);
            return;
        }
        FrequentItems s = (FrequentItems) ir;
        int[] top = s.top(k);
        List<Object> items = new ArrayList<>(top.length);
        for (int e : top) {
            items.add(s.items[e]);
        }
        out.setObject(index, List.copyOf(items), eventTime);
    }

    /**
     * Image layout (little-endian): preamble long 0 = bytes [pre longs (1 empty, 4), serial version 1,
     * family, lg max map size, lg current map size, flags (5 empty, 0), 0, 0]; when not empty long 1 the
     * entry count (0 only in a state of the previous version that a library purge emptied), long 2 the weight, long 3 the offset, then the counts, then the items (each an int
     * byte length and its UTF-8 bytes), both in item order.
     */
    @Override
    public void write(Object ir, ByteWriter out) {
        out.writeBytes(image((FrequentItems) ir));
    }

    byte[] image(FrequentItems s) {
        if (s.size == 0 && s.weight == 0) {
            byte[] image = new byte[Long.BYTES];
            header(image, PRE_LONGS_EMPTY, 3, FLAGS_EMPTY);
            return image;
        }
        int[] order = s.byItem();
        String[] sorted = new String[s.size];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = s.items[order[i]];
        }
        byte[] itemBytes = SERDE.serializeToByteArray(sorted);
        int preBytes = PRE_LONGS_FULL * Long.BYTES;
        byte[] image = new byte[preBytes + s.size * Long.BYTES + itemBytes.length];
        // the table the library's decoder sizes: the smallest (>= 8 slots, <= max) whose 3/4 load holds the items
        int lgCur = 3;
        while (lgCur < lgMapSize && (1L << lgCur) * 0.75 < s.size) {
            lgCur++;
        }
        header(image, PRE_LONGS_FULL, lgCur, 0);
        MemorySegment seg = MemorySegment.ofArray(image);
        seg.set(ValueLayout.JAVA_LONG_UNALIGNED, Long.BYTES, s.size);
        seg.set(ValueLayout.JAVA_LONG_UNALIGNED, 2 * Long.BYTES, s.weight);
        seg.set(ValueLayout.JAVA_LONG_UNALIGNED, 3 * Long.BYTES, s.offset);
        for (int i = 0; i < order.length; i++) {
            seg.set(ValueLayout.JAVA_LONG_UNALIGNED, preBytes + (long) i * Long.BYTES, s.counts[order[i]]);
        }
        System.arraycopy(itemBytes, 0, image, preBytes + s.size * Long.BYTES, itemBytes.length);
        return image;
    }

    private void header(byte[] image, int preLongs, int lgCur, int flags) {
        image[0] = (byte) preLongs;
        image[1] = SER_VER;
        image[2] = (byte) Family.FREQUENCY.getID();
        image[3] = (byte) lgMapSize;
        image[4] = (byte) lgCur;
        image[5] = (byte) flags;
    }

    @Override
    public Object read(ByteReader in) {
        return fromImage(in.readBytes());
    }

    /**
     * Decodes an image of {@link #write} or of an earlier version (a library image). A state with more
     * entries than this aggregator keeps (an image of a larger map) is purged as a merge would.
     */
    FrequentItems fromImage(byte[] image) {
        if (image.length < Long.BYTES) {
            throw new CorruptStateException("top_k state of " + image.length + " bytes");
        }
        int preLongs = image[0] & 0x3F;
        if (image[1] != SER_VER || (image[2] & 0xFF) != Family.FREQUENCY.getID()) {
            throw new CorruptStateException("top_k state is not a frequent-items image (serial version "
                    + image[1] + ", family " + (image[2] & 0xFF) + ")");
        }
        boolean empty = (image[5] & EMPTY_FLAG_MASK) != 0;
        if (preLongs == PRE_LONGS_EMPTY && empty) {
            return new FrequentItems(capacity, 1);
        }
        int preBytes = PRE_LONGS_FULL * Long.BYTES;
        if (preLongs != PRE_LONGS_FULL || empty || image.length < preBytes) {
            throw new CorruptStateException("top_k state: bad preamble (" + preLongs + " longs, flags " + image[5]
                    + ", " + image.length + " bytes)");
        }
        MemorySegment seg = MemorySegment.ofArray(image);
        long active = seg.get(ValueLayout.JAVA_LONG_UNALIGNED, Long.BYTES) & 0xFFFF_FFFFL;
        long weight = seg.get(ValueLayout.JAVA_LONG_UNALIGNED, 2 * Long.BYTES);
        long offset = seg.get(ValueLayout.JAVA_LONG_UNALIGNED, 3 * Long.BYTES);
        // each entry takes at least its count and an item length
        if (active > (image.length - preBytes) / (Long.BYTES + Integer.BYTES) || weight < 0 || offset < 0) {
            throw new CorruptStateException("top_k state: " + active + " entries, weight " + weight + ", offset " + offset
                    + " in " + image.length + " bytes");
        }
        int n = (int) active;
        String[] items;
        long itemBytes;
        try {
            items = SERDE.deserializeFromMemorySegment(seg, preBytes + (long) n * Long.BYTES, n);
            itemBytes = SERDE.sizeOf(seg, preBytes + (long) n * Long.BYTES, n);
        } catch (RuntimeException e) {
            throw new CorruptStateException("top_k state: truncated items (" + e.getMessage() + ")");
        }
        if (preBytes + (long) n * Long.BYTES + itemBytes != image.length) {
            throw new CorruptStateException("top_k state: " + image.length + " bytes for " + n + " entries of "
                    + itemBytes + " item bytes");
        }
        FrequentItems s = new FrequentItems(capacity, Math.max(1, n));
        for (int i = 0; i < n; i++) {
            long count = seg.get(ValueLayout.JAVA_LONG_UNALIGNED, preBytes + (long) i * Long.BYTES);
            if (count < 0 || !s.addDecoded(items[i], count)) {
                throw new CorruptStateException("top_k state: entry " + i + " has count " + count + " or repeats its item");
            }
        }
        s.weight = weight;
        s.offset = offset;
        if (s.size > capacity) {
            s.purge(capacity);
        }
        return s;
    }

    @Override
    public long sizeBytes(Object ir) {
        return ((FrequentItems) ir).sizeBytes();
    }
}
