package dev.freshet.aggregation.state;

import java.util.Arrays;

/**
 * Per-reader scratch for read-time merges: one tile-shaped accumulator plus per-feature "window has
 * events" and "latest event time" trackers. Reused across reads; not thread-safe. The object results
 * of one read (merged sketches) stay here and are emptied for the next read, not reallocated.
 */
public final class ReadScratch {
    final long[] tile;
    final Object[] objects;
    final long[] events;
    final long[] maxTime;

    ReadScratch(int stride, int objects, int features) {
        this.tile = new long[stride];
        this.objects = new Object[objects];
        this.events = new long[features];
        this.maxTime = new long[features];
    }

    void reset(TileLayout layout) {
        layout.initReadAccumulator(tile, objects);
        Arrays.fill(events, 0);
        Arrays.fill(maxTime, Long.MIN_VALUE);
    }

    void finish(TileLayout layout, dev.freshet.aggregation.FeatureVector out) {
        for (int i = 0; i < events.length; i++) {
            if (!out.wants(layout.vectorIndex(i))) {
                continue; // not merged either (see FeatureVector#wants)
            }
            boolean has = events[i] > 0;
            layout.result(i, tile, 0, objects, 0, has, out,
                    has ? maxTime[i] : dev.freshet.aggregation.FeatureVector.NO_TIMESTAMP);
        }
    }
}
