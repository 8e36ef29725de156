package dev.freshet.offline.io;

import static dev.freshet.aggregation.Status.NOT_FOUND;
import static dev.freshet.aggregation.Status.NULL_VALUE;
import static dev.freshet.aggregation.Status.OUTSIDE_MAX_AGE;
import static dev.freshet.aggregation.Status.PRESENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.freshet.aggregation.Status;
import dev.freshet.model.spec.FieldType;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainingSetWriterTest {
    private static final long T0 = 1_704_067_200_000L; // 2024-01-01T00:00:00Z
    private static final List<SpineColumn> SPINE = List.of(
            new SpineColumn("user_id", "VARCHAR"),
            new SpineColumn("ts", "TIMESTAMP"),
            new SpineColumn("n", "INTEGER"),
            new SpineColumn("price", "DECIMAL(10,2)"),
            new SpineColumn("tz", "TIMESTAMP WITH TIME ZONE"),
            new SpineColumn("day", "DATE"),
            new SpineColumn("tags", "INTEGER[]"));
    private static final List<OutputColumn> FEATURES = List.of(
            new OutputColumn("clicks", FieldType.INT64),
            new OutputColumn("avg_amount", FieldType.FLOAT64),
            new OutputColumn("is_new", FieldType.BOOL),
            new OutputColumn("last_country", FieldType.STRING),
            new OutputColumn("last_seen", FieldType.TIMESTAMP),
            OutputColumn.json("recent_items"));

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

    private TrainingSetWriter create(Path out, List<SpineColumn> spine, List<OutputColumn> features) {
        return TrainingSetWriter.create(out, spine, features, tmp, "256MB");
    }

    private static Object[] spineRow(int i) {
        return new Object[] {"u" + i, T0 + i * 1000L, i, 1.25 * i, T0 + i, T0 + i * 86_400_000L, "[" + i + ", 7]"};
    }

    private static Object[] featureRow(int i) {
        return new Object[] {(long) i * 10, i / 4.0, i % 2 == 0, "c" + i, T0 - i, List.of("item" + i, i)};
    }

    private static Status[] statuses(Status s) {
        Status[] all = new Status[FEATURES.size()];
        Arrays.fill(all, s);
        return all;
    }

    /** Rows 0..3 written in the order 2, 0, 3, 1 with row i's statuses all {@code status(i)}. */
    private void writeShuffled(TrainingSetWriter out) {
        Status[] byRow = {PRESENT, NULL_VALUE, NOT_FOUND, OUTSIDE_MAX_AGE};
        for (int i : new int[] {2, 0, 3, 1}) {
            out.write(i, spineRow(i), featureRow(i), statuses(byRow[i]));
        }
    }

    @Test
    void parquetHasSpineColumnsWithTheirTypesThenFeatureAndStatusColumns() {
        Path file = dir.resolve("out.parquet");
        try (TrainingSetWriter out = create(file, SPINE, FEATURES)) {
            writeShuffled(out);
            assertEquals(4, out.rowsWritten());
            out.finish();
        }
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("user_id", "VARCHAR");
        expected.put("ts", "TIMESTAMP");
        expected.put("n", "INTEGER");
        expected.put("price", "DECIMAL(10,2)");
        expected.put("tz", "TIMESTAMP WITH TIME ZONE");
        expected.put("day", "DATE");
        expected.put("tags", "INTEGER[]");
        expected.put("clicks", "BIGINT");
        expected.put("clicks__status", "VARCHAR");
        expected.put("avg_amount", "DOUBLE");
        expected.put("avg_amount__status", "VARCHAR");
        expected.put("is_new", "BOOLEAN");
        expected.put("is_new__status", "VARCHAR");
        expected.put("last_country", "VARCHAR");
        expected.put("last_country__status", "VARCHAR");
        expected.put("last_seen", "TIMESTAMP");
        expected.put("last_seen__status", "VARCHAR");
        expected.put("recent_items", "VARCHAR");
        expected.put("recent_items__status", "VARCHAR");
        assertEquals(expected, sql.types(file));
        assertRowsInSpineOrder("read_parquet('" + file + "')");
    }

    @Test
    void csvHasAHeaderAndTheSameRowsInSpineOrder() throws IOException {
        Path file = dir.resolve("out.csv");
        try (TrainingSetWriter out = create(file, SPINE, FEATURES)) {
            writeShuffled(out);
            out.finish();
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals("user_id,ts,n,price,tz,day,tags,clicks,clicks__status,avg_amount,avg_amount__status,is_new,"
                + "is_new__status,last_country,last_country__status,last_seen,last_seen__status,recent_items,"
                + "recent_items__status", lines.getFirst());
        assertEquals("u0,2024-01-01 00:00:00,0,0.00,2024-01-01 00:00:00+00,2024-01-01,\"[0, 7]\",0,PRESENT,0.0,PRESENT,"
                + "true,PRESENT,c0,PRESENT,2024-01-01 00:00:00,PRESENT,\"[\"\"item0\"\",0]\",PRESENT", lines.get(1));
        assertEquals(5, lines.size());
        assertRowsInSpineOrder("read_csv('" + file + "', header = true, types = {'tags': 'INTEGER[]', "
                + "'clicks': 'BIGINT', 'avg_amount': 'DOUBLE', 'is_new': 'BOOLEAN', 'last_seen': 'TIMESTAMP'})");
    }

    private void assertRowsInSpineOrder(String scan) {
        List<List<Object>> rows = sql.rows("SELECT user_id, epoch_ms(ts), n, price, epoch_ms(tz), epoch_ms(day), "
                + "tags::VARCHAR, clicks, clicks__status, avg_amount, avg_amount__status, is_new, is_new__status, "
                + "last_country, last_country__status, epoch_ms(last_seen), last_seen__status, recent_items, "
                + "recent_items__status FROM " + scan);
        assertEquals(4, rows.size());
        assertEquals(Arrays.asList("u0", T0, 0, new BigDecimal("0.00"), T0, T0, "[0, 7]",
                0L, "PRESENT", 0.0, "PRESENT", true, "PRESENT", "c0", "PRESENT", T0, "PRESENT",
                "[\"item0\",0]", "PRESENT"), normalize(rows.get(0)));
        for (int i = 1; i < 4; i++) {
            String status = List.of("NULL_VALUE", "NOT_FOUND", "OUTSIDE_MAX_AGE").get(i - 1);
            assertEquals(Arrays.asList("u" + i, T0 + i * 1000L, i, new BigDecimal(1.25 * i).setScale(2),
                    T0 + i, T0 + i * 86_400_000L, "[" + i + ", 7]",
                    null, status, null, status, null, status, null, status, null, status, null, status),
                    normalize(rows.get(i)), "row " + i);
        }
    }

    /** CSV read-back yields BIGINT for INTEGER and DOUBLE for DECIMAL; compare as the Parquet types. */
    private static List<Object> normalize(List<Object> row) {
        Object[] r = row.toArray();
        if (r[2] instanceof Long l) {
            r[2] = Math.toIntExact(l);
        }
        if (r[3] instanceof Double d) {
            r[3] = BigDecimal.valueOf(d).setScale(2);
        }
        return Arrays.asList(r);
    }

    @Test
    void spineColumnsOfEveryTypeComeOutAsTheyWentIn() {
        Path spineFile = sql.copy("""
                SELECT * FROM (VALUES
                    (TIMESTAMP '2024-01-01 00:00:01', 1::TINYINT, 2::USMALLINT, 3::UBIGINT, 1.5::FLOAT,
                     12.345::DECIMAL(9,3), DATE '2024-02-29', TIMESTAMPTZ '2024-01-01 10:00:00.123+00',
                     CAST(TIMESTAMP '2024-01-01 00:00:00.123' AS TIMESTAMP_NS), TIME '12:34:56.789',
                     [1, NULL, 3]::INTEGER[], {'a': 1, 'b c': ['x']}, MAP {'k': 2.5}, '\\xAA\\x00'::BLOB,
                     'c7c2a9d8-3f1e-4d55-9a0b-2e6f1f0e4a11'::UUID, true, 'text'),
                    (TIMESTAMP '2024-01-01 00:00:00', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                     NULL, NULL, NULL, NULL, NULL, NULL, NULL))
                    t(ts, i1, u2, u8, f, dec, day, tz, ns, tod, list, struct, map, bytes, id, b, s)""",
                dir.resolve("types.parquet"));
        Path out = dir.resolve("types-out.parquet");
        try (SpineReader spine = SpineReader.open(spineFile, "ts", List.of(), tmp, "256MB");
                TrainingSetWriter writer = create(out, spine.columns(), List.of())) {
            Object[] values = new Object[spine.columns().size()];
            while (spine.next()) {
                for (int c = 0; c < values.length; c++) {
                    values[c] = spine.value(c);
                }
                writer.write(spine.rowNumber(), values, new Object[0], new Status[0]);
            }
            writer.finish();
        }
        assertEquals(sql.types(spineFile), sql.types(out));
        String diff = "SELECT count(*) FROM (SELECT * FROM read_parquet('%s') "
                + "EXCEPT ALL SELECT * FROM read_parquet('%s'))";
        assertEquals(0L, sql.one(diff.formatted(spineFile, out)));
        assertEquals(0L, sql.one(diff.formatted(out, spineFile)));
        assertEquals(List.of(List.of(1L), List.of(0L)),
                sql.rows("SELECT second(ts)::BIGINT FROM read_parquet('" + out + "')"), "file order kept");
    }

    /**
     * Integers a long cannot hold (a pandas uint64 hash id) are copied unchanged like any other
     * extra spine column, at their extremes too (DuckDB writes HUGEINT and UHUGEINT to Parquet as
     * DOUBLE, see the CSV test below for them).
     */
    @Test
    void unsignedBigintAndHugeintExtraColumnsPassThrough() {
        Path spineFile = sql.copy("""
                SELECT * FROM (VALUES
                    (TIMESTAMP '2024-01-01 00:00:01', 18446744073709551615::UBIGINT, 170141183460469231731687303715884105727::HUGEINT,
                     340282366920938463463374607431768211455::UHUGEINT),
                    (TIMESTAMP '2024-01-01 00:00:02', 9223372036854775808::UBIGINT, (-9223372036854775809)::HUGEINT,
                     0::UHUGEINT),
                    (TIMESTAMP '2024-01-01 00:00:03', NULL, (-170141183460469231731687303715884105728)::HUGEINT, NULL))
                    t(ts, user_hash, big, ubig)""", dir.resolve("wide.parquet"));
        Path out = dir.resolve("wide-out.parquet");
        try (SpineReader spine = SpineReader.open(spineFile, "ts", List.of(), tmp, "256MB");
                TrainingSetWriter writer = create(out, spine.columns(), List.of())) {
            Object[] values = new Object[spine.columns().size()];
            while (spine.next()) {
                for (int c = 0; c < values.length; c++) {
                    values[c] = spine.value(c);
                }
                writer.write(spine.rowNumber(), values, new Object[0], new Status[0]);
            }
            writer.finish();
        }
        assertEquals(sql.types(spineFile), sql.types(out));
        String columns = "SELECT user_hash, big, ubig FROM read_parquet('%s')";
        assertEquals(sql.rows(columns.formatted(spineFile)), sql.rows(columns.formatted(out)));
    }

    /** DuckDB reads CSV integers beyond BIGINT as HUGEINT: copied unchanged too. */
    @Test
    void hugeintCsvColumnsPassThrough() throws IOException {
        String text = "ts,a,b\n1,18446744073709551615,-170141183460469231731687303715884105728\n2,5,\n";
        Path spineFile = Files.writeString(dir.resolve("wide.csv"), text);
        Path out = dir.resolve("wide-out.csv");
        try (SpineReader spine = SpineReader.open(spineFile, "ts", List.of(), tmp, "256MB");
                TrainingSetWriter writer = create(out, spine.columns(), List.of())) {
            assertEquals(List.of("BIGINT", "HUGEINT", "HUGEINT"),
                    spine.columns().stream().map(SpineColumn::duckdbType).toList());
            Object[] values = new Object[spine.columns().size()];
            while (spine.next()) {
                for (int c = 0; c < values.length; c++) {
                    values[c] = spine.value(c);
                }
                writer.write(spine.rowNumber(), values, new Object[0], new Status[0]);
            }
            writer.finish();
        }
        assertEquals(text, Files.readString(out));
    }

    @ParameterizedTest
    @ValueSource(strings = {"doubles.parquet", "doubles.csv"})
    void doublesRoundTripBitForBit(String name) {
        double[] values = {0.0, -0.0, 0.1, 1.0 / 3, -2.5e-300, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL,
                Double.MAX_VALUE, -Double.MAX_VALUE, 123456789.123456789, 9007199254740993.0, Math.PI * 1e200,
                Double.longBitsToDouble(0x3FF0000000000001L), Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY};
        Path file = dir.resolve(name);
        List<SpineColumn> spine = List.of(new SpineColumn("x", "DOUBLE"));
        try (TrainingSetWriter out = create(file, spine, List.of(new OutputColumn("f", FieldType.FLOAT64)))) {
            for (int i = values.length - 1; i >= 0; i--) {
                out.write(i, new Object[] {values[i]}, new Object[] {values[i]}, new Status[] {PRESENT});
            }
            out.finish();
        }
        String scan = name.endsWith(".parquet") ? "read_parquet('" + file + "')"
                : "read_csv('" + file + "', header = true, types = {'x': 'DOUBLE', 'f': 'DOUBLE'})";
        List<List<Object>> rows = sql.rows("SELECT x, f FROM " + scan);
        assertEquals(values.length, rows.size());
        for (int i = 0; i < values.length; i++) {
            for (Object actual : rows.get(i)) {
                assertEquals(Double.doubleToLongBits(values[i]), Double.doubleToLongBits((Double) actual),
                        "value " + values[i] + " came back as " + actual);
            }
        }
    }

    @Test
    void jsonFeaturesHoldJsonTextOfListsMapsAndScalars() {
        Path file = dir.resolve("json.parquet");
        Object[] values = {List.of(1L, 2.5, "x"), Map.of("k", List.of(true)), "plain", List.of()};
        try (TrainingSetWriter out = create(file, List.of(), List.of(OutputColumn.json("j")))) {
            for (int i = 0; i < values.length; i++) {
                out.write(i, new Object[0], new Object[] {values[i]}, new Status[] {PRESENT});
            }
            out.finish();
        }
        assertEquals(List.of(List.of("[1,2.5,\"x\"]"), List.of("{\"k\":[true]}"), List.of("\"plain\""), List.of("[]")),
                sql.rows("SELECT j FROM read_parquet('" + file + "')"));
        assertEquals(List.of(List.of(1L)), sql.rows("SELECT json_extract(j, '$[0]')::BIGINT FROM read_parquet('"
                + file + "') LIMIT 1"));
    }

    @Test
    void valuesOfAbsentFeaturesAreIgnoredAndWrittenAsNull() {
        Path file = dir.resolve("absent.parquet");
        try (TrainingSetWriter out = create(file, List.of(), List.of(new OutputColumn("f", FieldType.INT64)))) {
            out.write(0, new Object[0], new Object[] {42L}, new Status[] {NOT_FOUND});
            out.write(1, new Object[0], new Object[] {"not even a long"}, new Status[] {OUTSIDE_MAX_AGE});
            out.finish();
        }
        assertEquals(List.of(Arrays.asList(null, "NOT_FOUND"), Arrays.asList(null, "OUTSIDE_MAX_AGE")),
                sql.rows("SELECT f, f__status FROM read_parquet('" + file + "')"));
    }

    @Test
    void nullSpineValuesStayNull() {
        Path file = dir.resolve("nulls.parquet");
        try (TrainingSetWriter out = create(file, SPINE, List.of())) {
            out.write(0, new Object[SPINE.size()], new Object[0], new Status[0]);
            out.finish();
        }
        assertEquals(List.of(Arrays.asList(new Object[SPINE.size()])),
                sql.rows("SELECT * FROM read_parquet('" + file + "')"));
    }

    @Test
    void finishReplacesAnExistingFileAndLeavesNoTemporaryFiles() throws IOException {
        Path file = Files.writeString(dir.resolve("out.csv"), "old content\n");
        try (TrainingSetWriter out = create(file, List.of(new SpineColumn("k", "BIGINT")), List.of())) {
            out.write(0, new Object[] {7L}, new Object[0], new Status[0]);
            out.finish();
        }
        assertEquals(List.of("k", "7"), Files.readAllLines(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("out.csv", "tmp"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        try (var files = Files.list(tmp)) {
            assertEquals(0, files.count(), "spill directory removed");
        }
    }

    @Test
    void closeWithoutFinishWritesNothing() {
        Path file = dir.resolve("never.parquet");
        try (TrainingSetWriter out = create(file, List.of(new SpineColumn("k", "BIGINT")), List.of())) {
            out.write(0, new Object[] {7L}, new Object[0], new Status[0]);
        }
        assertFalse(Files.exists(file));
    }

    @Test
    void aRowNumberWrittenTwiceFailsFinishAndLeavesNoFile() {
        Path file = dir.resolve("dup.parquet");
        try (TrainingSetWriter out = create(file, List.of(new SpineColumn("k", "BIGINT")), List.of())) {
            for (long row : new long[] {0, 5, 3, 5, 3}) {
                out.write(row, new Object[] {row}, new Object[0], new Status[0]);
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, out::finish);
            assertEquals("Training set " + file + ": spine row 3 was written more than once", e.getMessage());
        }
        assertFalse(Files.exists(file));
    }

    @Test
    void writeAndFinishAfterFinishAreErrors() {
        try (TrainingSetWriter out = create(dir.resolve("o.csv"), List.of(new SpineColumn("k", "BIGINT")), List.of())) {
            out.finish();
            assertThrows(IllegalStateException.class,
                    () -> out.write(0, new Object[] {1L}, new Object[0], new Status[0]));
            assertThrows(IllegalStateException.class, out::finish);
        }
    }

    @Test
    void rejectedRowsLeaveNoTrace() {
        Path file = dir.resolve("checked.parquet");
        List<SpineColumn> spine = List.of(new SpineColumn("k", "BIGINT"), new SpineColumn("ts", "TIMESTAMP"));
        List<OutputColumn> features = List.of(new OutputColumn("n", FieldType.INT64),
                new OutputColumn("t", FieldType.TIMESTAMP));
        try (TrainingSetWriter out = create(file, spine, features)) {
            Status[] present = {PRESENT, PRESENT};
            assertRejected(() -> out.write(0, new Object[] {1L, 0L}, new Object[] {1.5, 0L}, present),
                    "Row 0: feature 'n' of type int64 cannot hold java.lang.Double 1.5");
            assertRejected(() -> out.write(0, new Object[] {"1", 0L}, new Object[] {1L, 0L}, present),
                    "Row 0: spine column 'k' (BIGINT) cannot hold a java.lang.String");
            assertRejected(() -> out.write(0, new Object[] {1L, 0L}, new Object[] {null, 0L}, present),
                    "Row 0: feature 'n' is PRESENT but its value is null");
            Status[] oneMissing = {PRESENT, null};
            assertRejected(() -> out.write(0, new Object[] {1L, 0L}, new Object[] {1L, 0L}, oneMissing),
                    "Row 0: feature 't' has no status");
            assertRejected(() -> out.write(0, new Object[] {1L, 0L}, new Object[] {1L, Long.MAX_VALUE}, present),
                    "Row 0: feature 't' of type timestamp cannot hold java.lang.Long " + Long.MAX_VALUE);
            assertRejected(() -> out.write(0, new Object[] {1L, Long.MIN_VALUE}, new Object[] {1L, 0L}, present),
                    "Row 0: spine column 'ts' (TIMESTAMP) cannot hold a java.lang.Long");
            assertRejected(() -> out.write(0, new Object[] {1L}, new Object[] {1L, 0L}, present),
                    "Row 0 has 1 spine values, 2 feature values and 2 statuses; expected 2, 2 and 2");
            assertRejected(() -> out.write(-1, new Object[] {1L, 0L}, new Object[] {1L, 0L}, present),
                    "Negative row number -1");
            out.write(0, new Object[] {1L, 0L}, new Object[] {2, 5L}, present);
            assertEquals(1, out.rowsWritten());
            out.finish();
        }
        assertEquals(List.of(List.of(1L, 0L, 2L, 5L)),
                sql.rows("SELECT k, epoch_ms(ts), n, epoch_ms(t) FROM read_parquet('" + file + "')"));
    }

    private static void assertRejected(Runnable write, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, write::run).getMessage());
    }

    @Test
    void clashingColumnNamesAreRejectedCaseInsensitively() {
        List<SpineColumn> spine = List.of(new SpineColumn("user_id", "VARCHAR"));
        assertClash(spine, List.of(new OutputColumn("User_Id", FieldType.INT64)),
                "Output column 'User_Id' (feature 'User_Id') clashes with spine column 'user_id'; "
                        + "column names are compared case-insensitively");
        assertClash(spine, List.of(new OutputColumn("a", FieldType.INT64), new OutputColumn("a", FieldType.STRING)),
                "Output column 'a' (feature 'a') clashes with feature 'a'; "
                        + "column names are compared case-insensitively");
        assertClash(spine, List.of(new OutputColumn("a", FieldType.INT64),
                        new OutputColumn("a__status", FieldType.STRING)),
                "Output column 'a__status' (status column of feature 'a') clashes with feature 'a__status'; "
                        + "column names are compared case-insensitively");
        assertClash(List.of(new SpineColumn("X__STATUS", "VARCHAR")), List.of(new OutputColumn("x", FieldType.BOOL)),
                "Output column 'x__status' (status column of feature 'x') clashes with spine column 'X__STATUS'; "
                        + "column names are compared case-insensitively");
        assertClash(spine, List.of(new OutputColumn(" ", FieldType.BOOL)),
                "Output column name of feature ' ' is empty");
    }

    private void assertClash(List<SpineColumn> spine, List<OutputColumn> features, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> create(dir.resolve("x.parquet"), spine, features));
        assertEquals(message, e.getMessage());
    }

    @Test
    void unsupportedOutputExtensionIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> create(dir.resolve("out.json"), SPINE, FEATURES));
        assertEquals("Unsupported training-set file out.json: the name must end in .parquet or .csv", e.getMessage());
    }

    @Test
    void outputColumnsWithAwkwardNamesAreQuoted() {
        Path file = dir.resolve("names.parquet");
        // Names that equal SQL keywords or the writer's internal column names must change nothing.
        List<SpineColumn> spine = List.of(new SpineColumn("select", "BIGINT"), new SpineColumn("a \"b\"", "VARCHAR"),
                new SpineColumn("f0", "BIGINT"));
        List<OutputColumn> features = List.of(new OutputColumn("row_number", FieldType.INT64),
                new OutputColumn("s0", FieldType.INT64));
        try (TrainingSetWriter out = create(file, spine, features)) {
            for (long row : new long[] {1, 0, 2}) {
                out.write(row, new Object[] {row, "x" + row, 10 + row}, new Object[] {-row, 20 + row},
                        new Status[] {PRESENT, PRESENT});
            }
            out.finish();
        }
        assertEquals(List.of("select", "a \"b\"", "f0", "row_number", "row_number__status", "s0", "s0__status"),
                List.copyOf(sql.types(file).keySet()));
        assertEquals(List.of(
                List.of(0L, "x0", 10L, 0L, "PRESENT", 20L, "PRESENT"),
                List.of(1L, "x1", 11L, -1L, "PRESENT", 21L, "PRESENT"),
                List.of(2L, "x2", 12L, -2L, "PRESENT", 22L, "PRESENT")),
                sql.rows("SELECT * FROM read_parquet('" + file + "')"));
    }
}
