package dev.freshet.testkit;

import java.util.Arrays;

/**
 * An event of a generated stream.
 *
 * @param seq     arrival sequence (position in the log), strictly increasing in arrival order
 * @param arrival accept time (available_at), non-decreasing in arrival order
 * @param values  field values by schema index (null = missing)
 */
public record TestEvent(long seq, long arrival, Object[] values) {
    public Object get(int index) {
        return values[index];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TestEvent e && e.seq == seq && e.arrival == arrival && Arrays.equals(e.values, values);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seq);
    }

    @Override
    public String toString() {
        return "TestEvent{seq=" + seq + ", arrival=" + arrival + ", values=" + Arrays.toString(values) + "}";
    }
}
