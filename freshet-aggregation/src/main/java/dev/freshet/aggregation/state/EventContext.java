package dev.freshet.aggregation.state;

import dev.freshet.aggregation.ir.InputCell;

/**
 * The current event as the aggregators see it: evaluated inputs, filter outcomes, event time and
 * arrival sequence. One instance per table, refilled for every event.
 */
public final class EventContext {
    public final InputCell[] cells;
    public final boolean[] filterPass;
    public long eventTime;
    public long seq;
    /** Batch rows: the created timestamp breaking event-time ties (Long.MIN_VALUE if the source has none). */
    public long created = Long.MIN_VALUE;

    public EventContext(int inputs, int filters) {
        cells = new InputCell[inputs];
        for (int i = 0; i < inputs; i++) {
            cells[i] = new InputCell();
        }
        filterPass = new boolean[filters];
    }
}
