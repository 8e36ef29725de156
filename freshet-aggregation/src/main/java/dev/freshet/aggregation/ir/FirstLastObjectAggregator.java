package dev.freshet.aggregation.ir;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;

/** first / last over any value type; same ordering rule as {@link FirstLastNumberAggregator}. */
public final class FirstLastObjectAggregator implements ObjectAggregator {
    public static final FirstLastObjectAggregator FIRST = new FirstLastObjectAggregator(false);
    public static final FirstLastObjectAggregator LAST = new FirstLastObjectAggregator(true);

    private final boolean last;

    private FirstLastObjectAggregator(boolean last) {
        this.last = last;
    }

    /** Mutable IR: the chosen event's coordinates and value. */
    static final class Chosen {
        long eventTime;
        long seq;
        Object value;

        Chosen(long eventTime, long seq, Object value) {
            this.eventTime = eventTime;
            this.seq = seq;
            this.value = value;
        }
    }

    private boolean wins(long ts, long seq, Chosen cur) {
        int c = ts != cur.eventTime ? Long.compare(ts, cur.eventTime) : Long.compare(seq, cur.seq);
        return last ? c > 0 : c < 0;
    }

    private Chosen offer(Object ir, long ts, long seq, Object v) {
        Chosen cur = (Chosen) ir;
        if (cur == null) {
            return new Chosen(ts, seq, v);
        }
        if (wins(ts, seq, cur)) {
            cur.eventTime = ts;
            cur.seq = seq;
            cur.value = v;
        }
        return cur;
    }

    @Override
    public Object update(Object ir, InputCell in, long eventTime, long seq) {
        return offer(ir, eventTime, seq, in.boxed());
    }

    @Override
    public Object merge(Object into, Object other) {
        if (other == null) {
            return into;
        }
        Chosen o = (Chosen) other;
        return offer(into, o.eventTime, o.seq, o.value);
    }

    @Override
    public void result(Object ir, boolean windowHasEvents, FeatureVector out, int index, long eventTime) {
        if (ir == null) {
            out.setAbsent(index, windowHasEvents ? Status.NULL_VALUE : Status.NOT_FOUND, eventTime);
        } else {
            Chosen c = (Chosen) ir;
            out.setObject(index, c.value, c.eventTime);
        }
    }

    @Override
    public void write(Object ir, ByteWriter out) {
        Chosen c = (Chosen) ir;
        out.writeLong(c.eventTime).writeLong(c.seq);
        ValueCodec.write(c.value, out);
    }

    @Override
    public Object read(ByteReader in) {
        long ts = in.readLong();
        long seq = in.readLong();
        return new Chosen(ts, seq, ValueCodec.read(in));
    }

    @Override
    public long sizeBytes(Object ir) {
        return 32 + ValueCodec.sizeBytes(((Chosen) ir).value);
    }
}
