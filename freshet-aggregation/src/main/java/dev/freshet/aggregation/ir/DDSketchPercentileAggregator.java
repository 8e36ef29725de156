package dev.freshet.aggregation.ir;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.Bin;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.Store;
import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.codec.CorruptStateException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.function.Supplier;

/**
 * approx_percentile with DataDog's DDSketch (sketches-java): a value {@code x} is counted in the bin
 * {@code ceil(log_γ |x|)} of its sign, {@code γ = (1 + α) / (1 − α)}, and a bin reads back as a value
 * within {@code α·|x|} of every value it holds. No randomness anywhere: update and merge only add
 * counts, so equal inputs (same events, same merge order) give bit-identical state and results on
 * every path, and the state is mergeable and order-insensitive (bins are sums).
 *
 * <p><b>Result.</b> For the window's {@code n} values sorted ascending, {@code x_0 <= ... <= x_(n-1)},
 * the exact answer for quantile {@code q} is the lower quantile {@code x_r}, {@code r = floor(q·(n−1))}
 * (with {@code q·(n−1)} evaluated in double arithmetic): q = 0 is the minimum, q = 1 the maximum,
 * q = 0.5 of an even count the lower median. The result is the value of the bin holding {@code x_r}:
 * <ul>
 *   <li>within {@code α·|x_r|} of {@code x_r} (up to floating-point rounding), for
 *       {@code |x_r|} between the mapping's smallest and largest indexable magnitudes (about
 *       2.3e-308 and 1.78e308 at α = 1%), provided {@code |x_r|} is at least about 10^-12 times the
 *       largest magnitude of the same sign in the window (see <i>Memory</i>);</li>
 *   <li>exactly {@code 0.0} when {@code x_r} is ±0.0 or of smaller magnitude than the smallest
 *       indexable one (such values are counted as zero);</li>
 *   <li>exactly {@code ±Infinity} for infinite inputs (counted beside the sketch); finite
 *       magnitudes above the largest indexable one are counted as it (within 2α);</li>
 *   <li>NaN inputs are ignored like nulls (as {@link InputCell} already does).</li>
 * </ul>
 * Empty window → NOT_FOUND; events but no value → NULL_VALUE.
 *
 * <p><b>Memory.</b> Each sign has a dense store of at most {@code ceil(ln(10^12) / ln γ)} bins
 * (1,382 at α = 1%), i.e. 12 decades of magnitude below the largest one seen; when values span more,
 * the lowest-magnitude bins collapse into the lowest kept one (those values read too large in
 * magnitude). A store allocates only the bin range it has seen, 8 bytes per bin in steps of 64 bins;
 * up to {@value #SMALL_MAX} values a state keeps just their bins, 8 bytes each (see {@link State}).
 *
 * <p><b>Encoding</b> (canonical: a function of the bin counts only, not of the store's array
 * layout or history, so decode → encode reproduces the bytes; α and the bin limit come from the
 * view's parameters, which the checkpoint's view fingerprint pins):
 * <pre>
 *   varint   negative infinities
 *   varint   positive infinities
 *   varint   zero count
 *   negative store, then positive store, each:
 *     varint   number of non-empty bins b (at most the bin limit)
 *     b × (zigzag varint index − previous index (the first: index − 0), varint count ≥ 1),
 *          indexes strictly increasing, spanning at most the bin limit
 * </pre>
 */
public final class DDSketchPercentileAggregator implements ObjectAggregator {
    /** Magnitudes a store covers below the largest one before collapsing: 12 decades. */
    static final double DYNAMIC_RANGE = 1e12;
    /** Largest count decoded: counts are kept as doubles, exact up to 2^53. */
    private static final long MAX_COUNT = 1L << 53;

    private final double percentile;
    private final IndexMapping mapping;
    private final int maxNumBins;
    private final Supplier<Store> stores;
    private final double maxValue;
    private final int minIndex;
    private final int maxIndex;
    /** Magnitudes at or below it count as zero, exactly as {@link DDSketch#accept(double)} decides. */
    private final double minIndexedValue;

    /**
     * @param percentile       quantile q in [0, 1]
     * @param relativeAccuracy α in (0, 1); the model accepts [0.001, 0.1]
     */
    public DDSketchPercentileAggregator(double percentile, double relativeAccuracy) {
        if (!(percentile >= 0.0 && percentile <= 1.0)) {
            throw new IllegalArgumentException("percentile must be in [0, 1], got " + percentile);
        }
        if (!(relativeAccuracy > 0.0 && relativeAccuracy < 1.0)) {
            throw new IllegalArgumentException("relative_accuracy must be in (0, 1), got " + relativeAccuracy);
        }
        this.percentile = percentile;
        this.mapping = new LogarithmicMapping(relativeAccuracy);
        this.maxNumBins = maxNumBins(relativeAccuracy);
        int bins = maxNumBins;
        this.stores = () -> new CollapsingLowestDenseStore(bins);
        this.maxValue = mapping.maxIndexableValue();
        this.minIndex = mapping.index(mapping.minIndexableValue());
        this.maxIndex = mapping.index(maxValue);
        this.minIndexedValue = Math.max(0.0, mapping.minIndexableValue());
    }

    /** Bins per sign for relative accuracy α: enough to span {@link #DYNAMIC_RANGE}. */
    static int maxNumBins(double relativeAccuracy) {
        double gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
        return (int) Math.ceil(Math.log(DYNAMIC_RANGE) / Math.log(gamma));
    }

    /**
     * The IR: the finite values plus exact counts of the infinite ones. Never empty. A state starts
     * <i>small</i>: up to {@link #SMALL_MAX} finite values kept as their bins ({@code (index << 2) |
     * sign}, sign 0 = zero, 1 = positive, 2 = negative), which is what the sketch would record for
     * them. Past that it holds the DDSketch itself. Both forms describe the same bin counts, so they
     * answer, merge and encode identically; a tile of a few events then costs a few dozen bytes
     * instead of a dense store of hundreds of bins, and an update is an append.
     */
    static final class State {
        /** The sketch once the state is large; null while small. */
        DDSketch sketch;
        /**
         * The sketch's positive-value store, where nearly every update goes: held here so an update
         * reaches it without loading the sketch (one dependent cache miss fewer per cold tile).
         */
        Store positive;
        long[] bins;
        int size;
        long negativeInfinities;
        long positiveInfinities;

        long finiteCount() {
            return sketch == null ? size : (long) sketch.getCount();
        }

        long count() {
            return negativeInfinities + positiveInfinities + finiteCount();
        }
    }

    /** Finite values a state keeps as a bin list before it becomes a DDSketch. */
    static final int SMALL_MAX = 32;
    private static final int ZERO = 0;
    private static final int POSITIVE = 1;
    private static final int NEGATIVE = 2;

    private DDSketch newSketch() {
        return new DDSketch(mapping, stores);
    }

    /** The bin of a finite value within the indexable range, as {@link DDSketch#accept(double)} files it. */
    private long binOf(double v) {
        if (v > minIndexedValue) {
            return (long) mapping.index(v) << 2 | POSITIVE;
        } else if (v < -minIndexedValue) {
            return (long) mapping.index(-v) << 2 | NEGATIVE;
        }
        return ZERO;
    }

    private static void setSketch(State q, DDSketch sketch) {
        q.sketch = sketch;
        q.positive = sketch == null ? null : sketch.getPositiveValueStore();
    }

    private static void addBin(DDSketch sketch, long bin, double count) {
        int index = (int) (bin >> 2);
        switch ((int) (bin & 3)) {
            case POSITIVE -> sketch.getPositiveValueStore().add(index, count);
            case NEGATIVE -> sketch.getNegativeValueStore().add(index, count);
            default -> sketch.accept(0.0, count);
        }
    }

    /** Records one finite value's bin, turning the state into a sketch when the list is full. */
    private void addBin(State q, long bin) {
        if (q.positive != null && (bin & 3) == POSITIVE) {
            q.positive.add((int) (bin >> 2), 1);
        } else if (q.sketch != null) {
            addBin(q.sketch, bin, 1);
        } else if (q.size == SMALL_MAX) {
            addBin(toSketch(q), bin, 1);
        } else {
            if (q.bins == null) {
                q.bins = new long[4];
            } else if (q.size == q.bins.length) {
                q.bins = Arrays.copyOf(q.bins, Math.min(SMALL_MAX, q.size * 2));
            }
            q.bins[q.size++] = bin;
        }
    }

    /** Turns a state into its large form (if it is not already) and returns its sketch. */
    private DDSketch toSketch(State q) {
        if (q.sketch == null) {
            setSketch(q, sketchOf(q));
            q.bins = null;
            q.size = 0;
        }
        return q.sketch;
    }

    /** The state's finite values as a sketch: its own when large, else a new one built from its bins. */
    private DDSketch sketchOf(State q) {
        if (q.sketch != null) {
            return q.sketch;
        }
        DDSketch s = newSketch();
        for (int i = 0; i < q.size; i++) {
            addBin(s, q.bins[i], 1);
        }
        return s;
    }

    /** The state and its bin list, or the state and its positive-value store (not its bin array). */
    @Override
    public long touch(Object ir) {
        State q = (State) ir;
        if (q.positive != null) {
            return q.positive.isEmpty() ? 0 : 1;
        }
        return q.bins == null ? 0 : q.bins[0];
    }

    @Override
    public Object update(Object ir, InputCell in, long eventTime, long seq) {
        double v = in.d;
        if (Double.isNaN(v)) {
            return ir;
        }
        State q = ir == null ? new State() : (State) ir;
        if (v == Double.NEGATIVE_INFINITY) {
            q.negativeInfinities++;
        } else if (v == Double.POSITIVE_INFINITY) {
            q.positiveInfinities++;
        } else {
            addBin(q, binOf(Math.max(-maxValue, Math.min(maxValue, v))));
        }
        return q;
    }

    @Override
    public Object merge(Object into, Object other) {
        if (other == null) {
            return into;
        }
        State o = (State) other;
        State q = into == null ? new State() : (State) into;
        if (o.sketch != null) {
            toSketch(q).mergeWith(o.sketch); // reads o's stores, never writes them
        } else {
            for (int i = 0; i < o.size; i++) {
                addBin(q, o.bins[i]);
            }
        }
        q.negativeInfinities += o.negativeInfinities;
        q.positiveInfinities += o.positiveInfinities;
        return q;
    }

    /**
     * Keeps the state and its sketch's store arrays (a 24-hour read of a busy card merges hundreds of
     * bins per sign, which a fresh store would grow into by repeated copies on every read).
     */
    @Override
    public Object recycle(Object ir) {
        State q = (State) ir;
        if (q.sketch != null && !q.sketch.isEmpty()) {
            q.sketch.clear();
        }
        q.size = 0;
        q.negativeInfinities = 0;
        q.positiveInfinities = 0;
        return q;
    }

    @Override
    public void result(Object ir, boolean windowHasEvents, FeatureVector out, int index, long eventTime) {
        State q = (State) ir;
        if (q == null || q.count() == 0) {
            out.setAbsent(index, windowHasEvents ? Status.NULL_VALUE : Status.NOT_FOUND, eventTime);
        } else {
            out.setDouble(index, quantile(q), eventTime);
        }
    }

    /** The value of the bin holding the value of rank floor(q·(n−1)), walking bins in ascending value order. */
    private double quantile(State q) {
        DDSketch sketch = sketchOf(q);
        double rank = percentile * (q.count() - 1);
        long seen = q.negativeInfinities;
        if (seen > rank) {
            return Double.NEGATIVE_INFINITY;
        }
        Iterator<Bin> negative = sketch.getNegativeValueStore().getDescendingIterator();
        while (negative.hasNext()) {
            Bin bin = negative.next();
            seen += (long) bin.getCount();
            if (seen > rank) {
                return -mapping.value(bin.getIndex());
            }
        }
        seen += zeroCount(sketch);
        if (seen > rank) {
            return 0.0;
        }
        Iterator<Bin> positive = sketch.getPositiveValueStore().getAscendingIterator();
        while (positive.hasNext()) {
            Bin bin = positive.next();
            seen += (long) bin.getCount();
            if (seen > rank) {
                return mapping.value(bin.getIndex());
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    @Override
    public void write(Object ir, ByteWriter out) {
        State q = (State) ir;
        DDSketch sketch = sketchOf(q);
        out.writeVarLong(q.negativeInfinities).writeVarLong(q.positiveInfinities).writeVarLong(zeroCount(sketch));
        writeStore(sketch.getNegativeValueStore(), out);
        writeStore(sketch.getPositiveValueStore(), out);
    }

    private static long zeroCount(DDSketch sketch) {
        return (long) (sketch.getCount() - sketch.getNegativeValueStore().getTotalCount()
                - sketch.getPositiveValueStore().getTotalCount());
    }

    private static void writeStore(Store store, ByteWriter out) {
        int bins = 0;
        for (Iterator<Bin> it = store.getAscendingIterator(); it.hasNext(); ) {
            if (it.next().getCount() > 0) {
                bins++;
            }
        }
        out.writeVarLong(bins);
        long previous = 0;
        for (Iterator<Bin> it = store.getAscendingIterator(); it.hasNext(); ) {
            Bin bin = it.next();
            if (bin.getCount() > 0) {
                long delta = bin.getIndex() - previous;
                out.writeVarLong((delta << 1) ^ (delta >> 63)).writeVarLong((long) bin.getCount());
                previous = bin.getIndex();
            }
        }
    }

    @Override
    public Object read(ByteReader in) {
        State q = new State();
        setSketch(q, newSketch());
        q.negativeInfinities = count(in, "negative infinity count", 0);
        q.positiveInfinities = count(in, "positive infinity count", 0);
        long zeros = count(in, "zero count", 0);
        long total = q.negativeInfinities + q.positiveInfinities + zeros;
        total += readStore(in, q.sketch.getNegativeValueStore(), "negative");
        total += readStore(in, q.sketch.getPositiveValueStore(), "positive");
        if (total == 0 || total > MAX_COUNT) {
            throw new CorruptStateException("approx_percentile sketch holds " + total + " values at offset " + in.position());
        }
        if (zeros > 0) {
            q.sketch.accept(0.0, zeros);
        }
        return small(q);
    }

    private static long count(ByteReader in, String what, long min) {
        long c = in.readVarLong();
        if (c < min || c > MAX_COUNT) {
            throw new CorruptStateException("approx_percentile " + what + " " + Long.toUnsignedString(c)
                    + " out of range at offset " + in.position());
        }
        return c;
    }

    /** Reads one store's bins into {@code store}; returns their total count. */
    private long readStore(ByteReader in, Store store, String sign) {
        long bins = in.readVarLong();
        if (bins < 0 || bins > maxNumBins) {
            throw new CorruptStateException("approx_percentile " + sign + " store of " + Long.toUnsignedString(bins)
                    + " bins (limit " + maxNumBins + ") at offset " + in.position());
        }
        long total = 0;
        long index = 0;
        long first = 0;
        for (long b = 0; b < bins; b++) {
            long zigzag = in.readVarLong();
            long delta = (zigzag >>> 1) ^ -(zigzag & 1);
            long next = index + delta;
            boolean increasing = b == 0 || (delta > 0 && next > index);
            if (!increasing || next < minIndex || next > maxIndex) {
                throw new CorruptStateException("approx_percentile " + sign + " bin index " + next
                        + " out of order or range at offset " + in.position());
            }
            index = next;
            if (b == 0) {
                first = index;
            } else if (index - first >= maxNumBins) {
                throw new CorruptStateException("approx_percentile " + sign + " bins span more than " + maxNumBins
                        + " at offset " + in.position());
            }
            long c = count(in, sign + " bin count", 1);
            total += c;
            if (total > MAX_COUNT) {
                throw new CorruptStateException("approx_percentile " + sign + " store holds too many values at offset "
                        + in.position());
            }
            store.add((int) index, (double) c);
        }
        return total;
    }

    /** A decoded state of at most {@link #SMALL_MAX} finite values in its small form, as updates would have left it. */
    private State small(State q) {
        if (q.finiteCount() > SMALL_MAX) {
            return q;
        }
        long[] bins = new long[Math.max(4, (int) q.finiteCount())];
        int n = 0;
        for (long z = zeroCount(q.sketch); z > 0; z--) {
            bins[n++] = ZERO;
        }
        n = appendBins(q.sketch.getPositiveValueStore(), POSITIVE, bins, n);
        n = appendBins(q.sketch.getNegativeValueStore(), NEGATIVE, bins, n);
        setSketch(q, null);
        q.bins = bins;
        q.size = n;
        return q;
    }

    private static int appendBins(Store store, int sign, long[] bins, int n) {
        for (Iterator<Bin> it = store.getAscendingIterator(); it.hasNext(); ) {
            Bin bin = it.next();
            for (long c = 0; c < (long) bin.getCount(); c++) {
                bins[n++] = (long) bin.getIndex() << 2 | sign;
            }
        }
        return n;
    }

    @Override
    public long sizeBytes(Object ir) {
        State q = (State) ir;
        if (q.sketch == null) {
            return 40 + (q.bins == null ? 0 : 16 + 8L * q.bins.length);
        }
        return 160 + storeBytes(q.sketch.getNegativeValueStore()) + storeBytes(q.sketch.getPositiveValueStore());
    }

    /** The dense store's array: its index range rounded up to the growth step of 64 bins, capped at the limit. */
    private long storeBytes(Store store) {
        if (store.isEmpty()) {
            return 0;
        }
        long range = (long) store.getMaxIndex() - store.getMinIndex() + 1;
        return 16 + 8L * Math.min(maxNumBins, (range / 64 + 1) * 64);
    }
}
