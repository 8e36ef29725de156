package dev.freshet.aggregation.state;

/** What {@link TileTable#apply} did with an event. */
public enum ApplyOutcome {
    APPLIED,
    /** A join-key field is null: the event has no entity and is not applied. */
    NULL_KEY,
    /** The event-time field is null. */
    NULL_EVENT_TIME
}
