package dev.freshet.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.freshet.aggregation.codec.CorruptStateException;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.engine.EngineFixtures;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.WindowSpec;
import dev.freshet.testkit.TestEvent;
import dev.freshet.testkit.TestRow;
import dev.freshet.testkit.TestStreams;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** Damaged, foreign or mismatched state never decodes silently: it fails with {@link CorruptStateException}. */
class TableCodecCorruptionTest {
    private static final CompiledView VIEW = EngineFixtures.compile(EngineFixtures.everyFunctionAndWindow());
    private static final List<TestEvent> STREAM = TestStreams.generate(11, 120, 3, 50_000, 400, 3_000, 40_000);
    private static final byte[] GOOD = TableCodec.encode(EngineFixtures.replay(VIEW, STREAM));
    private static final int MAGIC_LENGTH = 8;

    /** Replaces the trailing CRC-32C so that only the deliberate damage remains. */
    private static byte[] withValidChecksum(byte[] bytes) {
        byte[] b = bytes.clone();
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b, b.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
        return b;
    }

    private static CorruptStateException assertCorrupt(byte[] bytes, String messagePart) {
        CorruptStateException e = assertThrows(CorruptStateException.class, () -> TableCodec.decode(bytes, VIEW));
        assertTrue(e.getMessage() != null && e.getMessage().contains(messagePart),
                "message should mention '" + messagePart + "': " + e.getMessage());
        return e;
    }

    @Test
    void everySingleFlippedBitIsDetectedByTheChecksum() {
        assertTrue(GOOD.length > 1_000, "a state big enough to matter: " + GOOD.length);
        for (int i = 0; i < GOOD.length; i++) {
            for (int bit : new int[] {0, 7}) {
                byte[] b = GOOD.clone();
                b[i] ^= (byte) (1 << bit);
                assertCorrupt(b, "checksum");
            }
        }
    }

    @Test
    void everyTruncationIsDetected() {
        for (int length = 0; length < GOOD.length; length++) {
            byte[] b = Arrays.copyOf(GOOD, length);
            assertThrows(CorruptStateException.class, () -> TableCodec.decode(b, VIEW), "truncated to " + length);
        }
        assertCorrupt(new byte[0], "too short");
        assertCorrupt(Arrays.copyOf(GOOD, GOOD.length - 1), "checksum");
    }

    @Test
    void trailingBytesAreDetected() {
        byte[] longer = Arrays.copyOf(GOOD, GOOD.length + 3);
        assertCorrupt(longer, "checksum");
        // Extra bytes inside a valid checksum: insert before the CRC and re-sign.
        byte[] inner = new byte[GOOD.length + 2];
        System.arraycopy(GOOD, 0, inner, 0, GOOD.length - 4);
        assertCorrupt(withValidChecksum(inner), "trailing bytes");
    }

    @Test
    void wrongMagicIsRejected() {
        byte[] b = GOOD.clone();
        b[0] = 'X';
        assertCorrupt(withValidChecksum(b), "bad magic");
        assertCorrupt(withValidChecksum("PK\u0003\u0004 definitely a zip file, not a table".getBytes(StandardCharsets.ISO_8859_1)),
                "bad magic");
    }

    @Test
    void unknownFormatVersionIsRejectedNamingIt() {
        byte[] b = GOOD.clone();
        ByteBuffer.wrap(b, MAGIC_LENGTH, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(TableCodec.VERSION + 1);
        CorruptStateException e = assertCorrupt(withValidChecksum(b), "version " + (TableCodec.VERSION + 1));
        assertTrue(e.getMessage().contains("to " + TableCodec.VERSION), e.getMessage());
        ByteBuffer.wrap(b, MAGIC_LENGTH, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(0);
        assertCorrupt(withValidChecksum(b), "version 0");
    }

    @Test
    void stateOfADifferentViewLayoutIsRejected() {
        List<AggregationSpec> other = new ArrayList<>(EngineFixtures.everyFunctionAndWindow());
        other.set(0, new AggregationSpec(other.get(0).name(), AggregationFunction.COUNT, null,
                new WindowSpec.Hopping(Duration.ofSeconds(20), Duration.ofSeconds(1)), null, null, ""));
        CompiledView changed = EngineFixtures.compile(other);
        CorruptStateException e = assertThrows(CorruptStateException.class, () -> TableCodec.decode(GOOD, changed));
        assertTrue(e.getMessage().contains("does not match") && e.getMessage().contains(VIEW.fingerprint()), e.getMessage());
        CompiledView otherLateness = EngineFixtures.compile(EngineFixtures.source(EngineFixtures.LATENESS + 1, 60_000),
                EngineFixtures.CARD, EngineFixtures.everyFunctionAndWindow());
        assertThrows(CorruptStateException.class, () -> TableCodec.decode(GOOD, otherLateness));
    }

    /**
     * Damage the checksum cannot see (a writer bug, or a collision): random bytes rewritten and the
     * checksum recomputed. Decoding must either succeed or fail with CorruptStateException — never
     * another exception, a huge allocation or a hang.
     */
    @Test
    void damageBehindAValidChecksumStillFailsAsCorruptState() {
        SplittableRandom r = new SplittableRandom(2026);
        for (int trial = 0; trial < 3_000; trial++) {
            byte[] b = GOOD.clone();
            int flips = 1 + r.nextInt(3);
            for (int f = 0; f < flips; f++) {
                int at = MAGIC_LENGTH + 4 + r.nextInt(b.length - MAGIC_LENGTH - 8);
                b[at] = (byte) r.nextInt(256);
            }
            byte[] signed = withValidChecksum(b);
            try {
                TileTable t = TableCodec.decode(signed, VIEW);
                TableCodec.encode(t);
            } catch (CorruptStateException expected) {
                // fine
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                fail("trial " + trial + ": " + e, e);
            }
        }
    }

    /** Offset of the key count: after magic, version, view name and fingerprint (both short strings). */
    private static int keyCountOffset() {
        return MAGIC_LENGTH + 4 + 1 + VIEW.name().length() + 1 + VIEW.fingerprint().length();
    }

    /** A signed table image: the real header, then {@code body} (key count and keys), then the checksum. */
    private static byte[] image(byte[] body) {
        int at = keyCountOffset();
        byte[] b = new byte[at + body.length + 4];
        System.arraycopy(GOOD, 0, b, 0, at);
        System.arraycopy(body, 0, b, at, body.length);
        return withValidChecksum(b);
    }

    @Test
    void hugeKeyCountBehindAValidChecksumFailsWithoutAllocatingForIt() {
        // 2^28 - 1 keys announced in four varint bytes, and no key data at all.
        assertCorrupt(image(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F}), "key count 268435455");
        // Ten varint bytes decode to a negative count.
        byte[] negative = new byte[10];
        Arrays.fill(negative, (byte) 0xFF);
        negative[9] = 0x01;
        assertCorrupt(image(negative), "key count");
    }

    @Test
    void deeplyNestedCompositeKeyFailsAsCorruptState() {
        byte[] body = new byte[1 + 2 * 20_000];
        body[0] = 1; // one key
        for (int i = 1; i < body.length; i += 2) {
            body[i] = 5; // composite
            body[i + 1] = 1; // of one part
        }
        assertCorrupt(image(body), "nested composite key");
    }

    @Test
    void duplicateKeyFailsAsCorruptState() {
        TileTable one = new TileTable(VIEW, 1);
        TestRow row = new TestRow(STREAM.getFirst().values());
        one.apply(row, 0);
        byte[] single = TableCodec.encode(one);
        int at = keyCountOffset();
        assertTrue(single[at] == 1);
        byte[] keyAndState = Arrays.copyOfRange(single, at + 1, single.length - 4);
        byte[] body = new byte[1 + 2 * keyAndState.length];
        body[0] = 2;
        System.arraycopy(keyAndState, 0, body, 1, keyAndState.length);
        System.arraycopy(keyAndState, 0, body, 1 + keyAndState.length, keyAndState.length);
        assertCorrupt(image(body), "duplicate key");
    }
}
