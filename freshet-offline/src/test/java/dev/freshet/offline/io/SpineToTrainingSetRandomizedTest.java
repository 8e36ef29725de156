package dev.freshet.offline.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.aggregation.Status;
import dev.freshet.model.spec.FieldType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Seeded end-to-end check of the io layer: a random spine file is read with {@link SpineReader},
 * each row gets random features and is written with {@link TrainingSetWriter} in timestamp order
 * (not file order), and the output is read back with DuckDB and compared value by value with what
 * was generated: spine columns unchanged and in file order, doubles bit for bit, features NULL
 * unless PRESENT.
 */
class SpineToTrainingSetRandomizedTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 3000;
    private static final long T0 = 1_704_067_200_000L;
    private static final List<OutputColumn> FEATURES = List.of(
            new OutputColumn("clicks", FieldType.INT64),
            new OutputColumn("mean", FieldType.FLOAT64),
            new OutputColumn("is_hot", FieldType.BOOL),
            new OutputColumn("recent", FieldType.STRING),
            new OutputColumn("seen_at", FieldType.TIMESTAMP),
            OutputColumn.json("items"));

    @TempDir
    Path dir;

    /** One generated spine row: (id, user_id, n, x, flag, ts ms); id is the file position. */
    private record SpineRow(long id, String user, Integer n, Double x, Boolean flag, long ts) {}

    @ParameterizedTest
    @CsvSource({"1, parquet", "2, csv", "3, parquet", "4, csv"})
    void spineValuesSurviveAndFeaturesLandOnTheirRows(long seed, String format) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        List<SpineRow> spine = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            // few distinct timestamps (many ties), some before 1970
            long ts = T0 + (random.nextInt(100) - 60) * 86_400_000L * 366 + random.nextInt(3);
            Integer n = random.nextInt(5) == 0 ? null : random.nextInt();
            Double x = random.nextInt(7) == 0 ? null : randomDouble(random);
            Boolean flag = random.nextInt(9) == 0 ? null : random.nextBoolean();
            spine.add(new SpineRow(i, randomString(random), n, x, flag, ts));
        }
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path spineFile = dir.resolve("spine." + format);
        Path outFile = dir.resolve("out." + format);
        try (Sql sql = new Sql()) {
            writeSpine(sql, spine, spineFile);
        }

        Object[][] features = new Object[ROWS][];
        Status[][] statuses = new Status[ROWS][];
        List<Long> readOrder = new ArrayList<>();
        try (SpineReader reader = SpineReader.open(spineFile, "ts", List.of("user_id"), tmp, "128MB");
                TrainingSetWriter writer = TrainingSetWriter.create(outFile, reader.columns(), FEATURES, tmp,
                        "128MB")) {
            assertEquals(ROWS, reader.rowCount());
            Object[] values = new Object[reader.columns().size()];
            while (reader.next()) {
                int row = Math.toIntExact(reader.rowNumber());
                readOrder.add(reader.rowNumber());
                for (int c = 0; c < values.length; c++) {
                    values[c] = reader.value(c);
                }
                SpineRow expected = spine.get(row);
                Long n = expected.n() == null ? null : (long) expected.n(); // CSV reads it as BIGINT
                assertEquals(Arrays.asList(expected.id(), expected.user(), n, expected.x(), expected.flag(),
                        expected.ts()), Arrays.asList(values), "spine row " + row);
                assertEquals(expected.ts(), reader.timestampMillis());
                features[row] = randomFeatures(random);
                statuses[row] = randomStatuses(random);
                writer.write(row, values, features[row], statuses[row]);
            }
            writer.finish();
        }
        assertEquals(spine.stream().sorted(Comparator.comparingLong(SpineRow::ts).thenComparingLong(SpineRow::id))
                .map(SpineRow::id).toList(), readOrder, "(timestamp, row) order");

        try (Sql sql = new Sql()) {
            String scan = format.equals("parquet") ? "read_parquet('" + outFile + "')"
                    : "read_csv('" + outFile + "', header = true, all_varchar = true)";
            // CSV is read as text and cast here, so that a column that happens to be all NULL still compares
            List<List<Object>> rows = sql.rows("SELECT id::BIGINT, user_id, n::INTEGER, x::DOUBLE, flag::BOOLEAN, "
                    + "epoch_ms(ts::TIMESTAMP), clicks::BIGINT, clicks__status, mean::DOUBLE, mean__status, "
                    + "is_hot::BOOLEAN, is_hot__status, recent, recent__status, epoch_ms(seen_at::TIMESTAMP), "
                    + "seen_at__status, "
                    + "items, items__status FROM " + scan);
            assertEquals(ROWS, rows.size());
            for (int i = 0; i < ROWS; i++) {
                assertRow(spine.get(i), features[i], statuses[i], rows.get(i));
            }
        }
    }

    private static void assertRow(SpineRow spine, Object[] features, Status[] statuses, List<Object> actual)
            throws IOException {
        String where = "output row " + spine.id();
        assertEquals(Arrays.asList(spine.id(), spine.user(), spine.n()), actual.subList(0, 3), where);
        assertSameDouble(spine.x(), actual.get(3), where);
        assertEquals(Arrays.asList(spine.flag(), spine.ts()), actual.subList(4, 6), where);
        for (int f = 0; f < FEATURES.size(); f++) {
            Object value = actual.get(6 + 2 * f);
            assertEquals(statuses[f].name(), actual.get(7 + 2 * f), where);
            Object expected = statuses[f] == Status.PRESENT ? features[f] : null;
            if (FEATURES.get(f).type() == FieldType.FLOAT64) {
                assertSameDouble((Double) expected, value, where);
            } else if (FEATURES.get(f).type() == null && expected != null) {
                assertEquals(JSON.valueToTree(expected), JSON.readTree((String) value), where);
            } else {
                assertEquals(expected, value, where + " feature " + FEATURES.get(f).name());
            }
        }
    }

    private static void assertSameDouble(Double expected, Object actual, String where) {
        if (expected == null || actual == null) {
            assertEquals(expected, actual, where);
        } else {
            assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits((Double) actual),
                    where + ": " + expected + " came back as " + actual);
        }
    }

    private static void writeSpine(Sql sql, List<SpineRow> rows, Path file) throws SQLException {
        sql.exec("CREATE TABLE spine (id BIGINT, user_id VARCHAR, n INTEGER, x DOUBLE, flag BOOLEAN, ts TIMESTAMP)");
        try (DuckDBAppender a = sql.connection.unwrap(DuckDBConnection.class)
                .createAppender(DuckDBConnection.DEFAULT_SCHEMA, "spine")) {
            for (SpineRow r : rows) {
                a.beginRow().append(r.id()).append(r.user()).append(r.n()).append(r.x()).append(r.flag())
                        .appendEpochMicros(r.ts() * 1000).endRow();
            }
        }
        sql.copy("SELECT * FROM spine ORDER BY id", file);
    }

    /** Text that stresses CSV quoting; always starts with a letter so the CSV sniffer keeps VARCHAR. */
    private static String randomString(SplittableRandom random) {
        String[] pieces = {"a", "Z", ",", "\"", " ", "é", "ü", "日本", "\n", "'", "\\", "0", "9", ";", "|", "\t"};
        StringBuilder s = new StringBuilder("u");
        for (int i = random.nextInt(8); i > 0; i--) {
            s.append(pieces[random.nextInt(pieces.length)]);
        }
        return s.toString();
    }

    private static double randomDouble(SplittableRandom random) {
        return switch (random.nextInt(6)) {
            case 0 -> Double.longBitsToDouble(random.nextLong()); // any bit pattern, NaNs included
            case 1 -> new double[] {0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, Double.POSITIVE_INFINITY,
                    Double.NEGATIVE_INFINITY, Double.NaN}[random.nextInt(7)];
            case 2 -> random.nextInt(1000) / 10.0;
            default -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-300, 300));
        };
    }

    private static Object[] randomFeatures(SplittableRandom random) {
        List<Object> items = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            items.add(random.nextBoolean() ? random.nextLong() : randomString(random));
        }
        return new Object[] {random.nextLong(), randomDouble(random), random.nextBoolean(), randomString(random),
                T0 + random.nextLong(-T0, T0), items};
    }

    private static Status[] randomStatuses(SplittableRandom random) {
        Status[] all = Status.values();
        Status[] statuses = new Status[FEATURES.size()];
        for (int i = 0; i < statuses.length; i++) {
            statuses[i] = random.nextInt(3) == 0 ? all[random.nextInt(all.length)] : Status.PRESENT;
        }
        return statuses;
    }
}
