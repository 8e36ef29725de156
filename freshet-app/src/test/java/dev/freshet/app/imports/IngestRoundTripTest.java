package dev.freshet.app.imports;

import static dev.freshet.app.imports.ImportFixtures.T0;
import static dev.freshet.app.imports.ImportFixtures.assertExported;
import static dev.freshet.app.imports.ImportFixtures.clicks;
import static dev.freshet.app.imports.ImportFixtures.export;
import static dev.freshet.app.imports.ImportFixtures.ingest;
import static dev.freshet.app.imports.ImportFixtures.readExport;
import static dev.freshet.app.imports.ImportFixtures.sortedByEventTime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.app.imports.ImportFixtures.Click;
import dev.freshet.app.imports.ImportFixtures.Run;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Import then export: every value of every type comes back exactly, in event-time order. */
@Timeout(120)
class IngestRoundTripTest {
    @TempDir
    Path dir;

    private Path write(String format, List<Click> clicks) throws Exception {
        Path file = dir.resolve("clicks." + format);
        switch (format) {
            case "csv" -> ImportFixtures.writeCsv(file, clicks);
            case "csv.gz" -> {
                Path plain = dir.resolve("plain.csv");
                ImportFixtures.writeCsv(plain, clicks);
                try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                    out.write(Files.readAllBytes(plain));
                }
            }
            case "parquet" -> ImportFixtures.writeParquet(file, clicks);
            case "ndjson", "jsonl" -> ImportFixtures.writeNdjson(file, clicks);
            default -> throw new IllegalArgumentException(format);
        }
        return file;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"csv", "csv.gz", "parquet", "ndjson", "jsonl"})
    void everyFormatImportsEveryValueExactlyInEventTimeOrder(String format) throws Exception {
        Path repo = ImportFixtures.repo(dir);
        Path data = dir.resolve("data");
        List<Click> clicks = clicks(20_261_126L + format.hashCode(), 700);
        Run in = ingest(repo, data, write(format, clicks));
        assertEquals(0, in.exit(), in.err());
        assertTrue(in.out().contains("imported 700 events into source 'clicks'"), in.out());
        assertTrue(in.out().contains("offsets 0..699"), in.out());
        assertTrue(in.out().contains("700 " + (format.startsWith("csv") || format.equals("parquet") ? "rows" : "lines")
                + " read"), in.out());
        assertTrue(in.out().contains("(event time + 5s)"), "the source's availability_delay is the default: " + in.out());

        Path out = dir.resolve("export/clicks.parquet");
        Run ex = export(repo, data, out);
        assertEquals(0, ex.exit(), ex.err());
        assertTrue(ex.out().contains("700 events"), ex.out());
        assertExported(sortedByEventTime(clicks), readExport(out), 0, 5_000);
    }

    @Test
    void anExplicitAvailabilityDelayOverridesTheSources() throws Exception {
        Path repo = ImportFixtures.repo(dir);
        Path data = dir.resolve("data");
        List<Click> clicks = clicks(7, 50);
        Run in = ingest(repo, data, write("csv", clicks), "--availability-delay", "1m30s", "--batch", "7");
        assertEquals(0, in.exit(), in.err());
        Path out = dir.resolve("clicks.parquet");
        assertEquals(0, export(repo, data, out).exit());
        assertExported(sortedByEventTime(clicks), readExport(out), 0, 90_000);
    }

    @Test
    void rowsAreAppendedSortedByEventTimeAndTiesKeepFileOrder() throws Exception {
        Path repo = ImportFixtures.repo(dir);
        Path data = dir.resolve("data");
        Path file = dir.resolve("few.csv");
        Files.writeString(file, ImportFixtures.HEADER + "\n"
                + "a,1,1.0,true,,," + (T0 + 3) + "\n"
                + "b,2,2.0,true,,," + (T0 + 1) + "\n"
                + "c,3,3.0,true,,," + (T0 + 2) + "\n"
                + "d,4,4.0,true,,," + (T0 + 1) + "\n");
        assertEquals(0, ingest(repo, data, file, "--availability-delay", "0s").exit());
        Path out = dir.resolve("few.parquet");
        assertEquals(0, export(repo, data, out).exit());
        assertEquals(List.of("b", "d", "c", "a"), readExport(out).stream().map(e -> e.click().user()).toList());
        assertEquals(List.of(T0 + 1, T0 + 1, T0 + 2, T0 + 3), readExport(out).stream().map(e -> e.availableAt()).toList());
    }

    @Test
    void aCsvExportImportsAgainIntoAnotherDataDirectory() throws Exception {
        Path repo = ImportFixtures.repo(dir);
        List<Click> clicks = clicks(11, 300);
        assertEquals(0, ingest(repo, dir.resolve("data1"), write("parquet", clicks)).exit());
        Path csv = dir.resolve("export.csv");
        Run ex = export(repo, dir.resolve("data1"), csv);
        assertEquals(0, ex.exit(), ex.err());
        assertTrue(Files.readString(csv).startsWith("user_id,n,score,ok,note,seen_at,ts,available_at,log_offset,partition\n"));

        Run again = ingest(repo, dir.resolve("data2"), csv, "--ignore-extra-columns");
        assertEquals(0, again.exit(), again.err());
        Path out = dir.resolve("again.parquet");
        assertEquals(0, export(repo, dir.resolve("data2"), out).exit());
        assertExported(sortedByEventTime(clicks), readExport(out), 0, 5_000);
    }

    @Test
    void exportFromAnOffsetWritesTheTailOnly() throws Exception {
        Path repo = ImportFixtures.repo(dir);
        Path data = dir.resolve("data");
        List<Click> clicks = clicks(3, 40);
        assertEquals(0, ingest(repo, data, write("ndjson", clicks)).exit());
        Path out = dir.resolve("tail.parquet");
        Run ex = export(repo, data, out, "--from-offset", "25");
        assertEquals(0, ex.exit(), ex.err());
        assertTrue(ex.out().contains("15 events"), ex.out());
        List<Click> sorted = sortedByEventTime(clicks);
        assertExported(sorted.subList(25, 40), readExport(out), 25, 5_000);

        Run past = export(repo, data, dir.resolve("none.parquet"), "--from-offset", "41");
        assertEquals(1, past.exit());
        assertTrue(past.err().contains("outside the log of source 'clicks'"), past.err());
        Run badName = export(repo, data, dir.resolve("x.json"));
        assertEquals(1, badName.exit());
        assertTrue(badName.err().contains("must end in .parquet or .csv"), badName.err());
    }

    /** An export without events says why, instead of "(offsets 0..-1)"; the file still has its header. */
    @Test
    void anExportWithoutEventsSaysWhy() throws Exception {
        Path repo = ImportFixtures.repo(dir);
        Path data = Files.createDirectories(dir.resolve("data"));
        Path out = dir.resolve("empty.csv");
        Run empty = export(repo, data, out);
        assertEquals(0, empty.exit(), empty.err());
        assertTrue(empty.out().startsWith("wrote ") && empty.out().strip().endsWith(" with no events: the log of source 'clicks'"
                + " is empty (events come from `freshet serve` over HTTP or from `freshet ingest`)"), empty.out());
        assertTrue(Files.readString(out).startsWith("user_id,n,score,"), Files.readString(out));
        Run past = export(repo, data, out, "--from-offset", "1");
        assertEquals(1, past.exit());
        assertEquals("export: --from-offset 1 is outside the log of source 'clicks', which is empty", past.err().strip());

        assertEquals(0, ingest(repo, data, write("csv", clicks(5, 3))).exit());
        Run atEnd = export(repo, data, out, "--from-offset", "3");
        assertEquals(0, atEnd.exit(), atEnd.err());
        assertTrue(atEnd.out().strip().endsWith(" with no events: the log of source 'clicks' ends at offset 2, before"
                + " --from-offset 3"), atEnd.out());
    }

    @Test
    void parquetIntegerEventTimesAreEpochMillisAndNanosecondTimestampsFloorToTheMillisecond() throws Exception {
        Path repo = ImportFixtures.repo(dir);
        Path data = dir.resolve("data");
        Path file = dir.resolve("typed.parquet");
        ImportFixtures.duckdb("COPY (SELECT 'a' AS user_id, 1::INTEGER AS n, 2::INTEGER AS score, true AS ok,"
                + " TIMESTAMP_NS '2023-11-14 22:13:20.123999999' AS seen_at, " + T0 + "::BIGINT AS ts) TO '"
                + file + "' (FORMAT parquet)");
        Run in = ingest(repo, data, file, "--availability-delay", "0s");
        assertEquals(0, in.exit(), in.err());
        Path out = dir.resolve("typed-out.parquet");
        assertEquals(0, export(repo, data, out).exit());
        assertExported(List.of(new Click("a", 1, 2.0, true, null, T0 + 123, T0)), readExport(out), 0, 0);
    }
}
