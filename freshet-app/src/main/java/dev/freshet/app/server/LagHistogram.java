package dev.freshet.app.server;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.Arrays;

/**
 * A histogram of lags in milliseconds with fixed bucket bounds, filled by one writer (the engine
 * thread) a chunk of events per call and read by scrapes; both hold its monitor, once per chunk and
 * once per scrape, so a snapshot's count, sum and buckets always agree. Negative lags (clock skew
 * between producer and server) count as 0.
 */
final class LagHistogram {
    /** Upper bounds (inclusive, ms) of the finite buckets; a last bucket takes everything above. */
    static final long[] BOUNDS_MS = {1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1_000, 1_500,
            2_000, 3_000, 5_000, 7_500, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000};
    private static final double[] BOUNDS_SECONDS = upperBoundsSeconds();

    private final long[] counts = new long[BOUNDS_MS.length + 1];
    private long sumMillis;

    private static double[] upperBoundsSeconds() {
        double[] b = new double[BOUNDS_MS.length + 1];
        for (int i = 0; i < BOUNDS_MS.length; i++) {
            b[i] = BOUNDS_MS[i] / 1000.0;
        }
        b[BOUNDS_MS.length] = Double.POSITIVE_INFINITY;
        return b;
    }

    /** The bucket of a lag: the first whose bound is at least it. */
    static int bucket(long lagMillis) {
        int i = Arrays.binarySearch(BOUNDS_MS, lagMillis);
        return i >= 0 ? i : -i - 1;
    }

    /** Records {@code visibleAt - times[i]} for the first {@code n} times. */
    synchronized void recordLags(long visibleAt, long[] times, int n) {
        long previous = Long.MIN_VALUE;
        int b = 0;
        for (int i = 0; i < n; i++) {
            long lag = Math.max(0, visibleAt - times[i]);
            if (lag != previous) { // a chunk's events mostly share their accept time
                b = bucket(lag);
                previous = lag;
            }
            counts[b]++;
            sumMillis += lag;
        }
    }

    synchronized HistogramDataPointSnapshot snapshot(Labels labels) {
        return HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS_SECONDS, counts.clone()))
                .sum(sumMillis / 1000.0)
                .labels(labels)
                .build();
    }
}
