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
}
