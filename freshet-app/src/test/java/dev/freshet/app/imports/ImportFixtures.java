package dev.freshet.app.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.freshet.app.CliRun;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/** A repository with every field type, generated events, the three input formats, and the CLI. */
final class ImportFixtures {
    /** 2023-11-14T22:13:20Z: imported history lies around here, well before any test's now. */
    static final long T0 = 1_700_000_000_000L;

    /**
     * {@code clicks}: every type, two nullable fields, a 5 s availability delay. {@code loose}: a
     * nullable int64 event time.
     */
    static final String REPO = """
            kind: source
            name: clicks
            type: stream
            schema:
              user_id: string
              n: int64
              score: float64
              ok: bool
              note: {type: string, nullable: true}
              seen_at: {type: timestamp, nullable: true}
              ts: timestamp
            event_time_field: ts
            availability_delay: 5s
            ---
            kind: source
            name: loose
            type: stream
            schema:
              user_id: string
              ts: {type: int64, nullable: true}
            event_time_field: ts
            """;

    static final String HEADER = "user_id,n,score,ok,note,seen_at,ts";

    private ImportFixtures() {
    }

    /** One event of {@code clicks}. */
    record Click(String user, long n, double score, boolean ok, String note, Long seenAt, long ts) {
    }

    /** An exported row: the event, then its log coordinates. */
    record Exported(Click click, long availableAt, long offset, int partition) {
    }

    record Run(int exit, String out, String err) {
    }

    static Path repo(Path dir) throws IOException {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo);
        Files.writeString(repo.resolve("sources.yaml"), REPO);
        return repo;
    }

    static Run run(String... args) {
        CliRun r = CliRun.of(args);
        return new Run(r.exit(), r.out(), r.err());
    }

    static Run ingest(Path repo, Path data, Path file, String... more) {
        List<String> args = new ArrayList<>(List.of("ingest", "--repo", repo.toString(), "--data", data.toString(),
                "--source", "clicks", "--file", file.toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    static Run export(Path repo, Path data, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("export", "--repo", repo.toString(), "--data", data.toString(),
                "--source", "clicks", "--out", out.toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    private static final String[] TEXTS = {"u1", "ü-ñ 日本 🚀", "comma,inside", "quote\"inside", "new\nline",
            "  padded  ", "", "null", "#hash", "x"};
    private static final double[] DOUBLES = {0.1, -0.0, 0.0, 1e-300, Double.MIN_VALUE, Double.MAX_VALUE, -123.456,
            1.0 / 3, 12345678901234.5, -Double.MIN_NORMAL};

    /** {@code count} seeded events; event times collide often and come in no particular order. */
    static List<Click> clicks(long seed, int count) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Click> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double score = r.nextInt(3) == 0 ? DOUBLES[r.nextInt(DOUBLES.length)] : randomFinite(r);
            String note = switch (r.nextInt(4)) {
                case 0 -> null;
                default -> TEXTS[r.nextInt(TEXTS.length)];
            };
            Long seenAt = r.nextBoolean() ? null : T0 - r.nextLong(1, 86_400_000L * 400);
            long n = switch (r.nextInt(5)) {
                case 0 -> Long.MIN_VALUE;
                case 1 -> Long.MAX_VALUE;
                default -> r.nextLong();
            };
            out.add(new Click(TEXTS[r.nextInt(TEXTS.length)], n, score, r.nextBoolean(), note, seenAt,
                    T0 + r.nextLong(0, 50) * 1_000 + r.nextInt(3)));
        }
        return out;
    }

    private static double randomFinite(SplittableRandom r) {
        while (true) {
            double d = Double.longBitsToDouble(r.nextLong());
            if (Double.isFinite(d)) {
                return d;
            }
        }
    }

    /** The events as the log must hold them: stable-sorted by event time. */
    static List<Click> sortedByEventTime(List<Click> clicks) {
        List<Click> sorted = new ArrayList<>(clicks);
        sorted.sort(Comparator.comparingLong(Click::ts)); // List.sort is stable
        return sorted;
    }

    /** CSV with a header; timestamps alternate between epoch ms, ISO-8601 instants and SQL form. */
    static void writeCsv(Path file, List<Click> clicks) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        int i = 0;
        for (Click c : clicks) {
            sb.append(csvText(c.user())).append(',').append(c.n()).append(',').append(c.score()).append(',')
                    .append(i % 2 == 0 ? c.ok() : (c.ok() ? "TRUE" : "False")).append(',')
                    .append(c.note() == null ? "" : csvText(c.note())).append(',')
                    .append(c.seenAt() == null ? "" : csvTime(c.seenAt(), i + 1)).append(',')
                    .append(csvTime(c.ts(), i)).append('\n');
            i++;
        }
        Files.writeString(file, sb);
    }

    static String csvText(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    private static String csvTime(long ms, int i) {
        return switch (i % 3) {
            case 0 -> Long.toString(ms);
            case 1 -> Instant.ofEpochMilli(ms).toString();
            default -> DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(ms));
        };
    }

    /** NDJSON; timestamps alternate between epoch ms and ISO-8601; a blank line every 7 events. */
    static void writeNdjson(Path file, List<Click> clicks) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            int i = 0;
            for (Click c : clicks) {
                StringWriter line = new StringWriter();
                try (JsonGenerator g = new JsonFactory().createGenerator(line)) {
                    g.writeStartObject();
                    g.writeStringField("user_id", c.user());
                    g.writeNumberField("n", c.n());
                    g.writeNumberField("score", c.score());
                    g.writeBooleanField("ok", c.ok());
                    g.writeFieldName("note");
                    if (c.note() == null) {
                        g.writeNull();
                    } else {
                        g.writeString(c.note());
                    }
                    if (c.seenAt() != null) {
                        g.writeNumberField("seen_at", c.seenAt());
                    }
                    g.writeFieldName("ts");
                    if (i % 2 == 0) {
                        g.writeNumber(c.ts());
                    } else {
                        g.writeString(Instant.ofEpochMilli(c.ts()).toString());
                    }
                    g.writeEndObject();
                }
                w.write(line.toString());
                w.write(i % 7 == 6 ? "\n\n" : "\n");
                i++;
            }
        }
    }

    /** Parquet written by DuckDB with native types (TIMESTAMP for timestamps). */
    static void writeParquet(Path file, List<Click> clicks) throws SQLException {
        try (DuckDBConnection c = DriverManager.getConnection("jdbc:duckdb:").unwrap(DuckDBConnection.class);
                Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            s.execute("CREATE TABLE t (user_id VARCHAR, n BIGINT, score DOUBLE, ok BOOLEAN, note VARCHAR, seen_at TIMESTAMP, ts TIMESTAMP)");
            try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "t")) {
                for (Click k : clicks) {
                    a.beginRow();
                    a.append(k.user());
                    a.append(k.n());
                    a.append(k.score());
                    a.append(k.ok());
                    if (k.note() == null) {
                        a.appendNull();
                    } else {
                        a.append(k.note());
                    }
                    if (k.seenAt() == null) {
                        a.appendNull();
                    } else {
                        a.appendEpochMicros(k.seenAt() * 1000);
                    }
                    a.appendEpochMicros(k.ts() * 1000);
                    a.endRow();
                }
            }
            s.execute("COPY t TO '" + file.toString().replace("'", "''") + "' (FORMAT parquet)");
        }
    }

    /** Runs SQL against a fresh in-memory DuckDB (e.g. to write a test file with COPY). */
    static void duckdb(String... sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    /** The rows of an exported Parquet file, in file order, checking its column types. */
    static List<Exported> readExport(Path parquet) throws SQLException {
        String scan = "read_parquet('" + parquet.toString().replace("'", "''") + "')";
        List<Exported> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            List<String> types = new ArrayList<>();
            try (ResultSet r = s.executeQuery("DESCRIBE SELECT * FROM " + scan)) {
                while (r.next()) {
                    types.add(r.getString("column_name") + " " + r.getString("column_type"));
                }
            }
            assertEquals(List.of("user_id VARCHAR", "n BIGINT", "score DOUBLE", "ok BOOLEAN", "note VARCHAR",
                    "seen_at TIMESTAMP", "ts TIMESTAMP", "available_at TIMESTAMP", "log_offset BIGINT", "partition INTEGER"), types);
            try (ResultSet r = s.executeQuery("SELECT user_id, n, score, ok, note, epoch_ms(seen_at), epoch_ms(ts),"
                    + " epoch_ms(available_at), log_offset, \"partition\" FROM " + scan)) {
                while (r.next()) {
                    long seen = r.getLong(6);
                    Long seenAt = r.wasNull() ? null : seen;
                    out.add(new Exported(new Click(r.getString(1), r.getLong(2), r.getDouble(3), r.getBoolean(4),
                            r.getString(5), seenAt, r.getLong(7)), r.getLong(8), r.getLong(9), r.getInt(10)));
                }
            }
        }
        return out;
    }

    /**
     * Asserts that the export holds exactly {@code expected} (already in log order) at offsets
     * {@code first..}, each available {@code delay} ms after its event time; doubles bit for bit.
     */
    static void assertExported(List<Click> expected, List<Exported> actual, long first, long delay) {
        assertEquals(expected.size(), actual.size(), "rows");
        for (int i = 0; i < expected.size(); i++) {
            Click e = expected.get(i);
            Exported a = actual.get(i);
            String at = "row " + i + " " + e;
            assertEquals(e.user(), a.click().user(), at);
            assertEquals(e.n(), a.click().n(), at);
            assertEquals(Double.doubleToRawLongBits(e.score()), Double.doubleToRawLongBits(a.click().score()), at);
            assertEquals(e.ok(), a.click().ok(), at);
            assertEquals(e.note(), a.click().note(), at);
            assertEquals(e.seenAt(), a.click().seenAt(), at);
            assertEquals(e.ts(), a.click().ts(), at);
            assertEquals(e.ts() + delay, a.availableAt(), at);
            assertEquals(first + i, a.offset(), at);
            assertEquals(0, a.partition(), at);
        }
    }
}
