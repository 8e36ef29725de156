package dev.freshet.aggregation.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.codec.CorruptStateException;
import dev.freshet.testkit.Seeds;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.FrequentItemsSketch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * top_k's IR: exact (equal to a brute-force count, ties by value) while the distinct values fit its
 * capacity, whatever the split into parts and the merge order; beyond, a function of its contents —
 * a codec round trip, merging in either order or from copies with other table layouts give the same
 * bytes and answers — within its documented error bound, never empty; and its images are the ones
 * earlier (DataSketches-based) versions wrote, which still decode.
 */
class TopKAggregatorTest {
    private static final int[] KS = {1, 2, 3, 5, 8};
    private static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();

    static LongStream seeds() {
        return Seeds.of(0x70BC, 12);
    }

    private static Object update(TopKAggregator a, Object ir, String value) {
        return a.update(ir, new InputCell().setObject(value), 0, 0);
    }

    private static Object build(TopKAggregator a, List<String> values) {
        Object ir = null;
        for (String v : values) {
            ir = update(a, ir, v);
        }
        return ir;
    }

    private static byte[] bytes(TopKAggregator a, Object ir) {
        ByteWriter w = new ByteWriter();
        a.write(ir, w);
        return w.toByteArray();
    }

    private static Object decode(TopKAggregator a, byte[] bytes) {
        return a.read(new ByteReader(bytes));
    }

    private static Object roundTrip(TopKAggregator a, Object ir) {
        return decode(a, bytes(a, ir));
    }

    private static Object copy(TopKAggregator a, Object ir) {
        return a.merge(null, ir);
    }

    private static Object result(TopKAggregator a, Object ir) {
        FeatureVector out = new FeatureVector(1);
        a.result(ir, true, out, 0, 7);
        return out.status(0) == Status.PRESENT ? out.value(0) : out.status(0);
    }

    /** The exact top k: count descending, then value ascending. */
    private static List<String> exactTopK(List<String> values, int k) {
        Map<String, Long> freq = frequencies(values);
        List<String> items = new ArrayList<>(freq.keySet());
        items.sort(Comparator.<String>comparingLong(s -> -freq.get(s)).thenComparing(Comparator.naturalOrder()));
        return List.copyOf(items.subList(0, Math.min(k, items.size())));
    }

    private static Map<String, Long> frequencies(List<String> values) {
        Map<String, Long> freq = new HashMap<>();
        for (String v : values) {
            freq.merge(v, 1L, Long::sum);
        }
        return freq;
    }

    /** Values over {@code distinct} names, skewed so counts differ and tie, including "" and non-ASCII. */
    private static List<String> stream(SplittableRandom r, int n, int distinct) {
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int v = r.nextInt(3) == 0 ? r.nextInt(distinct) : (int) Math.floor(distinct * Math.pow(r.nextDouble(), 3));
            values.add(switch (v % 7) {
                case 0 -> v == 0 ? "" : "v" + v;
                case 1 -> "é" + v;
                case 2 -> "\uD83D\uDE00" + v;
                default -> "v" + v;
            });
        }
        return values;
    }

    /** Splits {@code values} into 1..parts parts: contiguous runs (tiles) or a random assignment. */
    private static List<List<String>> split(SplittableRandom r, List<String> values, int parts) {
        int m = r.nextInt(1, parts + 1);
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            out.add(new ArrayList<>());
        }
        boolean contiguous = r.nextBoolean();
        for (int i = 0; i < values.size(); i++) {
            out.get(contiguous ? (int) ((long) i * m / values.size()) : r.nextInt(m)).add(values.get(i));
        }
        return out;
    }

    /** Merges the parts' states in a random order, into null or as a random binary tree; some sides round-tripped. */
    private static Object mergeRandomly(TopKAggregator a, SplittableRandom r, List<List<String>> parts) {
        List<Object> states = new ArrayList<>();
        for (List<String> p : parts) {
            Object s = build(a, p);
            states.add(s != null && r.nextBoolean() ? roundTrip(a, s) : s);
        }
        if (r.nextBoolean()) {
            Object acc = null;
            while (!states.isEmpty()) {
                acc = a.merge(acc, states.remove(r.nextInt(states.size())));
            }
            return acc;
        }
        while (states.size() > 1) {
            Object x = states.remove(r.nextInt(states.size()));
            Object y = states.remove(r.nextInt(states.size()));
            states.add(a.merge(x == null ? null : copy(a, x), y));
        }
        return states.getFirst();
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void whileTheDistinctValuesFitItIsExactForEverySplitAndMergeOrder(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int k : KS) {
            TopKAggregator a = new TopKAggregator(k);
            for (int round = 0; round < 6; round++) {
                int distinct = r.nextInt(1, a.capacity() + 1);
                List<String> values = stream(r, r.nextInt(1, 600), distinct);
                Object sequential = build(a, values);
                byte[] expected = bytes(a, sequential);
                List<String> exact = exactTopK(values, k);
                assertEquals(exact, result(a, sequential), "seed " + seed + " k " + k);
                assertArrayEquals(expected, bytes(a, roundTrip(a, sequential)));
                assertEquals(exact, result(a, roundTrip(a, sequential)));
                for (int trial = 0; trial < 4; trial++) {
                    Object merged = mergeRandomly(a, r, split(r, values, 12));
                    assertArrayEquals(expected, bytes(a, merged), "merged state, seed " + seed + " k " + k);
                    assertEquals(exact, result(a, merged));
                }
            }
        }
    }

    /** Within the exact range, the image is the one the previous (library-based) code wrote, byte for byte. */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void exactStatesEncodeAsTheLibraryBasedVersionDid(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int k : KS) {
            TopKAggregator a = new TopKAggregator(k);
            int distinct = r.nextInt(1, a.capacity() + 1);
            List<String> values = stream(r, r.nextInt(1, 800), distinct);
            FrequentItemsSketch<String> library = librarySketch(a, values);
            byte[] image = a.image((FrequentItems) build(a, values));
            assertArrayEquals(previousVersionImage(library), image, "seed " + seed + " k " + k);
            // and the library reads it as the sketch it is
            FrequentItemsSketch<String> decoded = FrequentItemsSketch.getInstance(MemorySegment.ofArray(image), SERDE);
            assertEquals(rows(library), rows(decoded));
        }
    }

    private static FrequentItemsSketch<String> librarySketch(TopKAggregator a, List<String> values) {
        FrequentItemsSketch<String> s = new FrequentItemsSketch<>(a.capacity() / 3 * 4);
        for (String v : values) {
            s.update(v);
        }
        return s;
    }

    private static List<String> rows(FrequentItemsSketch<String> s) {
        List<String> out = new ArrayList<>();
        for (FrequentItemsSketch.Row<String> row : s.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES)) {
            out.add(row.getItem() + "=" + row.getLowerBound() + ".." + row.getUpperBound());
        }
        out.sort(null);
        out.add("weight " + s.getStreamLength() + " error " + s.getMaximumError());
        return out;
    }

    /** The previous version's write: the library image, items sorted, current map size as the decoder picks it. */
    private static byte[] previousVersionImage(FrequentItemsSketch<String> sketch) {
        byte[] image = sketch.toByteArray(SERDE);
        MemorySegment seg = MemorySegment.ofArray(image);
        int preBytes = (image[0] & 0x3F) * Long.BYTES;
        if (preBytes < 4 * Long.BYTES) {
            return image;
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

    /**
     * Past the exact range: round trips, merges in either order and merges of copies with other
     * table layouts give identical bytes and answers, and keep doing so as more events arrive.
     */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void beyondTheExactRangeTheStateDependsOnItsContentsOnly(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int k : KS) {
            TopKAggregator a = new TopKAggregator(k);
            int distinct = a.capacity() * r.nextInt(2, 30);
            List<String> x = stream(r, r.nextInt(500, 5_000), distinct);
            List<String> y = stream(r, r.nextInt(1, 5_000), distinct);
            Object sx = build(a, x);
            Object sy = build(a, y);
            Object dx = roundTrip(a, sx);
            Object dy = roundTrip(a, sy);
            assertArrayEquals(bytes(a, sx), bytes(a, dx));
            assertEquals(result(a, sx), result(a, dx));
            byte[] xy = bytes(a, a.merge(copy(a, sx), sy));
            assertArrayEquals(xy, bytes(a, a.merge(copy(a, sy), sx)), "merge order, seed " + seed + " k " + k);
            assertArrayEquals(xy, bytes(a, a.merge(copy(a, dy), dx)));
            assertArrayEquals(xy, bytes(a, a.merge(roundTrip(a, sx), dy)));
            assertArrayEquals(xy, bytes(a, a.merge(a.merge(null, dx), sy)));
            assertEquals(result(a, a.merge(copy(a, sx), sy)), result(a, a.merge(copy(a, dy), dx)));
            // the decoded state keeps evolving exactly like the original
            List<String> tail = stream(r, 3_000, distinct);
            for (int i = 0; i < tail.size(); i++) {
                sx = update(a, sx, tail.get(i));
                dx = update(a, dx, tail.get(i));
                if (i % 97 == 0) {
                    assertArrayEquals(bytes(a, sx), bytes(a, dx), "after " + i + " more events");
                    dx = roundTrip(a, dx);
                }
            }
            assertArrayEquals(bytes(a, sx), bytes(a, dx));
            assertEquals(result(a, sx), result(a, dx));
            assertArrayEquals(bytes(a, a.merge(copy(a, sx), sy)), bytes(a, a.merge(copy(a, dy), dx)));
        }
    }

    /**
     * Every state, after any updates and merges, bounds every value's true frequency f:
     * count ≤ f ≤ count + E with E ≤ N / ((C+1)/2 + 1), lists min(k, entries) values (never none), and
     * lists x before y whenever f(x) > f(y) + E.
     */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void errorBoundHoldsAndTheListIsNeverEmpty(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int k : KS) {
            TopKAggregator a = new TopKAggregator(k);
            int c = a.capacity();
            for (int round = 0; round < 3; round++) {
                int distinct = r.nextInt(1, c * 20);
                List<String> values = stream(r, r.nextInt(1, 8_000), distinct);
                Object ir = r.nextBoolean() ? build(a, values) : mergeRandomly(a, r, split(r, values, 16));
                FrequentItems s = (FrequentItems) ir;
                Map<String, Long> freq = frequencies(values);
                long n = values.size();
                assertEquals(n, s.weight);
                assertTrue(s.offset <= n / ((c + 1) / 2 + 1), "offset " + s.offset + " for " + n + " events");
                assertTrue(s.size <= c);
                if (freq.size() <= c) {
                    assertEquals(0, s.offset);
                }
                for (Map.Entry<String, Long> e : freq.entrySet()) {
                    long count = Math.max(0, s.countOf(e.getKey()));
                    assertTrue(count <= e.getValue() && e.getValue() <= count + s.offset,
                            e.getKey() + ": " + count + " + " + s.offset + " vs " + e.getValue());
                }
                @SuppressWarnings("unchecked")
                List<String> listed = (List<String>) result(a, ir);
                assertEquals(Math.min(k, s.size), listed.size());
                assertFalse(listed.isEmpty());
                for (int i = 0; i < listed.size(); i++) {
                    for (String other : freq.keySet()) {
                        if (!listed.subList(0, i + 1).contains(other)) {
                            assertFalse(freq.get(other) > freq.get(listed.get(i)) + s.offset,
                                    other + " (" + freq.get(other) + ") ranks after " + listed.get(i));
                        }
                    }
                }
            }
        }
    }

    /**
     * A busy window of flat frequencies: every value equally often, far more values than the map holds.
     * The library's provable-only answer is empty here; this one lists k values, the same after a round trip.
     */
    @Test
    void flatFrequenciesBusyWindowListsKValues() {
        for (int k : KS) {
            TopKAggregator a = new TopKAggregator(k);
            int distinct = a.capacity() * 10;
            List<String> values = new ArrayList<>();
            for (int rep = 0; rep < 3; rep++) {
                for (int i = 0; i < distinct; i++) {
                    values.add("m" + i);
                }
            }
            FrequentItemsSketch<String> library = librarySketch(a, values);
            assertEquals(0, library.getFrequentItems(ErrorType.NO_FALSE_POSITIVES).length, "the gap this closes");
            Object ir = build(a, values);
            Object listed = result(a, ir);
            assertTrue(listed instanceof List<?> l && l.size() == k, "k " + k + ": " + listed);
            assertEquals(listed, result(a, roundTrip(a, ir)));
            // distinct values arriving once each (a purge of all-equal counts)
            Object once = build(a, values.subList(0, distinct));
            assertTrue(result(a, once) instanceof List<?> l && l.size() == k);
        }
    }

    /** Images of the previous version past the exact range (library purges) decode to the same entries and re-encode as they were. */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void previousVersionImagesDecode(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int k : KS) {
            TopKAggregator a = new TopKAggregator(k);
            List<String> values = stream(r, r.nextInt(1, 6_000), a.capacity() * r.nextInt(1, 20));
            FrequentItemsSketch<String> library = librarySketch(a, values);
            byte[] old = previousVersionImage(library);
            ByteWriter w = new ByteWriter();
            w.writeBytes(old);
            FrequentItems s = (FrequentItems) decode(a, w.toByteArray());
            assertEquals(library.getNumActiveItems(), s.size);
            assertEquals(library.getMaximumError(), s.offset);
            assertEquals(library.getStreamLength(), s.weight);
            for (FrequentItemsSketch.Row<String> row : library.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES)) {
                assertEquals(row.getLowerBound(), s.countOf(row.getItem()));
            }
            assertArrayEquals(old, a.image(s), "seed " + seed + " k " + k);
        }
        // A library purge of equal counts empties a sketch (it then read an empty list): that image
        // decodes to a state of no entries, read as NULL_VALUE, and re-encodes as it was.
        TopKAggregator a = new TopKAggregator(2);
        List<String> once = new ArrayList<>();
        for (int i = 0; i < 49; i++) {
            once.add("m" + i);
        }
        FrequentItemsSketch<String> emptied = librarySketch(a, once);
        assertEquals(0, emptied.getNumActiveItems());
        byte[] old = previousVersionImage(emptied);
        FrequentItems ir = a.fromImage(old);
        assertEquals(Status.NULL_VALUE, result(a, ir));
        assertArrayEquals(old, a.image(ir));
        assertEquals(List.of("x"), result(a, update(a, ir, "x")));
        // a never-updated sketch's image (preamble only) decodes too
        FrequentItemsSketch<String> fresh = new FrequentItemsSketch<>(64);
        assertArrayEquals(fresh.toByteArray(SERDE), a.image(a.fromImage(fresh.toByteArray(SERDE))));
    }

    @Test
    void readsCorruptImagesAsCorrupt() {
        TopKAggregator a = new TopKAggregator(3);
        byte[] image = a.image((FrequentItems) build(a, List.of("a", "b", "b", "c")));
        for (int cut = 0; cut < image.length; cut++) {
            byte[] truncated = Arrays.copyOf(image, cut);
            assertThrows(CorruptStateException.class, () -> a.fromImage(truncated), "cut at " + cut);
        }
        byte[] longer = Arrays.copyOf(image, image.length + 1);
        assertThrows(CorruptStateException.class, () -> a.fromImage(longer));
        byte[] family = image.clone();
        family[2] = 7;
        assertThrows(CorruptStateException.class, () -> a.fromImage(family));
        byte[] negative = image.clone();
        MemorySegment.ofArray(negative).set(ValueLayout.JAVA_LONG_UNALIGNED, 32, -1L);
        assertThrows(CorruptStateException.class, () -> a.fromImage(negative));
        byte[] repeated = a.image((FrequentItems) build(a, List.of("a", "b")));
        repeated[repeated.length - 1] = 'a';
        assertThrows(CorruptStateException.class, () -> a.fromImage(repeated));
    }

    @Test
    void emptyAndNullStatesReadAbsent() {
        TopKAggregator a = new TopKAggregator(2);
        FeatureVector out = new FeatureVector(1);
        a.result(null, false, out, 0, 1);
        assertEquals(Status.NOT_FOUND, out.status(0));
        a.result(null, true, out, 0, 1);
        assertEquals(Status.NULL_VALUE, out.status(0));
        Object ir = build(a, List.of("a", "b", "a"));
        assertEquals(List.of("a", "b"), result(a, ir));
        Object recycled = a.recycle(copy(a, ir));
        assertEquals(Status.NULL_VALUE, result(a, recycled));
        assertArrayEquals(bytes(a, ir), bytes(a, a.merge(recycled, ir)));
        assertNull(a.merge(null, null));
    }

    /**
     * Once a state's arrays have grown to its capacity, updates allocate nothing: of present values,
     * of new values, and the purges they trigger (the previous sketch allocated on every purge).
     */
    @Test
    void steadyStateUpdatesAllocateNothing() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        TopKAggregator a = new TopKAggregator(5);
        SplittableRandom r = new SplittableRandom(42);
        InputCell[] inputs = new InputCell[4096];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = new InputCell().setObject("m-" + r.nextInt(1_000));
        }
        Object ir = null;
        for (int i = 0; i < 200_000; i++) {
            ir = a.update(ir, inputs[i & 4095], i, i);
        }
        long offsetBefore = ((FrequentItems) ir).offset;
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 200_000; i++) {
            ir = a.update(ir, inputs[i & 4095], i, i);
        }
        long allocated = bean.getCurrentThreadAllocatedBytes() - before;
        assertTrue(((FrequentItems) ir).offset > offsetBefore, "the loop purged");
        assertTrue(allocated < 1_024, allocated + " bytes allocated by 200,000 updates");
    }
}
