package dev.freshet.engine.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.freshet.aggregation.codec.CorruptStateException;
import dev.freshet.aggregation.watermark.DropReason;
import dev.freshet.engine.EventBatch;
import dev.freshet.testkit.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The driver-state and checkpoint-meta blobs: round trips, golden files, damage detection. */
class DriverStateCodecTest {
    static LongStream seeds() {
        return Seeds.of(20_261_205L, 20);
    }

    static DriverState randomState(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] max = new long[r.nextInt(1, 4)];
        for (int p = 0; p < max.length; p++) {
            max[p] = r.nextBoolean() ? Long.MIN_VALUE : r.nextLong();
        }
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        for (DropReason d : DropReason.values()) {
            drops.put(d, r.nextBoolean() ? 0L : r.nextLong(0, Long.MAX_VALUE));
        }
        EventBatch rows = RowCodecTest.randomBatch(seed, r.nextInt(0, 6));
        List<byte[]> records = RowCodec.encodeBatch(rows, r.nextLong(), 0);
        List<DriverState.HeldEvent> held = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            held.add(new DriverState.HeldEvent(r.nextLong(0, Long.MAX_VALUE), r.nextLong(), records.get(i)));
        }
        return new DriverState("src-" + r.nextInt(), r.nextLong(0, Long.MAX_VALUE), r.nextLong(), r.nextLong(0, Long.MAX_VALUE),
                max, drops, held);
    }

    /** Drop counts that are zero are not stored; compare with them filtered out. */
    private static DriverState normalized(DriverState s) {
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        s.drops().forEach((k, v) -> {
            if (v != 0) {
                drops.put(k, v);
            }
        });
        return new DriverState(s.source(), s.nextOffset(), s.clock(), s.appliedEvents(), s.maxEventTimes(), drops, s.held());
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void driverStateRoundTrips(long seed) {
        DriverState s = randomState(seed);
        assertEquals(normalized(s), DriverStateCodec.decode(DriverStateCodec.encode(s)));
    }

    @Test
    void driverStateVersion1MatchesItsGoldenFile() {
        EventBatch rows = RowCodecTest.goldenRows();
        List<byte[]> records = RowCodec.encodeBatch(rows, 1_700_000_000_000L, 0);
        DriverState s = new DriverState("transactions", 12_345, 1_700_000_000_000L, 12_000,
                new long[] {1_700_000_001_000L}, Map.of(DropReason.LATE, 7L, DropReason.TOO_FAR_IN_FUTURE, 2L),
                List.of(new DriverState.HeldEvent(12_001, 1_700_000_000_100L, records.get(0)),
                        new DriverState.HeldEvent(12_344, 1_700_000_000_200L, records.get(2))));
        byte[] stored = Golden.check("driver-state-v1.bin", DriverStateCodec.encode(s));
        assertEquals(s, DriverStateCodec.decode(stored));
    }

    @Test
    void checkpointMetaRoundTripsAndMatchesItsGoldenFile() {
        CheckpointMeta meta = new CheckpointMeta(Map.of(
                "transactions", new CheckpointMeta.SourceEntry("0123456789abcdef0123456789abcdef",
                        Map.of("card_txn", "fedcba9876543210fedcba9876543210", "merchant_txn", "00ff")),
                "clicks", new CheckpointMeta.SourceEntry("aa", Map.of())));
        byte[] stored = Golden.check("checkpoint-meta-v1.bin", meta.encode());
        assertEquals(meta, CheckpointMeta.decode(stored));
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void anyDamagedOrTruncatedDriverStateIsRejected(long seed) {
        byte[] bytes = DriverStateCodec.encode(randomState(seed));
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 50; i++) {
            byte[] damaged = bytes.clone();
            int at = r.nextInt(damaged.length);
            damaged[at] ^= (byte) r.nextInt(1, 256);
            assertThrows(CorruptStateException.class, () -> DriverStateCodec.decode(damaged), "byte " + at);
            byte[] cut = Arrays.copyOf(bytes, r.nextInt(bytes.length));
            assertThrows(CorruptStateException.class, () -> DriverStateCodec.decode(cut), "length " + cut.length);
        }
    }
}
