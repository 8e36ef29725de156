package dev.freshet.offline.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpineReaderTest {
    /** Five rows in file order; timestamps tie so that file order must break them. */
    private static final String TIED = """
            SELECT * FROM (VALUES
                (0, 'a', TIMESTAMP '2024-01-01 00:00:02'),
                (1, 'b', TIMESTAMP '2024-01-01 00:00:01'),
                (2, 'c', TIMESTAMP '2024-01-01 00:00:02'),
                (3, 'd', TIMESTAMP '2024-01-01 00:00:01'),
                (4, 'e', TIMESTAMP '2024-01-01 00:00:00')) t(id, user_id, ts)""";
    private static final long T0 = 1_704_067_200_000L; // 2024-01-01T00:00:00Z

    @TempDir
    Path dir;
    private Path tmp;
    private Sql sql;

    @BeforeEach
    void setUp() throws IOException {
        tmp = Files.createDirectory(dir.resolve("tmp"));
        sql = new Sql();
    }

    @AfterEach
    void tearDown() throws Exception {
        sql.close();
    }

    private SpineReader open(Path file, String ts, String... required) {
        return SpineReader.open(file, ts, List.of(required), tmp, "256MB");
    }

    /** (rowNumber, timestampMillis, value of column 0) of every row, in iteration order. */
    private static List<List<Object>> readAll(SpineReader spine) {
        List<List<Object>> rows = new ArrayList<>();
        while (spine.next()) {
            rows.add(Arrays.asList(spine.rowNumber(), spine.timestampMillis(), spine.value(0)));
        }
        return rows;
    }

    @ParameterizedTest
    @ValueSource(strings = {"spine.csv", "spine.parquet", "spine.csv.gz"})
    void rowsComeInTimestampOrderWithTiesInFileOrder(String name) {
        Path file = name.endsWith(".gz")
                ? copyGzip(sql.copy(TIED, dir.resolve("plain.csv")), dir.resolve(name))
                : sql.copy(TIED, dir.resolve(name));
        try (SpineReader spine = open(file, "ts", "user_id")) {
            assertEquals(5, spine.rowCount());
            assertEquals(List.of("id", "user_id", "ts"), spine.columns().stream().map(SpineColumn::name).toList());
            assertEquals("TIMESTAMP", spine.columns().get(2).duckdbType());
            assertEquals(List.of(
                    List.of(4L, T0, 4L),
                    List.of(1L, T0 + 1000, 1L),
                    List.of(3L, T0 + 1000, 3L),
                    List.of(0L, T0 + 2000, 0L),
                    List.of(2L, T0 + 2000, 2L)), readAll(spine));
            assertFalse(spine.next(), "stays exhausted");
        }
    }

    private Path copyGzip(Path plain, Path gz) {
        sql.exec("COPY (SELECT * FROM read_csv('" + plain + "', header = true)) TO '" + gz
                + "' (FORMAT csv, HEADER true, COMPRESSION gzip)");
        return gz;
    }

    @ParameterizedTest
    @ValueSource(strings = {"big.csv", "big.parquet"})
    void rowNumbersFollowFileOrderEvenWhenDuckDbScansInParallel(String name) {
        // ~40 MB of CSV (beyond one CSV scan buffer) or 200 Parquet row groups, all with one timestamp:
        // iteration order is then pure row-number order and every row number must equal the id
        // written at that position.
        int rows = 400_000;
        Path file = sql.copy("SELECT range AS id, 'padding to make the csv file larger ' || range % 977 AS pad, "
                + "TIMESTAMP '2024-01-01' AS ts FROM range(" + rows + ")", dir.resolve(name));
        try (SpineReader spine = open(file, "ts")) {
            long expected = 0;
            while (spine.next()) {
                assertEquals(expected, spine.rowNumber());
                assertEquals(expected, spine.value(0));
                expected++;
            }
            assertEquals(rows, expected);
        }
    }

    @Test
    void epochMillisecondIntegersAreTimestampsIncludingNegativeOnes() {
        Path file = sql.copy("SELECT * FROM (VALUES ('x', 1500), ('y', -2500), ('z', 0), ('w', 1500)) t(k, at_ms)",
                dir.resolve("ms.csv"));
        try (SpineReader spine = open(file, "at_ms", "k")) {
            assertEquals("BIGINT", spine.columns().get(1).duckdbType());
            List<Object> keys = new ArrayList<>();
            List<Long> times = new ArrayList<>();
            while (spine.next()) {
                keys.add(spine.value(0));
                times.add(spine.timestampMillis());
                assertEquals(spine.timestampMillis(), spine.value(1));
            }
            assertEquals(List.of("y", "z", "x", "w"), keys);
            assertEquals(List.of(-2500L, 0L, 1500L, 1500L), times);
        }
    }

    @Test
    void everyTimestampTypeIsReadAsUtcEpochMillis() {
        Path file = sql.copy("""
                SELECT TIMESTAMP '2024-01-01 00:00:00.123' AS ts,
                       TIMESTAMPTZ '2024-01-01 02:00:00.123+02' AS tz,
                       DATE '2024-01-01' AS d,
                       CAST(TIMESTAMP '2024-01-01 00:00:00.123456' AS TIMESTAMP_NS) AS ns,
                       CAST(TIMESTAMP '2024-01-01 00:00:00.123' AS TIMESTAMP_MS) AS ms,
                       CAST(TIMESTAMP '2024-01-01 00:00:00' AS TIMESTAMP_S) AS s,
                       TIMESTAMP '1969-12-31 23:59:59.9999' AS before_epoch,
                       CAST('1969-12-31 23:59:59.999999999' AS TIMESTAMP_NS) AS ns_before_epoch,
                       TIMESTAMP '2024-01-01 00:00:00.0019' AS micros""", dir.resolve("types.parquet"));
        // finer precision is floored: a row never moves into the future
        long[] expected = {T0 + 123, T0 + 123, T0, T0 + 123, T0 + 123, T0, -1, -1, T0 + 1};
        for (int c = 0; c < expected.length; c++) {
            String column = List.of("ts", "tz", "d", "ns", "ms", "s", "before_epoch", "ns_before_epoch", "micros")
                    .get(c);
            try (SpineReader spine = open(file, column)) {
                assertTrue(spine.next());
                assertEquals(expected[c], spine.timestampMillis(), column);
                assertEquals(expected[c], spine.value(c), column);
            }
        }
    }

    @Test
    void rowsWithinTheSameMillisecondKeepFileOrderWhateverTheirMicroseconds() {
        Path file = sql.copy("SELECT * FROM (VALUES (0, TIMESTAMP '2024-01-01 00:00:00.0019'), "
                + "(1, TIMESTAMP '2024-01-01 00:00:00.0011')) t(id, ts)", dir.resolve("micros.parquet"));
        try (SpineReader spine = open(file, "ts")) {
            assertEquals(List.of(List.of(0L, T0 + 1, 0L), List.of(1L, T0 + 1, 1L)), readAll(spine));
        }
    }

    @Test
    void valuesAreJavaTypesPerDuckDbTypeAndNullForSqlNull() {
        Path file = sql.copy("""
                SELECT * FROM (VALUES
                    (TIMESTAMP '2024-01-01', 1::TINYINT, 2::INTEGER, 3::BIGINT, 4::UBIGINT,
                     1.5::FLOAT, 2.25::DOUBLE, 3.75::DECIMAL(10,2), true, 'x', DATE '2024-01-02',
                     [1, 2]::INTEGER[], {'a': 1}),
                    (TIMESTAMP '2024-01-02', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                     NULL)) t(ts, i1, i4, i8, u8, f, d, dec, b, s, day, list, struct)""",
                dir.resolve("values.parquet"));
        try (SpineReader spine = open(file, "ts")) {
            assertTrue(spine.next());
            List<Object> values = new ArrayList<>();
            for (int c = 0; c < spine.columns().size(); c++) {
                values.add(spine.value(c));
            }
            assertEquals(Arrays.asList(T0, 1L, 2L, 3L, "4", 1.5, 2.25, 3.75, true, "x", T0 + 86_400_000L,
                    "[1, 2]", "{'a': 1}"), values, "UBIGINT is text: a long cannot hold them all");
            assertTrue(spine.next());
            for (int c = 1; c < spine.columns().size(); c++) {
                assertNull(spine.value(c), spine.columns().get(c).name());
            }
            assertEquals(List.of("TIMESTAMP", "TINYINT", "INTEGER", "BIGINT", "UBIGINT", "FLOAT", "DOUBLE",
                    "DECIMAL(10,2)", "BOOLEAN", "VARCHAR", "DATE", "INTEGER[]", "STRUCT(a INTEGER)"),
                    spine.columns().stream().map(SpineColumn::duckdbType).toList());
        }
    }

    @Test
    void columnIndexFindsColumnsByExactName() {
        try (SpineReader spine = open(sql.copy(TIED, dir.resolve("s.parquet")), "ts")) {
            assertEquals(1, spine.columnIndex("user_id"));
            assertThrows(IllegalArgumentException.class, () -> spine.columnIndex("USER_ID"));
        }
    }

    @Test
    void valueBeforeNextIsAnError() {
        try (SpineReader spine = open(sql.copy(TIED, dir.resolve("s.parquet")), "ts")) {
            assertThrows(IllegalStateException.class, () -> spine.value(0));
            assertThrows(IllegalStateException.class, spine::timestampMillis);
            assertTrue(spine.next());
            assertThrows(IndexOutOfBoundsException.class, () -> spine.value(3));
        }
    }

    @Test
    void anEmptySpineHasNoRows() {
        Path file = sql.copy("SELECT 'k' AS k, TIMESTAMP '2024-01-01' AS ts WHERE false", dir.resolve("empty.parquet"));
        try (SpineReader spine = open(file, "ts", "k")) {
            assertEquals(0, spine.rowCount());
            assertFalse(spine.next());
        }
    }

    @Test
    void aHeaderOnlyCsvSpineHasNoRows() throws IOException {
        Path file = Files.writeString(dir.resolve("empty.csv"), "k,ts\n");
        try (SpineReader spine = open(file, "ts", "k")) {
            assertEquals(0, spine.rowCount());
            assertFalse(spine.next());
        }
    }

    @Test
    void textColumnsOfACsvSpineAreReadAsTextWhateverTheyLookLike() throws IOException {
        Path file = Files.writeString(dir.resolve("s.csv"),
                "id,flag,day,n,ts\n123,true,2024-01-01,7,1000\n\"0042\",false,2024-01-02,8,2000\n");
        Set<String> text = Set.of("id", "flag", "day", "absent");
        try (SpineReader spine = SpineReader.open(file, "ts", List.of("id"), text, tmp, "256MB")) {
            assertEquals(List.of("VARCHAR", "VARCHAR", "VARCHAR", "BIGINT", "BIGINT"),
                    spine.columns().stream().map(SpineColumn::duckdbType).toList());
            List<List<Object>> rows = new ArrayList<>();
            while (spine.next()) {
                rows.add(Arrays.asList(spine.value(0), spine.value(1), spine.value(2), spine.value(3)));
            }
            assertEquals(List.of(List.of("123", "true", "2024-01-01", 7L), List.of("0042", "false", "2024-01-02", 8L)),
                    rows);
        }
        List<Object[]> ids = SpineReader.distinct(file, List.of("id"), text, 10, tmp, "256MB");
        assertEquals(Set.of(List.of("0042"), List.of("123")), Set.copyOf(ids.stream().map(Arrays::asList).toList()));
    }

    @Test
    void ubigintTimestampsAreEpochMillis() {
        Path file = sql.copy("SELECT * FROM (VALUES (2000::UBIGINT, 'b'), (1000::UBIGINT, 'a')) t(u, k)",
                dir.resolve("wide.parquet"));
        try (SpineReader spine = open(file, "u")) {
            List<Object> values = new ArrayList<>();
            while (spine.next()) {
                values.add(spine.timestampMillis());
                values.add(spine.value(0));
            }
            assertEquals(List.of(1000L, "1000", 2000L, "2000"), values);
        }
    }

    @Test
    void closeRemovesDuckDbSpillDirectory() throws IOException {
        try (SpineReader spine = open(sql.copy(TIED, dir.resolve("s.csv")), "ts")) {
            assertTrue(spine.next());
            try (var files = Files.list(tmp)) {
                assertEquals(1, files.count(), "a private spill directory while open");
            }
        }
        try (var files = Files.list(tmp)) {
            assertEquals(0, files.count());
        }
    }

    // ---- errors ----

    @Test
    void missingFileNamesThePath() {
        Path file = dir.resolve("nope.parquet");
        SpineException e = assertThrows(SpineException.class, () -> open(file, "ts"));
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void unknownExtensionIsRejectedBeforeTheFileIsRead() throws IOException {
        Path file = Files.writeString(dir.resolve("spine.json"), "{}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(file, "ts"));
        assertTrue(e.getMessage().contains("spine.json") && e.getMessage().contains(".csv, .csv.gz or .parquet"),
                e.getMessage());
    }

    @Test
    void missingTimestampColumnListsTheColumnsThatExist() {
        Path file = sql.copy(TIED, dir.resolve("s.csv"));
        SpineException e = assertThrows(SpineException.class, () -> open(file, "event_time"));
        assertEquals("Spine file " + file + " has no timestamp column 'event_time'; its columns are [id, user_id, ts]",
                e.getMessage());
    }

    @Test
    void missingEntityColumnsAreAllNamed() {
        Path file = sql.copy(TIED, dir.resolve("s.parquet"));
        SpineException e = assertThrows(SpineException.class, () -> open(file, "ts", "user_id", "merchant", "shop"));
        assertEquals("Spine file " + file + " has no columns 'merchant', 'shop' (entity join keys); "
                + "its columns are [id, user_id, ts]", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nulls.csv", "nulls.parquet"})
    void nullTimestampNamesTheFirstSuchRowOneBased(String name) {
        Path file = sql.copy("SELECT * FROM (VALUES ('a', TIMESTAMP '2024-01-01'), ('b', TIMESTAMP '2024-01-01'), "
                + "('c', NULL), ('d', TIMESTAMP '2024-01-01'), ('e', NULL)) t(k, ts)", dir.resolve(name));
        SpineException e = assertThrows(SpineException.class, () -> open(file, "ts", "k"));
        assertEquals("Spine file " + file + ": row 3 (1-based, header not counted) has a null timestamp in column 'ts'"
                + " (2 rows have null timestamps)", e.getMessage());
    }

    @Test
    void textTimestampIsTheWrongType() {
        Path file = sql.copy("SELECT 'k' AS k, 'yesterday' AS ts", dir.resolve("s.csv"));
        SpineException e = assertThrows(SpineException.class, () -> open(file, "ts", "k"));
        assertTrue(e.getMessage().startsWith("Spine file " + file + ": timestamp column 'ts' has type VARCHAR; "
                + "expected TIMESTAMP, TIMESTAMP WITH TIME ZONE, DATE or an integer type (epoch milliseconds)."),
                e.getMessage());
    }

    @Test
    void floatingPointTimestampIsTheWrongType() {
        Path file = sql.copy("SELECT 'k' AS k, 1.5::DOUBLE AS ts", dir.resolve("s.parquet"));
        SpineException e = assertThrows(SpineException.class, () -> open(file, "ts", "k"));
        assertEquals("Spine file " + file + ": timestamp column 'ts' has type DOUBLE; expected TIMESTAMP, "
                + "TIMESTAMP WITH TIME ZONE, DATE or an integer type (epoch milliseconds)", e.getMessage());
    }

    @Test
    void unreadableFileNamesTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("broken.parquet"), "not parquet at all");
        SpineException e = assertThrows(SpineException.class, () -> open(file, "ts"));
        assertTrue(e.getMessage().startsWith("Cannot read spine file " + file + ": "), e.getMessage());
        try (var files = Files.list(tmp)) {
            assertEquals(0, files.count(), "no spill directory left behind");
        }
    }

    @Test
    void invalidMemoryLimitIsAnArgumentError() {
        Path file = sql.copy(TIED, dir.resolve("s.csv"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpineReader.open(file, "ts", List.of(), tmp, "lots"));
        assertTrue(e.getMessage().startsWith("Invalid memory limit 'lots'"), e.getMessage());
    }
}
