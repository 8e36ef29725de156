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
 * magnitude). A store allocates only the bin range it has seen, 8 bytes per bin in steps of 64 bins.
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
    }

    /** Bins per sign for relative accuracy α: enough to span {@link #DYNAMIC_RANGE}. */
    static int maxNumBins(double relativeAccuracy) {
        double gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
        return (int) Math.ceil(Math.log(DYNAMIC_RANGE) / Math.log(gamma));
    }

    /** The IR: the sketch of finite values plus exact counts of the infinite ones. Never empty. */
    static final class State {
        final DDSketch sketch;
        long negativeInfinities;
        long positiveInfinities;

        State(DDSketch sketch) {
            this.sketch = sketch;
        }

        long zeroCount() {
            return (long) (sketch.getCount() - sketch.getNegativeValueStore().getTotalCount()
                    - sketch.getPositiveValueStore().getTotalCount());
        }

        long count() {
            return negativeInfinities + positiveInfinities + (long) sketch.getCount();
        }
    }

    private State empty() {
        return new State(new DDSketch(mapping, stores));
    }

    @Override
    public Object update(Object ir, InputCell in, long eventTime, long seq) {
        double v = in.d;
        if (Double.isNaN(v)) {
            return ir;
        }
        State q = ir == null ? empty() : (State) ir;
        if (v == Double.NEGATIVE_INFINITY) {
            q.negativeInfinities++;
        } else if (v == Double.POSITIVE_INFINITY) {
            q.positiveInfinities++;
        } else {
            q.sketch.accept(Math.max(-maxValue, Math.min(maxValue, v)));
        }
        return q;
    }

    @Override
    public Object merge(Object into, Object other) {
        if (other == null) {
            return into;
        }
        State o = (State) other;
        State q = into == null ? empty() : (State) into;
        q.sketch.mergeWith(o.sketch); // reads o's stores, never writes them
        q.negativeInfinities += o.negativeInfinities;
        q.positiveInfinities += o.positiveInfinities;
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
        double rank = percentile * (q.count() - 1);
        long seen = q.negativeInfinities;
        if (seen > rank) {
            return Double.NEGATIVE_INFINITY;
        }
        Iterator<Bin> negative = q.sketch.getNegativeValueStore().getDescendingIterator();
        while (negative.hasNext()) {
            Bin bin = negative.next();
            seen += (long) bin.getCount();
            if (seen > rank) {
                return -mapping.value(bin.getIndex());
            }
        }
        seen += q.zeroCount();
        if (seen > rank) {
            return 0.0;
        }
        Iterator<Bin> positive = q.sketch.getPositiveValueStore().getAscendingIterator();
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
        out.writeVarLong(q.negativeInfinities).writeVarLong(q.positiveInfinities).writeVarLong(q.zeroCount());
        writeStore(q.sketch.getNegativeValueStore(), out);
        writeStore(q.sketch.getPositiveValueStore(), out);
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
        State q = empty();
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
        return q;
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

    @Override
    public long sizeBytes(Object ir) {
        State q = (State) ir;
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
