package dev.freshet.engine;

import dev.freshet.aggregation.watermark.DropReason;

/** What the driver did with one offered event. */
public enum Verdict {
    /** Applied to every view's state now. */
    APPLIED(null),
    /** Accepted; its event time is not yet in the past, so it is held and applied once the clock passes it. */
    HELD(null),
    LATE(DropReason.LATE),
    TOO_FAR_IN_FUTURE(DropReason.TOO_FAR_IN_FUTURE),
    NULL_KEY(DropReason.NULL_KEY),
    NULL_EVENT_TIME(DropReason.NULL_EVENT_TIME);

    private final DropReason dropReason;

    Verdict(DropReason dropReason) {
        this.dropReason = dropReason;
    }

    /** The drop reason, or null for accepted events. */
    public DropReason dropReason() {
        return dropReason;
    }

    public boolean accepted() {
        return dropReason == null;
    }
}
