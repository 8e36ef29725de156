package dev.freshet.aggregation.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Golden images of top_k states past the exact range (STYLE.md #12): {@code golden/top-k-v1.bin}
 * holds the states of fixed streams — purged by updates, by a merge, and with equal counts (entries
 * kept at 0) — and {@code golden/top-k-v1.reads.txt} their entries, offset, weight and answer. The
 * purge rules decide these states, so a checkpoint taken by one version evolves the same under the
 * next only while these bytes stay: the test decodes the committed images, checks their reads and
 * re-encoding, and that today's code builds exactly them. (States within the exact range are pinned
 * by freshet-engine's tile-table golden files, whose images the previous version wrote.)
 *
 * <p>Never overwrite these files; everything they depend on is frozen in this class. Regenerate
 * missing files with
 * {@code ./mvnw -o test -pl freshet-aggregation -Dtest=TopKGoldenTest -Dfreshet.golden.regenerate=true}
 */
class TopKGoldenTest {
    private static final String PREFIX = "top-k-v1";

    private record Case(String name, int k, Object state) {
    }

    private static Object build(TopKAggregator a, Object ir, List<String> values) {
        for (String v : values) {
            ir = a.update(ir, new InputCell().setObject(v), 0, 0);
        }
        return ir;
    }

    private static List<String> skewed(long seed, int n, int distinct) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add("m" + (int) Math.floor(distinct * Math.pow(r.nextDouble(), 2.5)));
        }
        return values;
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        TopKAggregator two = new TopKAggregator(2);
        cases.add(new Case("updates", 2, build(two, null, skewed(1, 5_000, 500))));
        List<String> flat = new ArrayList<>();
        for (int rep = 0; rep < 2; rep++) {
            for (int i = 0; i < 70; i++) {
                flat.add("f" + i);
            }
        }
        cases.add(new Case("flat", 2, build(two, null, flat)));
        TopKAggregator five = new TopKAggregator(5);
        Object x = build(five, null, skewed(2, 3_000, 1_000));
        Object y = build(five, null, skewed(3, 3_000, 1_000));
        cases.add(new Case("merge", 5, five.merge(five.merge(null, x), y)));
        return cases;
    }

    private static byte[] encode(List<Case> cases) {
        ByteWriter w = new ByteWriter();
        w.writeVarLong(cases.size());
        for (Case c : cases) {
            w.writeString(c.name()).writeVarLong(c.k());
            new TopKAggregator(c.k()).write(c.state(), w);
        }
        return w.toByteArray();
    }

    private static List<Case> decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        List<Case> cases = new ArrayList<>();
        for (long n = in.readVarLong(); n > 0; n--) {
            String name = in.readString();
            int k = (int) in.readVarLong();
            cases.add(new Case(name, k, new TopKAggregator(k).read(in)));
        }
        assertFalse(in.hasRemaining());
        return cases;
    }

    private static String render(List<Case> cases) {
        StringBuilder sb = new StringBuilder();
        for (Case c : cases) {
            FrequentItems s = (FrequentItems) c.state();
            FeatureVector out = new FeatureVector(1);
            new TopKAggregator(c.k()).result(s, true, out, 0, 0);
            sb.append(c.name()).append("\tk=").append(c.k()).append("\tweight=").append(s.weight).append("\toffset=")
                    .append(s.offset).append("\tentries=").append(s.size).append("\ttop=").append(out.value(0)).append('\n');
            for (int e : s.byItem()) {
                sb.append('\t').append(s.items[e]).append('=').append(s.counts[e]).append('\n');
            }
        }
        return sb.toString();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = TopKGoldenTest.class.getResourceAsStream("/golden/" + name)) {
            assertNotNull(in, "missing golden file " + name + " (see the class comment to generate it)");
            return in.readAllBytes();
        }
    }

    @Test
    void goldenStatesDecodeToTheirRecordedReadsAndReEncodeToTheSameBytes() throws IOException {
        byte[] golden = resource(PREFIX + ".bin");
        List<Case> decoded = decode(golden);
        assertEquals(new String(resource(PREFIX + ".reads.txt"), StandardCharsets.UTF_8), render(decoded));
        assertArrayEquals(golden, encode(decoded));
    }

    @Test
    void currentCodeBuildsTheGoldenStates() throws IOException {
        assertArrayEquals(resource(PREFIX + ".bin"), encode(cases()));
    }

    @Test
    @EnabledIfSystemProperty(named = "freshet.golden.regenerate", matches = "true")
    void regenerateGoldenFiles() throws IOException {
        Path dir = Path.of(System.getProperty("basedir", "."), "src", "test", "resources", "golden");
        Files.createDirectories(dir);
        List<Case> cases = cases();
        writeNew(dir.resolve(PREFIX + ".bin"), encode(cases));
        writeNew(dir.resolve(PREFIX + ".reads.txt"), render(cases).getBytes(StandardCharsets.UTF_8));
    }

    private static void writeNew(Path file, byte[] content) throws IOException {
        if (Files.exists(file)) {
            throw new IllegalStateException(file + " exists: golden files are never overwritten");
        }
        Files.write(file, content);
    }
}
