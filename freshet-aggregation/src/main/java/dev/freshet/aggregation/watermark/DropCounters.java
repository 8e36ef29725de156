package dev.freshet.aggregation.watermark;

import java.util.EnumMap;
import java.util.Map;

/** Count of dropped events per reason. Single writer; reads of a snapshot may lag. */
public final class DropCounters {
    private final long[] counts = new long[DropReason.values().length];

    public void increment(DropReason reason) {
        counts[reason.ordinal()]++;
    }

    public long get(DropReason reason) {
        return counts[reason.ordinal()];
    }

    public long total() {
        long t = 0;
        for (long c : counts) {
            t += c;
        }
        return t;
    }

    public Map<DropReason, Long> snapshot() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            m.put(r, counts[r.ordinal()]);
        }
        return m;
    }
}
