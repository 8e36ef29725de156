package dev.freshet.aggregation.ir;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * last_n: up to {@code n} most recent values, most recent first, ordered by (event time, arrival seq).
 * IR: parallel arrays kept sorted newest-first, at most {@code n} long.
 */
public final class LastNAggregator implements ObjectAggregator {
    private final int n;

    public LastNAggregator(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("last_n needs n >= 1, got " + n);
        }
        this.n = n;
    }

    /** Mutable IR, newest first. */
    static final class Recent {
        final long[] times;
        final long[] seqs;
        final Object[] values;
        int size;

        Recent(int n) {
            times = new long[n];
            seqs = new long[n];
            values = new Object[n];
        }
    }

    private static boolean newer(long ts, long seq, long ts2, long seq2) {
        return ts != ts2 ? ts > ts2 : seq > seq2;
    }

    private Recent offer(Recent r, long ts, long seq, Object v) {
        int pos = r.size;
        while (pos > 0 && newer(ts, seq, r.times[pos - 1], r.seqs[pos - 1])) {
            pos--;
        }
        if (pos >= n) {
            return r;
        }
        int last = Math.min(r.size, n - 1);
        System.arraycopy(r.times, pos, r.times, pos + 1, last - pos);
        System.arraycopy(r.seqs, pos, r.seqs, pos + 1, last - pos);
        System.arraycopy(r.values, pos, r.values, pos + 1, last - pos);
        r.times[pos] = ts;
        r.seqs[pos] = seq;
        r.values[pos] = v;
        r.size = Math.min(r.size + 1, n);
        return r;
    }

    @Override
    public Object update(Object ir, InputCell in, long eventTime, long seq) {
        Recent r = ir == null ? new Recent(n) : (Recent) ir;
        return offer(r, eventTime, seq, in.boxed());
    }

    @Override
    public Object merge(Object into, Object other) {
        if (other == null) {
            return into;
        }
        Recent o = (Recent) other;
        Recent r = into == null ? new Recent(n) : (Recent) into;
        for (int i = 0; i < o.size; i++) {
            offer(r, o.times[i], o.seqs[i], o.values[i]);
        }
        return r;
    }

    @Override
    public void result(Object ir, boolean windowHasEvents, FeatureVector out, int index, long eventTime) {
        if (ir == null) {
            out.setAbsent(index, windowHasEvents ? Status.NULL_VALUE : Status.NOT_FOUND, eventTime);
            return;
        }
        Recent r = (Recent) ir;
        List<Object> values = new ArrayList<>(r.size);
        for (int i = 0; i < r.size; i++) {
            values.add(r.values[i]);
        }
        out.setObject(index, Collections.unmodifiableList(values), r.times[0]);
    }

    @Override
    public void write(Object ir, ByteWriter out) {
        Recent r = (Recent) ir;
        out.writeVarLong(r.size);
        for (int i = 0; i < r.size; i++) {
            out.writeLong(r.times[i]).writeLong(r.seqs[i]);
            ValueCodec.write(r.values[i], out);
        }
    }

    @Override
    public Object read(ByteReader in) {
        int size = in.readLength();
        Recent r = new Recent(n);
        for (int i = 0; i < size; i++) {
            long ts = in.readLong();
            long seq = in.readLong();
            offer(r, ts, seq, ValueCodec.read(in));
        }
        return r;
    }

    @Override
    public long sizeBytes(Object ir) {
        Recent r = (Recent) ir;
        long bytes = 48 + 20L * n;
        for (int i = 0; i < r.size; i++) {
            bytes += ValueCodec.sizeBytes(r.values[i]);
        }
        return bytes;
    }
}
