package dev.freshet.app.imports;

import static dev.freshet.app.imports.ImportFixtures.HEADER;
import static dev.freshet.app.imports.ImportFixtures.T0;
import static dev.freshet.app.imports.ImportFixtures.export;
import static dev.freshet.app.imports.ImportFixtures.ingest;
import static dev.freshet.app.imports.ImportFixtures.readExport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.app.imports.ImportFixtures.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every invalid row is reported with its row (NDJSON: line) number and reason, and by default
 * nothing is written; {@code --skip-invalid} imports the rest and lists the rejected rows.
 */
@Timeout(120)
class IngestValidationTest {
    static final String GOOD = "u,1,1.5,true,,," + T0;

    @TempDir
    Path dir;
    Path repo;
    Path data;

    @BeforeEach
    void setUp() throws Exception {
        repo = ImportFixtures.repo(dir);
        data = dir.resolve("data");
    }

    /** The import failed and wrote nothing: the data directory was not even created. */
    private void assertNothingWritten(Run r) {
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("nothing was imported"), r.err());
        assertFalse(Files.exists(data), "no data directory was created");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "wrong type int64          | u,abc,1.5,true,,,1700000000000          | row 2: field 'n': expected an integer, got a string: \"abc\"",
            "decimal for int64         | u,1.0,1.5,true,,,1700000000000          | row 2: field 'n': expected an integer, got a decimal number: 1.0",
            "int64 out of range        | u,9223372036854775808,1.5,true,,,1700000000000 | row 2: field 'n': integer 9223372036854775808 is out of the int64 range",
            "wrong type float64        | u,1,NaN,true,,,1700000000000            | row 2: field 'score': expected a number, got a string: \"NaN\"",
            "wrong type bool           | u,1,1.5,yes,,,1700000000000             | row 2: field 'ok': expected true or false, got a string: \"yes\"",
            "missing required value    | u,1,,true,,,1700000000000               | row 2: field 'score' must not be null",
            "null event time           | u,1,1.5,true,,,                         | row 2: field 'ts' must not be null",
            "unparseable timestamp     | u,1,1.5,true,,,yesterday                | row 2: field 'ts': timestamp 'yesterday' is neither epoch milliseconds nor an ISO-8601 instant",
            "bad optional timestamp    | u,1,1.5,true,,2023-13-45 10:00:00,1700000000000 | row 2: field 'seen_at': timestamp '2023-13-45 10:00:00' is neither",
            "event in the future       | u,1,1.5,true,,,4102444800000            | row 2: field 'ts': available_at 2100-01-01T00:00:05Z (event time 2100-01-01T00:00:00Z + availability delay 5s) is after the import started",
    })
    void aBadCsvRowIsReportedWithItsRowNumberAndNothingIsWritten(String name, String bad, String expected) throws Exception {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, HEADER + "\n" + GOOD + "\n" + bad + "\n" + GOOD + "\n");
        Run r = ingest(repo, data, file);
        assertNothingWritten(r);
        assertTrue(r.err().contains("1 invalid row;"), r.err());
        assertTrue(r.err().contains(expected), name + ": " + r.err());
        assertTrue(r.err().contains("--skip-invalid"), r.err());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "wrong type           | {\"user_id\":\"u\",\"n\":\"1\",\"score\":1.5,\"ok\":true,\"ts\":1700000000000}   | line 3: field 'n': expected an integer, got a string",
            "missing required     | {\"user_id\":\"u\",\"n\":1,\"ok\":true,\"ts\":1700000000000}                     | line 3: missing required field 'score' (float64)",
            "null event time      | {\"user_id\":\"u\",\"n\":1,\"score\":1.5,\"ok\":true,\"ts\":null}                | line 3: field 'ts' must not be null",
            "unparseable time     | {\"user_id\":\"u\",\"n\":1,\"score\":1.5,\"ok\":true,\"ts\":\"2023-11-14\"}      | line 3: field 'ts': timestamp '2023-11-14' is neither",
            "unknown field        | {\"user_id\":\"u\",\"n\":1,\"score\":1.5,\"ok\":true,\"ts\":1,\"colour\":\"red\"} | line 3: unknown field 'colour'",
            "malformed JSON       | {\"user_id\":\"u\",                                                             | line 3: malformed JSON",
            "not an object        | [1,2]                                                                         | line 3: expected one JSON object per line, got an array",
            "two objects          | {\"user_id\":\"u\",\"n\":1,\"score\":1.5,\"ok\":true,\"ts\":1} {\"user_id\":\"v\"} | line 3: more than one JSON value on the line",
    })
    void aBadNdjsonLineIsReportedWithItsLineNumberAndNothingIsWritten(String name, String bad, String expected) throws Exception {
        Path file = dir.resolve("bad.ndjson");
        String good = "{\"user_id\":\"u\",\"n\":1,\"score\":1.5,\"ok\":true,\"ts\":" + T0 + "}";
        Files.writeString(file, good + "\n\n" + bad + "\n" + good + "\n");
        Run r = ingest(repo, data, file);
        assertNothingWritten(r);
        assertTrue(r.err().contains("1 invalid line;"), r.err());
        assertTrue(r.err().contains(expected), name + ": " + r.err());
    }

    @Test
    void aLineWithAValidObjectAndMoreIsRejectedAsAWhole() throws Exception {
        Path file = dir.resolve("two.ndjson");
        String good = "{\"user_id\":\"u\",\"n\":1,\"score\":1.5,\"ok\":true,\"ts\":" + T0 + "}";
        Files.writeString(file, good + "\n" + good + " " + good + "\n" + good + " }\n" + good + "\n");
        Run r = ingest(repo, data, file, "--skip-invalid");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("imported 2 events"), r.out());
        assertTrue(r.err().contains("line 2: more than one JSON value on the line"), r.err());
        assertTrue(r.err().contains("line 3: malformed JSON"), r.err());
    }

    @Test
    void aParquetColumnOfTheWrongTypeRejectsItsRows() throws Exception {
        Path file = dir.resolve("bad.parquet");
        ImportFixtures.duckdb("COPY (SELECT * FROM (VALUES ('a', '1', 1.5::DOUBLE, true, " + T0 + "::BIGINT),"
                + " ('b', 'x', 2.5::DOUBLE, false, " + T0 + "::BIGINT)) AS t(user_id, n, score, ok, ts)) TO '" + file
                + "' (FORMAT parquet)");
        Run r = ingest(repo, data, file);
        assertNothingWritten(r);
        assertTrue(r.err().contains("2 invalid rows;"), r.err());
        assertTrue(r.err().contains("row 1: field 'n': expected an integer, got a string: \"1\""), r.err());
        assertTrue(r.err().contains("row 2: field 'n': expected an integer, got a string: \"x\""), r.err());
    }

    @Test
    void unknownCsvColumnsFailTheImportUnlessIgnored() throws Exception {
        Path typo = dir.resolve("typo.csv");
        Files.writeString(typo, "user_id,n,Score,ok,ts,colour\nu,1,1.5,true," + T0 + ",red\n");
        Run r = ingest(repo, data, typo);
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("typo.csv has columns 'Score' (did you mean 'score'?), 'colour' that source 'clicks'"
                + " does not have (its fields: user_id, n, score, ok, note, seen_at, ts); remove them or pass"
                + " --ignore-extra-columns to leave them out"), r.err());
        assertFalse(Files.exists(data));

        Path extra = dir.resolve("extra.csv");
        Files.writeString(extra, HEADER + ",colour\n" + GOOD + ",red\n");
        assertEquals(1, ingest(repo, data, extra).exit());
        Run ignored = ingest(repo, data, extra, "--ignore-extra-columns");
        assertEquals(0, ignored.exit(), ignored.err());
        assertTrue(ignored.out().contains("imported 1 events"), ignored.out());
    }

    @Test
    void aHeaderNamingAColumnTwiceFailsTheFile() throws Exception {
        Path file = dir.resolve("twice.csv");
        Files.writeString(file, HEADER + ",Ts\n" + GOOD + ",1\n");
        Run r = ingest(repo, data, file);
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("the header row names column 'Ts' twice (as 'ts' and 'Ts'"), r.err());
    }

    @Test
    void unknownNdjsonFieldsAreDroppedWhenIgnored() throws Exception {
        Path file = dir.resolve("extra.ndjson");
        Files.writeString(file, "{\"user_id\":\"u\",\"colour\":{\"deep\":[1]},\"n\":1,\"score\":0.1,\"ok\":true,\"ts\":" + T0 + "}\n");
        Run ignored = ingest(repo, data, file, "--ignore-extra-columns");
        assertEquals(0, ignored.exit(), ignored.err());
        Path out = dir.resolve("out.parquet");
        assertEquals(0, export(repo, data, out).exit());
        assertEquals(0.1, readExport(out).getFirst().click().score());
    }

    @Test
    void aMissingRequiredColumnFailsTheWholeFile() throws Exception {
        Path file = dir.resolve("narrow.csv");
        Files.writeString(file, "user_id,n,ts\nu,1," + T0 + "\n");
        Run r = ingest(repo, data, file);
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("has no column for the required fields 'score' (float64), 'ok' (bool) of source 'clicks'"), r.err());
        assertFalse(Files.exists(data));
    }

    @Test
    void aNullEventTimeIsRejectedEvenWhenTheSchemaAllowsIt() throws Exception {
        Path file = dir.resolve("loose.csv");
        Files.writeString(file, "user_id,ts\na,1000\nb,\n");
        Run r = ImportFixtures.run("ingest", "--repo", repo.toString(), "--data", data.toString(), "--source", "loose",
                "--file", file.toString());
        assertNothingWritten(r);
        assertTrue(r.err().contains("row 2: field 'ts': the event time is null; every imported event needs one"), r.err());
    }

    @Test
    void atMostTwentyErrorsArePrintedWithTheTotalCount() throws Exception {
        StringBuilder csv = new StringBuilder(HEADER + "\n");
        for (int i = 0; i < 25; i++) {
            csv.append(GOOD).append('\n').append("u,x").append(i).append(",1.5,true,,,").append(T0).append('\n');
        }
        Path file = dir.resolve("many.csv");
        Files.writeString(file, csv);
        Run r = ingest(repo, data, file);
        assertNothingWritten(r);
        assertTrue(r.err().contains("25 invalid rows;"), r.err());
        assertEquals(20, r.err().lines().filter(l -> l.startsWith("  row ")).count(), r.err());
        assertTrue(r.err().contains("  row 2: field 'n'"), r.err());
        assertTrue(r.err().contains("  row 40: field 'n'"), r.err());
        assertFalse(r.err().contains("  row 42:"), r.err());
        assertTrue(r.err().contains("... and 5 more"), r.err());
        assertFalse(Files.exists(dir.resolve("many.csv.rejected.txt")), "only --skip-invalid writes the list");
    }

    @Test
    void skipInvalidImportsTheValidRowsAndListsTheRejectedOnes() throws Exception {
        Path file = dir.resolve("mixed.csv");
        Files.writeString(file, HEADER + "\n"
                + "a,1,1.5,true,,," + (T0 + 2) + "\n"
                + "b,1,oops,true,,," + T0 + "\n"
                + "c,2,2.5,false,,," + (T0 + 1) + "\n"
                + "d,3,3.5,true,,,later\n");
        Run r = ingest(repo, data, file, "--skip-invalid");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("imported 2 events"), r.out());
        assertTrue(r.out().contains("4 rows read from mixed.csv: 2 imported, 2 rejected"), r.out());
        assertTrue(r.err().contains("rejected 2 rows:"), r.err());
        assertTrue(r.err().contains("  row 2: field 'score': expected a number, got a string: \"oops\""), r.err());

        Path rejected = dir.resolve("mixed.csv.rejected.txt");
        List<String> lines = Files.readAllLines(rejected);
        assertTrue(lines.getFirst().startsWith("# rows of mixed.csv rejected by freshet ingest (source 'clicks')"), lines.getFirst());
        assertEquals(List.of("row 2: field 'score': expected a number, got a string: \"oops\"",
                "row 4: field 'ts': timestamp 'later' is neither epoch milliseconds nor an ISO-8601 instant like 2026-11-26T10:15:30Z"),
                lines.subList(1, lines.size()));

        Path out = dir.resolve("out.parquet");
        assertEquals(0, export(repo, data, out).exit());
        assertEquals(List.of("c", "a"), readExport(out).stream().map(e -> e.click().user()).toList());
    }

    @Test
    void aMalformedCsvFailsAsAWholeNamingTheLine() throws Exception {
        StringBuilder csv = new StringBuilder(HEADER + "\n");
        for (int i = 0; i < 3000; i++) {
            csv.append(GOOD).append('\n');
        }
        csv.append("u,1,1.5\n");
        Path file = dir.resolve("ragged.csv");
        Files.writeString(file, csv);
        Run r = ingest(repo, data, file, "--skip-invalid");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("Line: 3002"), r.err());
        assertFalse(Files.exists(data));
    }

    @Test
    void badOptionsAreRefusedUpFront() throws Exception {
        Path file = dir.resolve("ok.csv");
        Files.writeString(file, HEADER + "\n" + GOOD + "\n");
        Run delay = ingest(repo, data, file, "--availability-delay", "soon");
        assertEquals(1, delay.exit());
        assertTrue(delay.err().contains("--availability-delay 'soon' is not a duration"), delay.err());
        Run negative = ingest(repo, data, file, "--availability-delay", "-5s");
        assertEquals(1, negative.exit());
        assertTrue(negative.err().contains("must not be negative"), negative.err());
        Run batch = ingest(repo, data, file, "--batch", "0");
        assertEquals(1, batch.exit());
        assertTrue(batch.err().contains("batch size must be between 1 and"), batch.err());
        Run format = ingest(repo, data, dir.resolve("x.xlsx"));
        assertEquals(1, format.exit());
        assertTrue(format.err().contains("no such file"), format.err());
        Files.writeString(dir.resolve("x.xlsx"), "");
        Run unsupported = ingest(repo, data, dir.resolve("x.xlsx"));
        assertTrue(unsupported.err().contains("must end in .csv, .csv.gz, .parquet, .ndjson or .jsonl"), unsupported.err());
        Run source = ImportFixtures.run("ingest", "--repo", repo.toString(), "--data", data.toString(), "--source", "nope",
                "--file", file.toString());
        assertEquals(1, source.exit());
        assertTrue(source.err().contains("no source 'nope'"), source.err());
        assertFalse(Files.exists(data));
    }
}
