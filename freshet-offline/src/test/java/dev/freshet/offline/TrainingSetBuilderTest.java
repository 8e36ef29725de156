package dev.freshet.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.model.FeatureRepository;
import dev.freshet.model.yaml.RepositoryLoader;
import dev.freshet.storage.memory.MemoryStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainingSetBuilderTest {
    static final FeatureRepository FRAUD = RepositoryLoader.load(Path.of("..", "examples", "fraud")).repositoryOrThrow();

    @TempDir
    Path dir;

    /**
     * card_id is a string join key. A CSV spine whose card ids are digits (a very common id shape)
     * reads them as the strings they are, as POST /v1/features takes {"card_id": "123"}, although
     * DuckDB alone would infer BIGINT; quoted or not.
     */
    @ParameterizedTest
    @ValueSource(strings = {"123", "\"123\""})
    void digitOnlyStringKeysInACsvSpine(String cell) throws Exception {
        Path spine = dir.resolve("spine.csv");
        Files.writeString(spine, "card_id,ts,label\n" + cell + ",1800000000000,1\n");
        try (MemoryStorage storage = new MemoryStorage()) {
            TrainingSetBuilder builder = new TrainingSetBuilder(FRAUD, storage.eventLog(), dir.resolve("tmp"), "256MB", 16);
            TrainingSetBuilder.Result r = builder.build(new TrainingSetBuilder.Request(spine, "ts",
                    FeatureSelection.ofFeatures(List.of("card_txn:txn_count_lifetime")), dir.resolve("out.parquet"), 1, 1),
                    TrainingSetBuilder.Progress.NONE);
            assertEquals(1, r.rows());
        }
    }

    /**
     * An empty spine gives an empty training set, also as a header-only CSV spine (e.g. the labels
     * of a day without labels), where DuckDB has no values to infer the timestamp type from.
     */
    @Test
    void aHeaderOnlyCsvSpineGivesAnEmptyTrainingSet() throws Exception {
        Path spine = dir.resolve("empty.csv");
        Files.writeString(spine, "card_id,ts,label\n");
        try (MemoryStorage storage = new MemoryStorage()) {
            TrainingSetBuilder.Result r = new TrainingSetBuilder(FRAUD, storage.eventLog(), dir.resolve("tmp"), "256MB", 16).build(
                    new TrainingSetBuilder.Request(spine, "ts", FeatureSelection.ofFeatures(List.of("card_txn:txn_count_5m")),
                            dir.resolve("out.parquet"), 1, 1), TrainingSetBuilder.Progress.NONE);
            assertEquals(0, r.rows());
        }
    }

    @Test
    void aHeaderOnlyCsvSpineGivesACsvTrainingSetWithOnlyTheHeader() throws Exception {
        Path spine = dir.resolve("empty.csv");
        Files.writeString(spine, "card_id,ts,label\n");
        Path out = dir.resolve("out.csv");
        try (MemoryStorage storage = new MemoryStorage()) {
            new TrainingSetBuilder(FRAUD, storage.eventLog(), dir.resolve("tmp"), "256MB", 16).build(
                    new TrainingSetBuilder.Request(spine, "ts", FeatureSelection.ofFeatures(List.of("card_txn:txn_count_5m")),
                            out, 2, 2), TrainingSetBuilder.Progress.NONE);
        }
        assertEquals(List.of("card_id,ts,label,txn_count_5m,txn_count_5m__status"), Files.readAllLines(out));
    }

    /**
     * Progress (what GET /v1/training-sets/{id} reports as rows_done / rows_total) has the spine's
     * row count as its total from the start, whatever the number of passes, and counts rows written.
     */
    @Test
    void progressTotalIsTheNumberOfSpineRows() throws Exception {
        Path spine = dir.resolve("big.csv");
        StringBuilder csv = new StringBuilder("card_id,ts\n");
        int rows = 25_000;
        for (int i = 0; i < rows; i++) {
            csv.append("c").append(i % 50).append(',').append(1_800_000_000_000L + i).append('\n');
        }
        Files.writeString(spine, csv);
        java.util.Set<Long> totals = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Long> done = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (MemoryStorage storage = new MemoryStorage()) {
            new TrainingSetBuilder(FRAUD, storage.eventLog(), dir.resolve("tmp"), "256MB", 16).build(
                    new TrainingSetBuilder.Request(spine, "ts", FeatureSelection.ofFeatures(List.of("card_txn:txn_count_5m")),
                            dir.resolve("out.parquet"), 2, 2), (d, total) -> {
                        totals.add(total);
                        done.add(d);
                    });
        }
        assertEquals(java.util.Set.of((long) rows), totals);
        assertEquals(0L, done.getFirst(), "reported from the start");
        assertEquals((long) rows, done.getLast());
        assertTrue(done.size() > 2, "reported while running: " + done);
        for (int i = 1; i < done.size(); i++) {
            assertTrue(done.get(i) > done.get(i - 1), "rows written only grow: " + done);
        }
    }

    /**
     * A Parquet spine of pandas uint64 ids (UBIGINT, carried as text so that any value passes through)
     * still joins an int64 key: values that fit a long are that long, as the JSON number would be;
     * larger ones are reported with their row.
     */
    @Test
    void ubigintSpineColumnsStillJoinInt64Keys() throws Exception {
        FeatureRepository repo = RepositoryLoader.loadString("r.yaml", """
                kind: entity
                name: user
                join_keys:
                  user_id: int64
                ---
                kind: source
                name: clicks
                type: stream
                event_time_field: ts
                schema: {user_id: int64, ts: int64}
                ---
                kind: feature_view
                name: user_clicks
                entity: user
                source: clicks
                features:
                  - {name: n, function: count, window: lifetime}
                """).repositoryOrThrow();
        Path spine = dir.resolve("spine.parquet");
        Path tooBig = dir.resolve("too-big.parquet");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                java.sql.Statement s = c.createStatement()) {
            s.execute("COPY (SELECT 5::UBIGINT AS user_id, 1000 AS ts) TO '" + spine + "' (FORMAT parquet)");
            s.execute("COPY (SELECT * FROM (VALUES (5::UBIGINT, 1000), (18446744073709551615::UBIGINT, 2000)) t(user_id, ts))"
                    + " TO '" + tooBig + "' (FORMAT parquet)");
        }
        FeatureSelection n = FeatureSelection.ofFeatures(List.of("user_clicks:n"));
        try (MemoryStorage storage = new MemoryStorage()) {
            TrainingSetBuilder builder = new TrainingSetBuilder(repo, storage.eventLog(), dir.resolve("tmp"), "256MB", 16);
            TrainingSetBuilder.Result r = builder.build(new TrainingSetBuilder.Request(spine, "ts", n,
                    dir.resolve("out.parquet"), 1, 1), TrainingSetBuilder.Progress.NONE);
            assertEquals(1, r.rows());
            dev.freshet.offline.io.SpineException e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.freshet.offline.io.SpineException.class, () -> builder.build(new TrainingSetBuilder.Request(tooBig,
                            "ts", n, dir.resolve("out2.parquet"), 1, 1), TrainingSetBuilder.Progress.NONE));
            assertEquals("too-big.parquet, row 2: 'user_id' must be int64, got string 18446744073709551615", e.getMessage());
        }
    }
}
