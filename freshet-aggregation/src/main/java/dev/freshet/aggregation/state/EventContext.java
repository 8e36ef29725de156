package dev.freshet.aggregation.state;

import dev.freshet.aggregation.ir.InputCell;
import dev.freshet.aggregation.plan.FeatureDef;

/**
 * The current event as the aggregators see it: evaluated inputs, filter outcomes, event time and
 * arrival sequence. One instance per table, refilled for every event.
 */
public final class EventContext {
    public final InputCell[] cells;
    public final boolean[] filterPass;
    public long eventTime;
    public long seq;

    public EventContext(int inputs, int filters) {
        cells = new InputCell[inputs];
        for (int i = 0; i < inputs; i++) {
            cells[i] = new InputCell();
        }
        filterPass = new boolean[filters];
    }

    /** True when feature {@code f} takes this event: its filter passes and its input is not null. */
    public boolean accepts(FeatureDef f) {
        return (f.filter() < 0 || filterPass[f.filter()]) && (f.input() < 0 || !cells[f.input()].isNull);
    }

    /** The input cell of feature {@code f} (count has none and gets a shared empty cell). */
    public InputCell cell(FeatureDef f, InputCell none) {
        return f.input() < 0 ? none : cells[f.input()];
    }
}
