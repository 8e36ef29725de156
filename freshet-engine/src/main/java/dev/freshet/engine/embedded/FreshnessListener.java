package dev.freshet.engine.embedded;

/**
 * Told when events become visible to reads, for freshness metrics (accept time → visible and event
 * time → visible). Called on the engine thread right after the events were applied, once per
 * applied chunk and once per held event released: keep it cheap and non-blocking. The array is
 * reused; read it before returning.
 */
@FunctionalInterface
public interface FreshnessListener {
    FreshnessListener NONE = (source, visibleAt, acceptTimes, eventTimes, count) -> { };

    /**
     * @param visibleAt   the engine clock when the events became visible (epoch ms)
     * @param acceptTimes each event's accept time ({@code available_at})
     * @param eventTimes  each event's event time
     * @param count       events in the arrays
     */
    void visible(String source, long visibleAt, long[] acceptTimes, long[] eventTimes, int count);

    /**
     * A logged batch was processed — its events applied and visible to reads, dropped, or held for
     * their event time. Lags on the monotonic clock ({@link System#nanoTime}), with the sub-millisecond
     * resolution epoch-millisecond accept times cannot give. Called on the engine thread.
     *
     * @param events                events in the batch
     * @param acceptToVisibleNanos  from stamping the batch's accept time (before the log write) to
     *                              visible
     * @param loggedToVisibleNanos  from the log having written the batch (applying does not wait
     *                              for its fsync) to visible: the engine's own part
     */
    default void batchProcessed(String source, int events, long acceptToVisibleNanos, long loggedToVisibleNanos) {
    }

    /**
     * Events of a live logged batch became visible to reads: one call per applied chunk (readers see
     * a chunk as soon as its write lock is released, before the rest of its batch), with the lag on
     * the monotonic clock from stamping the batch's accept time. Together the calls give the
     * per-event distribution of accept → visible at sub-millisecond resolution. Not called for log
     * replay, for dropped events, nor for events held for their event time (released later, they
     * are reported through {@link #visible}). Called on the engine thread.
     *
     * @param events               events of the chunk now visible
     * @param acceptToVisibleNanos from stamping the batch's accept time to visible
     */
    default void eventsVisible(String source, int events, long acceptToVisibleNanos) {
    }
}
