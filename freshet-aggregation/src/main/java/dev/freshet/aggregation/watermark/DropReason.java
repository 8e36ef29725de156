package dev.freshet.aggregation.watermark;

/** Why an event was not applied. Every drop is counted per reason and kept in a dead-letter store. */
public enum DropReason {
    /** Older than (max event time seen in its partition - allowed lateness). */
    LATE,
    /** Event time further ahead of the accept time than the source's max future skew. */
    TOO_FAR_IN_FUTURE,
    /** A join-key field is null. */
    NULL_KEY,
    /** The event-time field is null. */
    NULL_EVENT_TIME,
    /** Fails schema validation (wrong type, missing required field, malformed). */
    INVALID
}
