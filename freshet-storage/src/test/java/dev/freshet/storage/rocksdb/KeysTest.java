package dev.freshet.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.testkit.Seeds;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The key layouts are part of the on-disk format: pinned bytes, and byte order = numeric order. */
class KeysTest {
    static LongStream seeds() {
        return Seeds.of(20_261_130L, 20);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void layoutsArePinned() {
        assertEquals("00000002" + "0000000000000102", hex(Keys.logKey(2, 258)));
        assertEquals("000000000000002a" + "00000001" + "00000003", hex(Keys.chunkKey(42, 1, 3)));
        assertEquals("4c" + "0000000000000007", hex(Keys.letterKey(7)));
        assertEquals("52" + "0003" + "424144" + "0000000000000009", hex(Keys.reasonKey(Keys.reasonPrefix("BAD"), 9)));
        assertEquals("45" + "0001" + "73" + "ffffffff" + "0000000000000005", hex(Keys.eventKey("s", -1, 5)));
        assertEquals("43" + "424144", hex(Keys.countKey("BAD")));
        assertEquals("BAD", Keys.countKeyReason(Keys.countKey("BAD")));
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void logKeysSortLikeSourceThenOffset(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int s1 = r.nextInt(1, Integer.MAX_VALUE);
        int s2 = r.nextInt(1, Integer.MAX_VALUE);
        long o1 = r.nextLong(0, Long.MAX_VALUE);
        long o2 = r.nextBoolean() ? o1 + r.nextInt(0, 3) : r.nextLong(0, Long.MAX_VALUE);
        int byBytes = Integer.signum(Arrays.compareUnsigned(Keys.logKey(s1, o1), Keys.logKey(s2, o2)));
        int byNumbers = Integer.signum(s1 != s2 ? Integer.compare(s1, s2) : Long.compare(o1, o2));
        assertEquals(byNumbers, byBytes);
        assertEquals(o1, Keys.logKeyOffset(Keys.logKey(s1, o1)));
        assertEquals(s1, Keys.logKeySource(Keys.logKey(s1, o1)));
    }
}
