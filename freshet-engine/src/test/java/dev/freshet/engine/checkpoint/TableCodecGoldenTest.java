package dev.freshet.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.plan.ViewCompiler;
import dev.freshet.aggregation.state.CompositeKey;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationParams;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import dev.freshet.model.spec.SourceKind;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.model.spec.WindowSpec;
import dev.freshet.testkit.FieldReferences;
import dev.freshet.testkit.TestRow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Golden files of the tile-table format (STYLE.md #12): {@code golden/tile-table-v1.bin} is the
 * encoding of a fixed table covering every function and every window kind under composite
 * (string + int64) keys, and {@code golden/tile-table-v1.reads.txt} what it must read. The test
 * decodes the committed bytes with today's code, checks every read, and checks that re-encoding
 * gives the same bytes.
 *
 * <p>Rules: the files of a released version are never overwritten — old versions must keep
 * decoding (add a decoder path, not a new file). A new format version ({@link TableCodec#VERSION})
 * gets new files {@code tile-table-v<N>.*} next to the old ones, and a test for each. Everything
 * the files depend on is frozen in this class (schema, view, events, read times, rendering), so do
 * not edit those either; write a new golden test for a new shape.
 *
 * <p>Regenerate (writes only missing files of the current version):
 * {@code ./mvnw -o test -pl freshet-engine -Dtest=TableCodecGoldenTest -Dfreshet.golden.regenerate=true}
 */
class TableCodecGoldenTest {
    private static final String PREFIX = "tile-table-v" + TableCodec.VERSION;
    private static final int MAGIC_LENGTH = 8;
    private static final Schema SCHEMA = Schema.of(
            Field.required("user", FieldType.STRING),
            Field.required("region", FieldType.INT64),
            Field.optional("merchant", FieldType.STRING),
            Field.optional("amount", FieldType.FLOAT64),
            Field.optional("qty", FieldType.INT64),
            Field.required("flag", FieldType.BOOL),
            Field.required("event_time", FieldType.TIMESTAMP));
    private static final EntitySpec USER_REGION = new EntitySpec("user_region",
            List.of(Field.required("user", FieldType.STRING), Field.required("region", FieldType.INT64)), "");
    private static final SourceSpec SOURCE = new SourceSpec("payments", SourceKind.STREAM, SCHEMA, "event_time",
            Duration.ofSeconds(10), null, Duration.ofMinutes(1), null, "");
    private static final List<Object> KEYS = List.of(
            new CompositeKey("alice", 1L), new CompositeKey("alice", 2L), new CompositeKey("bob", 1L),
            new CompositeKey("carol", -7L), new CompositeKey("nobody", 0L));
    /** Events end at LAST_EVENT; the reads file shows times relative to BASE and LAST_EVENT. */
    private static final long BASE = 1_700_000_000_000L;
    private static final long LAST_EVENT = BASE + 30_000;
    /** Read times after the last event: every window kind decays in turn (session, sliding, tumbling, hopping). */
    private static final long[] READ_OFFSETS = {1, 1_501, 3_001, 7_001, 10_001, 3_600_000};

    static CompiledView view() {
        WindowSpec[] windows = {
                new WindowSpec.Hopping(Duration.ofSeconds(10), Duration.ofSeconds(1)),
                new WindowSpec.Hopping(Duration.ofSeconds(3), Duration.ofMillis(1)),
                new WindowSpec.Tumbling(Duration.ofSeconds(7)),
                new WindowSpec.Session(Duration.ofMillis(1_500)),
                new WindowSpec.Lifetime(),
        };
        String[][] functions = {
                {"count", null, null}, {"count", null, "flag"}, {"sum", "amount", null}, {"sum", "qty", "flag"},
                {"avg", "amount", null}, {"min", "amount", null}, {"max", "qty", null}, {"stddev", "amount", null},
                {"variance", "qty", null}, {"stddev_pop", "amount", null}, {"variance_pop", "amount", "flag"},
                {"first", "amount", null}, {"last", "qty", null}, {"first", "merchant", null}, {"last", "merchant", null},
                {"last_n", "merchant", null}, {"count_distinct", "merchant", null}, {"approx_count_distinct", "merchant", null},
                {"approx_percentile", "amount", null}, {"top_k", "merchant", null},
        };
        List<AggregationSpec> specs = new ArrayList<>();
        for (int w = 0; w < windows.length; w++) {
            for (String[] f : functions) {
                AggregationFunction fn = AggregationFunction.parse(f[0]).orElseThrow();
                String name = "w" + w + "_" + f[0] + "_" + (f[1] == null ? "events" : f[1]) + (f[2] == null ? "" : "_" + f[2]);
                // k is top_k's item count (2 items); approx_percentile takes no k.
                AggregationParams params = new AggregationParams(3, fn == AggregationFunction.TOP_K ? 2 : 0, 0.75, 10, 0.01);
                specs.add(new AggregationSpec(name, fn, f[1], windows[w], f[2], params, ""));
            }
        }
        FeatureViewSpec spec = new FeatureViewSpec("payments_by_user_region", "user_region", "payments", specs, null, null, Map.of(), "");
        return ViewCompiler.compile(spec, SOURCE, USER_REGION, FieldReferences::compile);
    }

    /** The fixed events, in application order (event time, then seq), the last one at {@link #LAST_EVENT}. */
    static List<Object[]> events() {
        SplittableRandom r = new SplittableRandom(20261126);
        String[] users = {"alice", "alice", "bob", "carol"};
        long[] regions = {1, 2, 1, -7};
        List<Object[]> events = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < 90; i++) {
            int u = r.nextInt(users.length);
            Object[] v = new Object[SCHEMA.size()];
            v[0] = users[u];
            v[1] = regions[u];
            v[2] = r.nextInt(6) == 0 ? null : "shop-" + r.nextInt(5);
            v[3] = r.nextInt(8) == 0 ? null : r.nextInt(100_000) / 100.0;
            v[4] = r.nextInt(8) == 0 ? null : (long) r.nextInt(-5, 40);
            v[5] = r.nextBoolean();
            v[6] = t;
            events.add(v);
            t += r.nextInt(3) == 0 ? 0 : r.nextLong(1, 1_200); // a third are ties
        }
        long shift = LAST_EVENT - (Long) events.getLast()[6];
        for (Object[] v : events) {
            v[6] = (Long) v[6] + shift;
        }
        return events;
    }

    static TileTable build() {
        TileTable table = new TileTable(view(), 4);
        List<Object[]> events = events();
        for (int i = 0; i < events.size(); i++) {
            table.apply(new TestRow(events.get(i)), i);
        }
        return table;
    }

    /**
     * One line per key, read time and feature: key, read time as LAST_EVENT+offset, feature, status,
     * value (doubles in their exact shortest form, suffixed d), event time relative to BASE (- for none).
     * The never-seen key is read once.
     */
    static String renderReads(TileTable table) {
        CompiledView view = table.view();
        FeatureVector out = new FeatureVector(view.features().size());
        TileTable.Reader reader = table.newReader();
        StringBuilder sb = new StringBuilder();
        for (Object key : KEYS) {
            for (long offset : READ_OFFSETS) {
                table.read(key, LAST_EVENT + offset, out, reader);
                for (int i = 0; i < out.size(); i++) {
                    long ts = out.eventTime(i);
                    sb.append(key).append("\t+").append(offset).append('\t').append(view.features().get(i).name()).append('\t')
                            .append(out.status(i)).append('\t').append(render(out.value(i))).append('\t')
                            .append(ts == FeatureVector.NO_TIMESTAMP ? "-" : Long.toString(ts - BASE)).append('\n');
                }
                if (table.keyId(key) < 0) {
                    break;
                }
            }
        }
        return sb.toString();
    }

    private static String render(Object v) {
        return switch (v) {
            case null -> "-";
            case String s -> '"' + s + '"';
            case Double d -> d + "d";
            case List<?> l -> {
                List<String> parts = new ArrayList<>();
                for (Object o : l) {
                    parts.add(render(o));
                }
                yield parts.toString();
            }
            default -> v.toString();
        };
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = TableCodecGoldenTest.class.getResourceAsStream("/golden/" + name)) {
            assertNotNull(in, "missing golden file " + name + " (see the class comment to generate it)");
            return in.readAllBytes();
        }
    }

    @Test
    void version1GoldenFileDecodesToItsRecordedReads() throws IOException {
        byte[] golden = resource("tile-table-v1.bin");
        TileTable table = TableCodec.decode(golden, view());
        assertEquals(4, table.keyCount());
        assertEquals(new String(resource("tile-table-v1.reads.txt"), StandardCharsets.UTF_8), renderReads(table));
    }

    @Test
    void version1GoldenFileReEncodesAsTheCurrentVersionWithTheSameReads() throws IOException {
        byte[] golden = resource("tile-table-v1.bin");
        byte[] current = TableCodec.encode(TableCodec.decode(golden, view()));
        assertEquals(new String(resource("tile-table-v1.reads.txt"), StandardCharsets.UTF_8),
                renderReads(TableCodec.decode(current, view())));
        assertArrayEquals(current, TableCodec.encode(TableCodec.decode(current, view())));
        // only the version field (and so the checksum) differs: version-1 state keeps its encoding
        assertEquals(golden.length, current.length);
        for (int i = 0; i < golden.length - 4; i++) {
            if (i < MAGIC_LENGTH || i >= MAGIC_LENGTH + 4) {
                assertEquals(golden[i], current[i], "byte " + i);
            }
        }
    }

    @Test
    void version2GoldenFileDecodesToItsRecordedReads() throws IOException {
        TileTable table = TableCodec.decode(resource("tile-table-v2.bin"), view());
        assertEquals(4, table.keyCount());
        String reads = new String(resource("tile-table-v2.reads.txt"), StandardCharsets.UTF_8);
        assertEquals(reads, renderReads(table));
        // version 2 changed how small HLL states are held, not what anything reads
        assertEquals(new String(resource("tile-table-v1.reads.txt"), StandardCharsets.UTF_8), reads);
    }

    @Test
    void version2GoldenFileReEncodesToTheSameBytes() throws IOException {
        byte[] golden = resource("tile-table-v2.bin");
        assertArrayEquals(golden, TableCodec.encode(TableCodec.decode(golden, view())));
    }

    @Test
    void currentCodeStillProducesTheVersion2Encoding() throws IOException {
        // While VERSION is 2, building the frozen table today must give the committed bytes exactly.
        if (TableCodec.VERSION == 2) {
            assertArrayEquals(resource("tile-table-v2.bin"), TableCodec.encode(build()));
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "freshet.golden.regenerate", matches = "true")
    void regenerateGoldenFilesOfTheCurrentVersion() throws IOException {
        Path dir = Path.of(System.getProperty("basedir", "."), "src", "test", "resources", "golden");
        Files.createDirectories(dir);
        TileTable table = build();
        writeNew(dir.resolve(PREFIX + ".bin"), TableCodec.encode(table));
        writeNew(dir.resolve(PREFIX + ".reads.txt"), renderReads(table).getBytes(StandardCharsets.UTF_8));
    }

    private static void writeNew(Path file, byte[] content) throws IOException {
        if (Files.exists(file)) {
            throw new IllegalStateException(file + " exists: golden files are never overwritten (delete it by hand only if"
                    + " that version was never released)");
        }
        Files.write(file, content);
    }
}
