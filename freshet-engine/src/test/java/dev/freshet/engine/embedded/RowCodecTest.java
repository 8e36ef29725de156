package dev.freshet.engine.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.codec.CorruptStateException;
import dev.freshet.engine.EventBatch;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import dev.freshet.testkit.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RowCodecTest {
    /** Every type, nullable and not, and more than 8 fields (a two-byte null bitmap). */
    static final Schema SCHEMA = Schema.of(
            Field.required("id", FieldType.STRING),
            Field.optional("n", FieldType.INT64),
            Field.optional("x", FieldType.FLOAT64),
            Field.optional("ok", FieldType.BOOL),
            Field.required("ts", FieldType.TIMESTAMP),
            Field.optional("s1", FieldType.STRING),
            Field.optional("n2", FieldType.INT64),
            Field.optional("x2", FieldType.FLOAT64),
            Field.optional("b2", FieldType.BOOL),
            Field.optional("s2", FieldType.STRING));

    static LongStream seeds() {
        return Seeds.of(20_261_204L, 20);
    }

    private static final long[] LONGS = {0, 1, -1, 63, 64, -64, -65, Long.MIN_VALUE, Long.MAX_VALUE, 1_700_000_000_000L};
    private static final double[] DOUBLES = {0.0, -0.0, 1.5, -2.25e300, Double.MIN_VALUE, Double.NaN,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.longBitsToDouble(0x7ff8_0000_0000_0abcL)};
    private static final String[] STRINGS = {"", "a", "card-42", "ünïcødé ✓ 𝄞", "x".repeat(300), "quote\" back\\slash\n"};

    static Object randomValue(SplittableRandom r, FieldType type) {
        return switch (type) {
            case INT64, TIMESTAMP -> r.nextBoolean() ? LONGS[r.nextInt(LONGS.length)] : r.nextLong();
            case FLOAT64 -> r.nextBoolean() ? DOUBLES[r.nextInt(DOUBLES.length)] : r.nextDouble(-1e6, 1e6);
            case BOOL -> r.nextBoolean();
            case STRING -> r.nextBoolean() ? STRINGS[r.nextInt(STRINGS.length)] : "s" + r.nextInt();
        };
    }

    static EventBatch randomBatch(long seed, int rows) {
        SplittableRandom r = new SplittableRandom(seed);
        EventBatch b = new EventBatch(SCHEMA, 4);
        for (int i = 0; i < rows; i++) {
            int row = b.addRow();
            for (int f = 0; f < SCHEMA.size(); f++) {
                if (!SCHEMA.field(f).nullable() || r.nextInt(4) != 0) {
                    b.setObject(row, f, randomValue(r, SCHEMA.field(f).type()));
                }
            }
        }
        return b;
    }

    /** Values compared exactly (doubles by their raw bits, so NaN payloads and -0.0 count). */
    static String render(EventBatch b, int row) {
        List<String> parts = new ArrayList<>();
        for (int f = 0; f < SCHEMA.size(); f++) {
            parts.add(render1(b, row, f));
        }
        return String.join("|", parts);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void roundTripKeepsEveryValueNullAndCoordinate(long seed) {
        EventBatch in = randomBatch(seed, 50);
        SplittableRandom r = new SplittableRandom(~seed);
        long accept = r.nextLong();
        int partition = r.nextInt(0, Integer.MAX_VALUE);
        List<byte[]> records = RowCodec.encodeBatch(in, accept, partition);
        EventBatch out = new EventBatch(SCHEMA, 1);
        for (int i = 0; i < records.size(); i++) {
            assertEquals(accept, RowCodec.acceptTime(records.get(i)));
            assertEquals(partition, RowCodec.partition(records.get(i)));
            int row = RowCodec.decodeInto(records.get(i), out);
            assertEquals(i, row);
            assertEquals(render(in, i), render(out, row), "row " + i);
        }
    }

    /** Strings UTF-8 cannot carry (unpaired surrogates), beside well-formed ones with surrogate pairs. */
    private static final String[] ODD_STRINGS = {"\uD800", "a\uDC00b", "x\uD83D", "\uDE00\uD83D", "\uD83D\uDE00",
            "𝄞 ok", "plain"};

    /** Like {@link #render}, but a bool by its stored number (1 and 2 differ). */
    private static String renderExactly(EventBatch b, int row) {
        List<String> parts = new ArrayList<>();
        for (int f = 0; f < SCHEMA.size(); f++) {
            boolean bool = SCHEMA.field(f).type() == FieldType.BOOL && !b.isNull(row, f);
            parts.add(bool ? "bool:" + b.getLong(row, f) : render1(b, row, f));
        }
        return String.join("|", parts);
    }

    private static String render1(EventBatch b, int row, int f) {
        Object v = b.getObject(row, f);
        return v instanceof Double d ? "0x" + Long.toHexString(Double.doubleToRawLongBits(d)) : Objects.toString(v);
    }

    /**
     * The live path applies the appended batch itself, a replay decodes the records: after
     * {@code normalize} the two must be the same values, whatever the strings and bools held.
     */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void normalizedBatchEqualsTheDecodingOfItsRecords(long seed) {
        EventBatch in = randomBatch(seed, 60);
        SplittableRandom r = new SplittableRandom(seed ^ 0x5eed);
        int lossy = 0;
        for (int row = 0; row < in.size(); row++) {
            for (int f = 0; f < SCHEMA.size(); f++) {
                FieldType type = SCHEMA.field(f).type();
                if (type == FieldType.STRING && r.nextInt(3) == 0) {
                    String s = ODD_STRINGS[r.nextInt(ODD_STRINGS.length)];
                    in.setString(row, f, s);
                    lossy += s.equals(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)) ? 0 : 1;
                } else if (type == FieldType.BOOL && r.nextInt(3) == 0) {
                    in.setLong(row, f, r.nextInt(-2, 5)); // a bool set through setObject(Number)
                }
            }
        }
        assertTrue(lossy > 0, "the batch holds strings UTF-8 cannot carry");
        List<byte[]> records = RowCodec.encodeBatch(in, 7, 0);
        EventBatch decoded = new EventBatch(SCHEMA, 1);
        records.forEach(rec -> RowCodec.decodeInto(rec, decoded));
        RowCodec.normalize(in);
        for (int row = 0; row < in.size(); row++) {
            assertEquals(renderExactly(decoded, row), renderExactly(in, row), "row " + row);
        }
        List<byte[]> again = RowCodec.encodeBatch(in, 7, 0);
        for (int i = 0; i < records.size(); i++) {
            assertArrayEquals(records.get(i), again.get(i), "normalizing does not change the record " + i);
        }
    }

    @Test
    void stampingTheAcceptTimeChangesNothingElse() {
        EventBatch in = randomBatch(7, 3);
        List<byte[]> records = RowCodec.encodeBatch(in, 0, 0);
        for (byte[] record : records) {
            RowCodec.stampAcceptTime(record, -123_456_789L);
        }
        EventBatch out = new EventBatch(SCHEMA, 1);
        for (int i = 0; i < records.size(); i++) {
            assertEquals(-123_456_789L, RowCodec.acceptTime(records.get(i)));
            RowCodec.decodeInto(records.get(i), out);
            assertEquals(render(in, i), render(out, i));
        }
    }

    /** The fixed rows pinned by the golden file. */
    static EventBatch goldenRows() {
        EventBatch b = new EventBatch(SCHEMA, 4);
        Object[][] rows = {
                {"card-1", 42L, 12.5, true, 1_700_000_000_123L, "USD", -7L, -0.0, false, "ünï"},
                {"", null, null, null, 0L, null, null, null, null, null},
                {"x", Long.MIN_VALUE, Double.NaN, false, Long.MAX_VALUE, "", Long.MAX_VALUE, Double.NEGATIVE_INFINITY, true, "q\"\\"},
        };
        for (Object[] row : rows) {
            int r = b.addRow();
            for (int f = 0; f < row.length; f++) {
                b.setObject(r, f, row[f]);
            }
        }
        return b;
    }

    @Test
    void version1EncodingMatchesItsGoldenFileAndStillDecodes() {
        EventBatch rows = goldenRows();
        long[] accepts = {1_700_000_000_500L, -1L, Long.MAX_VALUE};
        int[] partitions = {0, 3, 200};
        ByteWriter file = new ByteWriter();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            byte[] record = new RowCodec.Encoder(SCHEMA).encode(rows, i, accepts[i], partitions[i]);
            file.writeBytes(record);
            expected.append(accepts[i]).append(' ').append(partitions[i]).append(' ').append(render(rows, i)).append('\n');
        }
        byte[] stored = Golden.check("row-v1.bin", file.toByteArray());
        Golden.checkText("row-v1.txt", expected.toString());
        // decode what is stored, not what this build writes
        ByteReader in = new ByteReader(stored);
        EventBatch out = new EventBatch(SCHEMA, 1);
        StringBuilder decoded = new StringBuilder();
        while (in.hasRemaining()) {
            byte[] record = in.readBytes();
            int row = RowCodec.decodeInto(record, out);
            decoded.append(RowCodec.acceptTime(record)).append(' ').append(RowCodec.partition(record)).append(' ')
                    .append(render(out, row)).append('\n');
        }
        assertEquals(expected.toString(), decoded.toString());
    }

    @Test
    void truncatedOrMalformedRecordsAreRejectedWithoutAddingARow() {
        byte[] record = RowCodec.encodeBatch(goldenRows(), 5, 0).getFirst();
        EventBatch out = new EventBatch(SCHEMA, 1);
        for (int len = 0; len < record.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(record, len);
            assertThrows(CorruptStateException.class, () -> RowCodec.decodeInto(cut, out), "length " + len);
            assertEquals(0, out.size());
        }
        byte[] trailing = java.util.Arrays.copyOf(record, record.length + 1);
        assertThrows(CorruptStateException.class, () -> RowCodec.decodeInto(trailing, out));
        byte[] version = record.clone();
        version[0] = 2;
        assertThrows(CorruptStateException.class, () -> RowCodec.decodeInto(version, out));
        assertThrows(CorruptStateException.class, () -> RowCodec.acceptTime(version));
        EventBatch otherSchema = new EventBatch(Schema.of(Field.required("id", FieldType.STRING)), 1);
        assertThrows(CorruptStateException.class, () -> RowCodec.decodeInto(record, otherSchema));
        assertEquals(0, out.size());
        assertEquals(0, otherSchema.size());
    }
}
