package dev.freshet.app.bench;

import dev.freshet.engine.EventBatch;
import dev.freshet.engine.embedded.RowCodec;
import dev.freshet.model.spec.Schema;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.storage.EventLog;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The data of {@code freshet bench training-set}: fraud events written once to the event log (what
 * Freshet builds from) and once to Parquet (what the DuckDB peer reads), and a spine of labelled
 * card transactions in Parquet.
 *
 * <p><b>Events</b> ({@link FraudEvents}, uniform cards, 24 h of event time) are given an accept
 * time ({@code available_at}) of event time + 0–5 ms, except 1% that arrive up to 60 s late (a
 * client that buffered them), and are logged in accept order with non-decreasing accept times, as
 * the embedded server writes them. 3% are refunds (negative amounts, which {@code amount_sum_1h}'s
 * filter excludes) and 1% have an event time on a whole minute (so hop boundaries are hit exactly).
 * No event is later than the source's allowed lateness or ahead of its future skew, so none is
 * dropped. The log offset of an event is its arrival order ({@code seq} in the Parquet file).
 *
 * <p><b>Spine</b> rows ({@code txn_id, card_id, ts, lat, lon, label}, in random order): 45% at a
 * uniformly random time from 10 min before the first event to 2 h after the last (so windows empty
 * out) for a random card; 30% a few ms around one event's event time (the {@code event_time < T}
 * edge); 10% around a late event's accept time (the {@code available_at <= T} edge); 10% at a
 * minute-aligned event's time plus a window length ± 1 ms (the {@code lo(T) <= event_time} edge);
 * 3% for cards that never had an event; 2% exactly on a 5-minute boundary.
 */
final class TrainingSetWorkload {
    /** 2026-01-01T00:00:00Z. */
    static final long START = 1_767_225_600_000L;
    static final long SPAN = 24L * 3600 * 1000;
    /** The largest arrival delay of a late event. */
    static final long MAX_DELAY = 60_000;
    private static final int APPEND_CHUNK = 8192;
    /** Window lengths the boundary rows aim at (those of the fraud view). */
    private static final long[] WINDOWS = {5 * 60_000L, 3600_000L, 24 * 3600_000L};

    /** What was generated. */
    record Generated(int events, int keys, int spineRows, long lateEvents, long refunds, long minuteAligned,
                     long firstAccept, long lastAccept) {
    }

    private TrainingSetWorkload() {
    }

    /**
     * Generates events and spine, appends the events to {@code log} (which must be empty for
     * {@code source}) and writes {@code eventsParquet} and {@code spineParquet}.
     */
    static Generated write(SourceSpec source, int events, int keys, int spineRows, long seed, EventLog log,
            Path eventsParquet, Path spineParquet, Path duckTemp) throws SQLException {
        if (events < 1 || events >= 1 << 27) {
            throw new IllegalArgumentException("events must be in [1, 2^27): " + events);
        }
        if (log.endOffset(source.name()) != 0) {
            throw new IllegalStateException("the log of " + source.name() + " is not empty");
        }
        Schema schema = source.schema();
        int eventTime = source.eventTimeIndex();
        int amount = schema.indexOf("amount");
        int card = schema.indexOf("card_id");
        int merchant = schema.indexOf("merchant_id");
        int currency = schema.indexOf("currency");
        int lat = schema.indexOf("lat");
        int lon = schema.indexOf("lon");
        EventBatch batch = FraudEvents.build(schema, events, keys, START, SPAN, false, seed);
        SplittableRandom r = new SplittableRandom(seed * 31 + 7);
        long[] accept = new long[events];
        long refunds = 0;
        long aligned = 0;
        long late = 0;
        for (int i = 0; i < events; i++) {
            long t = batch.getLong(i, eventTime);
            if (r.nextInt(100) == 0) {
                t = Math.floorDiv(t, 60_000L) * 60_000L;
                batch.setLong(i, eventTime, t);
                aligned++;
            }
            if (r.nextInt(100) < 3) {
                batch.setDouble(i, amount, -batch.getDouble(i, amount));
                refunds++;
            }
            long delay;
            if (r.nextInt(100) == 0) {
                delay = r.nextLong(0, MAX_DELAY + 1);
                late++;
            } else {
                delay = r.nextLong(0, 6);
            }
            accept[i] = t + delay;
        }
        int[] arrival = arrivalOrder(accept);
        long base = accept[arrival[0]];

        RowCodec.Encoder encoder = new RowCodec.Encoder(schema);
        List<byte[]> chunk = new ArrayList<>(APPEND_CHUNK);
        for (int k = 0; k < events; k++) {
            int i = arrival[k];
            chunk.add(encoder.encode(batch, i, accept[i], 0));
            if (chunk.size() == APPEND_CHUNK || k == events - 1) {
                log.append(source.name(), chunk).join();
                chunk = new ArrayList<>(APPEND_CHUNK);
            }
        }
        if (log.endOffset(source.name()) != events) {
            throw new IllegalStateException("log holds " + log.endOffset(source.name()) + " events, expected " + events);
        }

        try (DuckDBConnection db = DriverManager.getConnection("jdbc:duckdb:").unwrap(DuckDBConnection.class);
             Statement s = db.createStatement()) {
            s.execute("SET temp_directory = " + DuckDbTrainingSetPeer.literal(duckTemp.toString()));
            s.execute("SET preserve_insertion_order = true");
            s.execute("SET TimeZone = 'UTC'");
            s.execute("CREATE TABLE events (seq BIGINT, card_id VARCHAR, merchant_id VARCHAR, amount DOUBLE, currency VARCHAR,"
                    + " lat DOUBLE, lon DOUBLE, event_time BIGINT, available_at BIGINT)");
            try (DuckDBAppender a = db.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "events")) {
                for (int k = 0; k < events; k++) {
                    int i = arrival[k];
                    a.beginRow();
                    a.append((long) k);
                    a.append((String) batch.getObject(i, card));
                    a.append((String) batch.getObject(i, merchant));
                    a.append(batch.getDouble(i, amount));
                    a.append((String) batch.getObject(i, currency));
                    a.append(batch.getDouble(i, lat));
                    a.append(batch.getDouble(i, lon));
                    a.append(batch.getLong(i, eventTime));
                    a.append(accept[i]);
                    a.endRow();
                }
            }
            s.execute("COPY events TO " + DuckDbTrainingSetPeer.literal(eventsParquet.toString()) + " (FORMAT parquet)");
            s.execute("DROP TABLE events");

            writeSpine(db, s, batch, accept, keys, spineRows, new SplittableRandom(seed * 17 + 3), card, lat, lon, eventTime,
                    spineParquet);
        }
        long last = Arrays.stream(accept).max().orElseThrow();
        return new Generated(events, keys, spineRows, late, refunds, aligned, base, last);
    }

    private static void writeSpine(DuckDBConnection db, Statement s, EventBatch batch, long[] accept, int keys, int rows,
            SplittableRandom r, int card, int lat, int lon, int eventTime, Path spineParquet) throws SQLException {
        int events = batch.size();
        int[] late = lateEvents(batch, accept, eventTime);
        int[] aligned = alignedEvents(batch, eventTime);
        String[] ids = FraudEvents.cardIds(keys);
        s.execute("CREATE TABLE spine (txn_id BIGINT, card_id VARCHAR, ts TIMESTAMP, lat DOUBLE, lon DOUBLE, label INTEGER)");
        try (DuckDBAppender a = db.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "spine")) {
            for (int row = 0; row < rows; row++) {
                int kind = r.nextInt(100);
                String id;
                long t;
                double la;
                double lo;
                if (kind < 30 || (kind < 40 && late.length == 0) || (kind < 50 && aligned.length == 0)) {
                    int e = r.nextInt(events);
                    id = (String) batch.getObject(e, card);
                    t = batch.getLong(e, eventTime) + r.nextLong(-2, 9);
                    la = batch.getDouble(e, lat);
                    lo = batch.getDouble(e, lon);
                } else if (kind < 40) {
                    int e = late[r.nextInt(late.length)];
                    id = (String) batch.getObject(e, card);
                    t = accept[e] + r.nextLong(-1, 2);
                    la = batch.getDouble(e, lat) + r.nextGaussian() * 0.05;
                    lo = batch.getDouble(e, lon) + r.nextGaussian() * 0.05;
                } else if (kind < 50) {
                    int e = aligned[r.nextInt(aligned.length)];
                    id = (String) batch.getObject(e, card);
                    t = batch.getLong(e, eventTime) + WINDOWS[r.nextInt(WINDOWS.length)] + r.nextLong(-1, 2);
                    la = batch.getDouble(e, lat) + r.nextGaussian() * 0.05;
                    lo = batch.getDouble(e, lon) + r.nextGaussian() * 0.05;
                } else {
                    boolean unknown = kind < 53;
                    id = unknown ? String.format("card-%06d", keys + r.nextInt(1000)) : ids[r.nextInt(keys)];
                    t = r.nextLong(START - 600_000, START + SPAN + 2 * 3600_000);
                    if (kind >= 98) {
                        t = Math.floorDiv(t, 300_000L) * 300_000L;
                    }
                    la = r.nextDouble(-60, 70);
                    lo = r.nextDouble(-180, 180);
                }
                a.beginRow();
                a.append((long) row);
                a.append(id);
                a.appendEpochMicros(Math.multiplyExact(t, 1000L));
                a.append(la);
                a.append(lo);
                a.append(r.nextInt(50) == 0 ? 1 : 0);
                a.endRow();
            }
        }
        s.execute("COPY spine TO " + DuckDbTrainingSetPeer.literal(spineParquet.toString()) + " (FORMAT parquet)");
        s.execute("DROP TABLE spine");
    }

    /** Event indexes by accept time, ties by generation order. */
    private static int[] arrivalOrder(long[] accept) {
        long base = Arrays.stream(accept).min().orElseThrow();
        long[] order = new long[accept.length];
        for (int i = 0; i < accept.length; i++) {
            order[i] = ((accept[i] - base) << 27) | i;
        }
        Arrays.sort(order);
        int[] arrival = new int[accept.length];
        for (int k = 0; k < accept.length; k++) {
            arrival[k] = (int) (order[k] & ((1 << 27) - 1));
        }
        return arrival;
    }

    /** Events that arrived more than 5 ms after their event time. */
    private static int[] lateEvents(EventBatch batch, long[] accept, int eventTime) {
        return java.util.stream.IntStream.range(0, batch.size())
                .filter(i -> accept[i] - batch.getLong(i, eventTime) > 5).toArray();
    }

    /** Events whose event time is a whole minute. */
    private static int[] alignedEvents(EventBatch batch, int eventTime) {
        return java.util.stream.IntStream.range(0, batch.size())
                .filter(i -> batch.getLong(i, eventTime) % 60_000L == 0).toArray();
    }
}
