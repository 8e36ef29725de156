package dev.freshet.aggregation.watermark;

import java.util.Arrays;

/**
 * Per-partition watermarks for one source (DESIGN §3 "Lateness"): the watermark of a partition is
 * its max accepted event time minus the allowed lateness L. An event below it is late. Events are
 * judged in arrival order, so the verdict is deterministic for a given log. Pure and single-writer.
 */
public final class WatermarkTracker {
    private final long allowedLateness;
    private long[] maxEventTime;

    public WatermarkTracker(long allowedLatenessMillis, int partitions) {
        if (allowedLatenessMillis < 0) {
            throw new IllegalArgumentException("allowed lateness must be >= 0");
        }
        this.allowedLateness = allowedLatenessMillis;
        this.maxEventTime = new long[Math.max(1, partitions)];
        Arrays.fill(maxEventTime, Long.MIN_VALUE);
    }

    private void ensure(int partition) {
        if (partition >= maxEventTime.length) {
            int old = maxEventTime.length;
            maxEventTime = Arrays.copyOf(maxEventTime, partition + 1);
            Arrays.fill(maxEventTime, old, maxEventTime.length, Long.MIN_VALUE);
        }
    }

    /** The watermark of a partition; events strictly below it are late. */
    public long watermark(int partition) {
        ensure(partition);
        long max = maxEventTime[partition];
        if (max == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        long w = max - allowedLateness;
        return w > max ? Long.MIN_VALUE : w;
    }

    /** True when the event would be dropped as late. Does not change state. */
    public boolean isLate(int partition, long eventTime) {
        return eventTime < watermark(partition);
    }

    /** Records an accepted event's time (advances the partition's max). */
    public void observe(int partition, long eventTime) {
        ensure(partition);
        if (eventTime > maxEventTime[partition]) {
            maxEventTime[partition] = eventTime;
        }
    }

    /** Judges and, when on time, records an event in one step. Returns true if accepted. */
    public boolean offer(int partition, long eventTime) {
        if (isLate(partition, eventTime)) {
            return false;
        }
        observe(partition, eventTime);
        return true;
    }

    public long maxEventTime(int partition) {
        ensure(partition);
        return maxEventTime[partition];
    }

    public int partitions() {
        return maxEventTime.length;
    }

    public long allowedLateness() {
        return allowedLateness;
    }
}
