package dev.freshet.aggregation.ir;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;

/**
 * first / last over numeric inputs. IR: [has, event time, arrival seq, value]. Order is
 * (event time, arrival seq): among events with the same event time, arrival order decides.
 * The reported timestamp is the chosen event's own time.
 */
public final class FirstLastNumberAggregator implements SlotAggregator {
    public static final FirstLastNumberAggregator FIRST_LONG = new FirstLastNumberAggregator(false, true);
    public static final FirstLastNumberAggregator LAST_LONG = new FirstLastNumberAggregator(true, true);
    public static final FirstLastNumberAggregator FIRST_DOUBLE = new FirstLastNumberAggregator(false, false);
    public static final FirstLastNumberAggregator LAST_DOUBLE = new FirstLastNumberAggregator(true, false);

    private final boolean last;
    private final boolean integral;

    private FirstLastNumberAggregator(boolean last, boolean integral) {
        this.last = last;
        this.integral = integral;
    }

    @Override
    public int width() {
        return 4;
    }

    @Override
    public void init(long[] s, int o) {
        s[o] = 0;
        s[o + 1] = 0;
        s[o + 2] = 0;
        s[o + 3] = 0;
    }

    @Override
    public void update(long[] s, int o, InputCell in, long eventTime, long seq) {
        if (last && !integral) {
            lastDouble(s, o, eventTime, seq, in.d);
        } else {
            accept(s, o, eventTime, seq, integral ? in.l : Double.doubleToRawLongBits(in.d));
        }
    }

    private void accept(long[] s, int o, long ts, long seq, long v) {
        if (s[o] == 0 || wins(ts, seq, s[o + 1], s[o + 2])) {
            s[o] = 1;
            s[o + 1] = ts;
            s[o + 2] = seq;
            s[o + 3] = v;
        }
    }

    /** last over float64, as a static for the per-event fast path. */
    public static void lastDouble(long[] s, int o, long ts, long seq, double v) {
        if (s[o] == 0 || ts > s[o + 1] || (ts == s[o + 1] && seq > s[o + 2])) {
            s[o] = 1;
            s[o + 1] = ts;
            s[o + 2] = seq;
            s[o + 3] = Double.doubleToRawLongBits(v);
        }
    }

    private boolean wins(long ts, long seq, long curTs, long curSeq) {
        int c = ts != curTs ? Long.compare(ts, curTs) : Long.compare(seq, curSeq);
        return last ? c > 0 : c < 0;
    }

    @Override
    public void merge(long[] dst, int d, long[] src, int so) {
        if (src[so] != 0) {
            accept(dst, d, src[so + 1], src[so + 2], src[so + 3]);
        }
    }

    @Override
    public void result(long[] s, int o, boolean windowHasEvents, FeatureVector out, int index, long eventTime) {
        if (s[o] == 0) {
            out.setAbsent(index, windowHasEvents ? Status.NULL_VALUE : Status.NOT_FOUND, eventTime);
        } else if (integral) {
            out.setLong(index, s[o + 3], s[o + 1]);
        } else {
            out.setDouble(index, Double.longBitsToDouble(s[o + 3]), s[o + 1]);
        }
    }
}
