package dev.freshet.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
import dev.freshet.engine.EventBatch;
import dev.freshet.engine.embedded.EmbeddedEngine;
import dev.freshet.engine.embedded.EngineOptions;
import dev.freshet.engine.embedded.IngestReceipt;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.BatchFeatureSpec;
import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import dev.freshet.model.spec.SourceKind;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.serving.features.FeatureRetriever;
import dev.freshet.storage.memory.MemoryStorage;
import dev.freshet.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property test for batch (latest-value) features: rows with ties on event time and created
 * timestamp, null/NaN values, future rows held until their time, read online at many times (ttl
 * boundaries included, restarts on some seeds), checked against a brute-force scan of the appended
 * rows and replayed offline bit for bit.
 *
 * <p>Every append is a millisecond after the reads before it: a read at {@code T} answered before an
 * event accepted at the same {@code T} cannot see it, while a training set at {@code T} counts it
 * ({@code available_at <= T}); docs/OFFLINE.md "Parity" states that boundary.
 */
class BatchFeaturesLiveAppendParityTest {
    static final Schema SCHEMA = Schema.of(Field.required("card_id", FieldType.STRING), Field.optional("v", FieldType.FLOAT64),
            Field.optional("n", FieldType.INT64), Field.optional("created", FieldType.INT64),
            Field.required("event_time", FieldType.TIMESTAMP));

    static LongStream seeds() {
        return LongStream.range(0, 16).map(i -> 9_000_011L * i + 3);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void batchRowsServedAndReplayedAlike(long seed) {
        SourceSpec src = new SourceSpec("profiles", SourceKind.BATCH, SCHEMA, "event_time", Duration.ofMillis(50), null,
                Duration.ofMillis(3_000), Map.of("created_timestamp_field", "created"), "");
        FeatureRepository repo = FeatureRepository.builder()
                .entity(new EntitySpec("card", List.of(Field.required("card_id", FieldType.STRING)), ""))
                .source(src)
                .featureView(new FeatureViewSpec("profile", "card", "profiles", null,
                        List.of(new BatchFeatureSpec("v", "v", ""), new BatchFeatureSpec("n", "n", "")),
                        Duration.ofMillis(400), Map.of(), ""))
                .build();
        List<String> refs = List.of("profile:v", "profile:n");
        SplittableRandom r = new SplittableRandom(seed);
        long t0 = 5_000_000;
        ManualClock clock = new ManualClock(t0);
        record Served(long t, String card, FeatureRetriever.Row row) {
        }
        List<Served> served = new ArrayList<>();
        record Appended(String card, Double v, Long n, long created, long eventTime, long accept, long seq) {
        }
        List<Appended> appended = new ArrayList<>();
        try (MemoryStorage storage = new MemoryStorage()) {
            EmbeddedEngine engine = EmbeddedEngine.start(repo, storage, EngineOptions.defaults(), clock);
            try {
                long now = t0;
                for (int b = 0; b < 120; b++) {
                    now += 1 + r.nextLong(0, 60); // after the reads at the previous now (see above)
                    clock.set(now);
                    int rows = 1 + r.nextInt(5);
                    EventBatch batch = new EventBatch(SCHEMA, rows);
                    for (int i = 0; i < rows; i++) {
                        int row = batch.addRow();
                        batch.setObject(row, 0, "c" + r.nextInt(3));
                        int k = r.nextInt(10);
                        batch.setObject(row, 1, k == 0 ? null : k == 1 ? Double.NaN : (double) r.nextInt(100));
                        batch.setObject(row, 2, r.nextInt(6) == 0 ? null : (long) r.nextInt(100));
                        batch.setObject(row, 3, r.nextInt(3) == 0 ? null : (long) r.nextInt(3));
                        batch.setObject(row, 4, now - 600 + r.nextLong(0, 30) * 40);
                    }
                    IngestReceipt rec = engine.append("profiles", batch).join();
                    for (int i = 0; i < rows; i++) {
                        appended.add(new Appended((String) batch.getObject(i, 0), (Double) batch.getObject(i, 1),
                                (Long) batch.getObject(i, 2), batch.getObject(i, 3) == null ? Long.MIN_VALUE : (Long) batch.getObject(i, 3),
                                (Long) batch.getObject(i, 4), now, rec.endOffset() - rows + i));
                    }
                    engine.awaitApplied("profiles", rec.endOffset()).join();
                    if (r.nextInt(12) == 0 && seed % 2 == 1) {
                        engine.close();
                        engine = EmbeddedEngine.start(repo, storage, EngineOptions.defaults(), clock);
                        engine.awaitReady().join();
                    }
                    for (int q = 0; q < 3; q++) {
                        long t = now + (q == 0 ? 0 : r.nextLong(0, 40));
                        now = t;
                        clock.set(t);
                        for (String card : List.of("c0", "c1", "c2", "c9")) {
                            FeatureVector out = new FeatureVector(2);
                            engine.read("profile", card, t, out);
                            Object[] values = {out.value(0), out.value(1)};
                            served.add(new Served(t, card, new FeatureRetriever.Row(values,
                                    new Status[] {out.status(0), out.status(1)},
                                    new long[] {out.eventTime(0), out.eventTime(1)})));
                        }
                    }
                }
            } finally {
                engine.close();
            }
            for (Served s : served) { // brute force: scan every appended row for each read
                Appended best = null;
                for (Appended a : appended) {
                    if (a.card().equals(s.card()) && a.accept() <= s.t() && a.eventTime() <= s.t() && (best == null
                            || a.eventTime() > best.eventTime() || a.eventTime() == best.eventTime() && (a.created() > best.created()
                            || a.created() == best.created() && a.seq() > best.seq()))) {
                        best = a;
                    }
                }
                for (int i = 0; i < 2; i++) {
                    Object value = best == null ? null : i == 0 ? (Object) best.v() : (Object) best.n();
                    if (value instanceof Double d && d.isNaN()) {
                        value = null; // a non-finite input is a null input
                    }
                    Status expected = best == null ? Status.NOT_FOUND : s.t() - best.eventTime() > 400 ? Status.OUTSIDE_MAX_AGE
                            : value == null ? Status.NULL_VALUE : Status.PRESENT;
                    String where = "oracle seed=" + seed + " card=" + s.card() + " t=" + s.t() + " " + refs.get(i);
                    assertEquals(expected, s.row().statuses()[i], where + " status");
                    assertEquals(best == null ? FeatureVector.NO_TIMESTAMP : best.eventTime(), s.row().eventTimes()[i], where + " event time");
                    if (expected == Status.PRESENT) {
                        assertEquals(value, s.row().values()[i], where + " value");
                    }
                }
            }
            try (PointInTimeReader reader = new PointInTimeReader(repo, storage.eventLog(), FeatureSelection.ofFeatures(refs), 16)) {
                for (Served s : served) {
                    reader.advanceTo(s.t());
                    FeatureRetriever.Row row = reader.read(Map.of("card_id", s.card()), s.t(), "");
                    for (int i = 0; i < 2; i++) {
                        String where = "seed=" + seed + " card=" + s.card() + " t=" + s.t() + " " + refs.get(i);
                        assertEquals(s.row().statuses()[i], row.statuses()[i], where + " status");
                        assertEquals(s.row().eventTimes()[i], row.eventTimes()[i], where + " event time");
                        Object a = s.row().values()[i];
                        Object o = row.values()[i];
                        assertEquals(a instanceof Double d ? Double.doubleToRawLongBits(d) : a,
                                o instanceof Double d ? Double.doubleToRawLongBits(d) : o, where + " value");
                    }
                }
            }
        }
    }
}
