package dev.freshet.engine.embedded;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The engine's copy of the events a {@link dev.freshet.engine.SourceDriver} holds for their time,
 * kept as log records so a checkpoint can carry them. It mirrors the driver's own rule exactly: an
 * event is held when its verdict is HELD and released once the driver's clock passes its event
 * time ({@code event_time < clock}). The engine checks {@link #size()} against the driver's
 * {@code heldCount()} after every step. Engine thread only.
 */
final class HeldEvents {
    private static final Comparator<DriverState.HeldEvent> ORDER =
            Comparator.comparingLong(DriverState.HeldEvent::eventTime).thenComparingLong(DriverState.HeldEvent::seq);
    private final PriorityQueue<DriverState.HeldEvent> queue = new PriorityQueue<>(ORDER);

    void add(long seq, long eventTime, byte[] record) {
        queue.add(new DriverState.HeldEvent(seq, eventTime, record));
    }

    /** Drops every event the driver applies when its clock reaches {@code clock}. */
    void releaseBefore(long clock) {
        releaseBefore(clock, null);
    }

    /** As {@link #releaseBefore(long)}, telling {@code released} each event's record. */
    void releaseBefore(long clock, Consumer<DriverState.HeldEvent> released) {
        while (!queue.isEmpty() && queue.peek().eventTime() < clock) {
            DriverState.HeldEvent e = queue.poll();
            if (released != null) {
                released.accept(e);
            }
        }
    }

    /** Whether moving the clock to {@code clock} would release anything. */
    boolean anyBefore(long clock) {
        return !queue.isEmpty() && queue.peek().eventTime() < clock;
    }

    /** Smallest held event time, or {@link Long#MAX_VALUE} if none. */
    long minEventTime() {
        return queue.isEmpty() ? Long.MAX_VALUE : queue.peek().eventTime();
    }

    int size() {
        return queue.size();
    }

    void clear() {
        queue.clear();
    }

    /** The held events in (event time, seq) order. */
    List<DriverState.HeldEvent> sorted() {
        List<DriverState.HeldEvent> list = new ArrayList<>(queue);
        list.sort(ORDER);
        return list;
    }
}
