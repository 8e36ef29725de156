package dev.freshet.engine.embedded;

import dev.freshet.aggregation.watermark.DropReason;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one source's streaming driver carries across a restart besides its views' tile tables:
 * together with them, enough to resume exactly where the checkpoint was taken.
 *
 * @param source        source name
 * @param nextOffset    next log offset to apply (every offset below it is in the state)
 * @param clock         the driver's clock: the latest accept time or clock advance it has seen
 *                      ({@link Long#MIN_VALUE} before the first)
 * @param appliedEvents events applied to the tiles so far
 * @param maxEventTimes per partition, the max accepted event time ({@link Long#MIN_VALUE} if none);
 *                      the watermark is this minus the allowed lateness
 * @param drops         dropped events per reason
 * @param held          accepted events whose event time the clock has not yet passed, in
 *                      (event time, seq) order
 */
record DriverState(String source, long nextOffset, long clock, long appliedEvents, long[] maxEventTimes,
                   Map<DropReason, Long> drops, List<HeldEvent> held) {
    DriverState {
        Objects.requireNonNull(source, "source");
        maxEventTimes = maxEventTimes.clone();
        EnumMap<DropReason, Long> d = new EnumMap<>(DropReason.class);
        d.putAll(drops);
        drops = Collections.unmodifiableMap(d);
        held = List.copyOf(held);
    }

    /**
     * An event held for its time.
     *
     * @param seq       its log offset
     * @param eventTime its due time: the event time for stream events, one ms less for batch rows (SourceDriver#dueTime)
     * @param record    its log record ({@link RowCodec}; carries accept time, partition and values)
     */
    record HeldEvent(long seq, long eventTime, byte[] record) {
        @Override
        public boolean equals(Object o) {
            return o instanceof HeldEvent h && h.seq == seq && h.eventTime == eventTime && Arrays.equals(h.record, record);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(seq) * 31 + Arrays.hashCode(record);
        }

        @Override
        public String toString() {
            return "HeldEvent[seq=" + seq + ", eventTime=" + eventTime + ", " + record.length + " bytes]";
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DriverState s && s.source.equals(source) && s.nextOffset == nextOffset && s.clock == clock
                && s.appliedEvents == appliedEvents && Arrays.equals(s.maxEventTimes, maxEventTimes)
                && s.drops.equals(drops) && s.held.equals(held);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, nextOffset, clock, appliedEvents, Arrays.hashCode(maxEventTimes), drops, held);
    }

    @Override
    public String toString() {
        return "DriverState[source=" + source + ", nextOffset=" + nextOffset + ", clock=" + clock + ", appliedEvents="
                + appliedEvents + ", maxEventTimes=" + Arrays.toString(maxEventTimes) + ", drops=" + drops
                + ", held=" + held + "]";
    }
}
