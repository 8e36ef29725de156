package dev.freshet.testkit;

import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded random event streams with the awkward cases production sees: out-of-order arrivals, events
 * beyond allowed lateness, events from the (near) future, ties on event time, null fields, and
 * negative timestamps. Same seed, same stream. Times saturate at the ends of the {@code long} range
 * (a stream started near {@code Long.MAX_VALUE} piles its last arrivals up at it, one started near
 * {@code Long.MIN_VALUE} its earliest event times), so streams can run right up to both ends.
 */
public final class TestStreams {
    /** Schema of generated streams. */
    public static final Schema SCHEMA = Schema.of(
            Field.required("card_id", FieldType.STRING),
            Field.optional("merchant", FieldType.STRING),
            Field.optional("amount", FieldType.FLOAT64),
            Field.optional("qty", FieldType.INT64),
            Field.required("flag", FieldType.BOOL),
            Field.required("event_time", FieldType.TIMESTAMP));
    public static final int CARD = 0;
    public static final int MERCHANT = 1;
    public static final int AMOUNT = 2;
    public static final int QTY = 3;
    public static final int FLAG = 4;
    public static final int EVENT_TIME = 5;

    private TestStreams() {
    }

    /**
     * Generates {@code events} events over {@code keys} cards, in arrival order.
     *
     * @param start        first arrival time (may be negative)
     * @param meanGapMs    mean time between arrivals
     * @param maxDelayMs   usual out-of-orderness (event time = arrival - delay)
     * @param lateDelayMs  delay of the ~8% "very late" events (set above the allowed lateness to get drops)
     */
    public static List<TestEvent> generate(long seed, int events, int keys, long start, long meanGapMs,
                                           long maxDelayMs, long lateDelayMs) {
        SplittableRandom r = new SplittableRandom(seed);
        List<TestEvent> out = new ArrayList<>(events);
        long arrival = start;
        long lastEventTime = start;
        for (int i = 0; i < events; i++) {
            arrival = plus(arrival, r.nextLong(0, 2 * meanGapMs + 1));
            long eventTime;
            int kind = r.nextInt(100);
            if (kind < 5) {
                eventTime = lastEventTime; // tie with the previous event
            } else if (kind < 13) {
                eventTime = plus(arrival, -r.nextLong(lateDelayMs / 2, lateDelayMs + 1));
            } else if (kind < 16) {
                eventTime = plus(arrival, r.nextLong(0, Math.max(1, maxDelayMs))); // from the future
            } else {
                eventTime = plus(arrival, -r.nextLong(0, maxDelayMs + 1));
            }
            lastEventTime = eventTime;
            Object[] v = new Object[SCHEMA.size()];
            v[CARD] = "card-" + r.nextInt(keys);
            v[MERCHANT] = r.nextInt(10) == 0 ? null : "m" + r.nextInt(12);
            v[AMOUNT] = r.nextInt(10) == 0 ? null : Math.round(r.nextDouble(-50, 500) * 100) / 100.0;
            v[QTY] = r.nextInt(8) == 0 ? null : (long) r.nextInt(-3, 20);
            v[FLAG] = r.nextBoolean();
            v[EVENT_TIME] = eventTime;
            out.add(new TestEvent(i, arrival, v));
        }
        return out;
    }

    /** {@code a + b}, saturating at the ends of the long range. */
    private static long plus(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return b < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }
}
