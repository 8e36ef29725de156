package dev.freshet.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.testkit.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@link DeadLetterStore} contract (STYLE.md #11). */
public abstract class DeadLetterStoreContractTest extends ContractSupport {

    static LongStream seeds() {
        return Seeds.of(20_261_128L, 8);
    }

    protected DeadLetterStore store() {
        return storage.deadLetters();
    }

    protected static DeadLetterRecord letter(String source, long seq, String reason) {
        return new DeadLetterRecord(source, 0, seq, 1_000 + seq, 2_000 + seq, reason, "watermark 1700000000000",
                "{\"card\":\"c" + seq + "\"}");
    }

    private static List<Long> ids(List<StoredDeadLetter> letters) {
        return letters.stream().map(StoredDeadLetter::id).toList();
    }

    @Test
    void emptyStoreListsAndCountsNothing() {
        assertEquals(List.of(), store().list(DeadLetterQuery.newest(10)));
        assertEquals(Map.of(), store().countsByReason());
        assertEquals(0, store().count());
    }

    @Test
    void everyFieldRoundTrips() {
        DeadLetterRecord d = new DeadLetterRecord("zahlungen-ü", 3, 77, Long.MIN_VALUE, -5, "TOO_LATE", "",
                "{\"emoji\":\"\uD83D\uDE00\"}");
        DeadLetterRecord noPayload = new DeadLetterRecord("s", -1, -1, 0, 0, "FUTURE_SKEW", null, null);
        long a = store().append(d);
        long b = store().append(noPayload);
        assertEquals(List.of(new StoredDeadLetter(b, noPayload), new StoredDeadLetter(a, d)),
                store().list(DeadLetterQuery.newest(10)));
        assertEquals("", noPayload.detail());
    }

    @Test
    void listIsNewestFirstAndHonoursTheLimit() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(store().append(letter("s", i, "TOO_LATE")));
        }
        assertEquals(List.of(ids.get(4), ids.get(3)), ids(store().list(DeadLetterQuery.newest(2))));
        assertEquals(5, store().list(DeadLetterQuery.newest(100)).size());
        assertEquals(List.of(), store().list(DeadLetterQuery.newest(0)));
    }

    @Test
    void listFiltersByReasonAndSourceAndPagesWithBefore() {
        List<Long> late = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            late.add(store().append(letter(i % 2 == 0 ? "payments" : "clicks", i, "TOO_LATE")));
            store().append(letter("payments", 100 + i, "BAD_FIELD"));
        }
        assertEquals(List.of(late.get(5), late.get(4), late.get(3)),
                ids(store().list(DeadLetterQuery.newest(3).withReason("TOO_LATE"))));
        assertEquals(List.of(late.get(2), late.get(1)),
                ids(store().list(DeadLetterQuery.newest(2).withReason("TOO_LATE").before(late.get(3)))));
        assertEquals(List.of(late.get(4), late.get(2), late.get(0)),
                ids(store().list(DeadLetterQuery.newest(10).withReason("TOO_LATE").withSource("payments"))));
        assertEquals(List.of(), store().list(DeadLetterQuery.newest(10).withReason("TOO_LATE_X")));
        assertEquals(List.of(), store().list(DeadLetterQuery.newest(10).withReason("TOO_LAT")));
        assertEquals(6, store().list(DeadLetterQuery.newest(10).withReason("BAD_FIELD")).size());
    }

    @Test
    void countsPerReason() {
        store().appendAll(List.of(letter("s", 1, "TOO_LATE"), letter("s", 2, "TOO_LATE"), letter("s", 3, "BAD")));
        store().append(letter("t", 1, "TOO_LATE"));
        assertEquals(Map.of("BAD", 1L, "TOO_LATE", 3L), store().countsByReason());
        assertEquals(4, store().count());
    }

    @Test
    void sameEventStoredTwiceIsKeptAndCountedOnce() {
        long first = store().append(letter("s", 7, "TOO_LATE"));
        assertEquals(first, store().append(letter("s", 7, "TOO_LATE")));
        List<Long> ids = store().appendAll(List.of(letter("s", 8, "TOO_LATE"), letter("s", 8, "TOO_LATE"),
                letter("s", 7, "TOO_LATE")));
        assertEquals(ids.get(0), ids.get(1));
        assertEquals(first, ids.get(2));
        assertNotEquals(first, ids.get(0));
        // another partition or source is another event
        store().append(new DeadLetterRecord("s", 1, 7, 0, 0, "TOO_LATE", "", null));
        store().append(letter("other", 7, "TOO_LATE"));
        assertEquals(4, store().count());
        assertEquals(Map.of("TOO_LATE", 4L), store().countsByReason());
    }

    @Test
    void lettersWithoutLogOffsetAreNeverDeduplicated() {
        store().append(letter("s", -1, "REJECTED"));
        store().append(letter("s", -1, "REJECTED"));
        assertEquals(2, store().count());
    }

    @Test
    void removeReplayableDropsASourcesLogBackedLettersOnly() {
        long kept = store().append(letter("s", -1, "REJECTED"));
        store().append(letter("s", 1, "TOO_LATE"));
        store().append(letter("s", 2, "BAD"));
        long other = store().append(letter("st", 1, "TOO_LATE")); // a source whose name extends "s"
        assertEquals(2, store().removeReplayable("s"));
        assertEquals(List.of(other, kept), ids(store().list(DeadLetterQuery.newest(10))));
        assertEquals(Map.of("REJECTED", 1L, "TOO_LATE", 1L), store().countsByReason());
        assertEquals(2, store().count());
        assertEquals(List.of(other), ids(store().list(DeadLetterQuery.newest(10).withReason("TOO_LATE"))));
        long again = store().append(letter("s", 1, "TOO_LATE")); // no longer a duplicate: stored anew
        assertTrue(again > other);
        assertEquals(0, store().removeReplayable("nothing-here"));
        if (durable()) {
            reopen();
            assertEquals(Map.of("REJECTED", 1L, "TOO_LATE", 2L), store().countsByReason());
            assertEquals(again, store().append(letter("s", 1, "TOO_LATE")), "deduplicated again after the restart");
        }
    }

    @Test
    void reopenKeepsLettersCountsAndDeduplication() {
        long a = store().append(letter("s", 1, "TOO_LATE"));
        store().append(letter("s", 2, "BAD"));
        reopen();
        assertEquals(Map.of("BAD", 1L, "TOO_LATE", 1L), store().countsByReason());
        assertEquals(a, store().append(letter("s", 1, "TOO_LATE")));
        long c = store().append(letter("s", 3, "TOO_LATE"));
        assertEquals(List.of(c, a), ids(store().list(DeadLetterQuery.newest(5).withReason("TOO_LATE"))));
        assertEquals(3, store().count());
    }

    @Test
    void invalidLettersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> letter("s", 1, ""));
        assertThrows(IllegalArgumentException.class, () -> store().append(letter("s", 1, "R".repeat(300))));
        assertThrows(IllegalArgumentException.class, () -> DeadLetterQuery.newest(-1));
        assertEquals(0, store().count());
    }

    /** Random appends and queries against a brute-force model of the contract. */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void listingsAndCountsMatchABruteForceModel(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] reasons = {"TOO_LATE", "BAD_FIELD", "FUTURE_SKEW", "TOO"};
        String[] sources = {"payments", "clicks"};
        TreeMap<Long, DeadLetterRecord> model = new TreeMap<>();
        Map<String, Long> byEvent = new java.util.HashMap<>();
        for (int step = 0; step < 300; step++) {
            int batch = random.nextInt(1, 4);
            List<DeadLetterRecord> letters = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                String source = sources[random.nextInt(sources.length)];
                long seq = random.nextInt(10) == 0 ? -1 : random.nextInt(200);
                letters.add(new DeadLetterRecord(source, random.nextInt(2), seq, random.nextLong(), random.nextLong(),
                        reasons[random.nextInt(reasons.length)], "d" + step, random.nextBoolean() ? null : "p" + i));
            }
            List<Long> ids = batch == 1 ? List.of(store().append(letters.getFirst())) : store().appendAll(letters);
            for (int i = 0; i < batch; i++) {
                DeadLetterRecord d = letters.get(i);
                String key = d.source() + "/" + d.partition() + "/" + d.seq();
                Long existing = d.seq() >= 0 ? byEvent.get(key) : null;
                if (existing != null) {
                    assertEquals(existing, ids.get(i), "duplicate returns the stored id");
                } else {
                    model.put(ids.get(i), d);
                    if (d.seq() >= 0) {
                        byEvent.put(key, ids.get(i));
                    }
                }
            }
            if (step % 10 == 0) {
                String reason = random.nextBoolean() ? null : reasons[random.nextInt(reasons.length)];
                String source = random.nextInt(3) == 0 ? sources[random.nextInt(sources.length)] : null;
                long before = random.nextBoolean() ? Long.MAX_VALUE : random.nextLong(0, model.lastKey() + 2);
                DeadLetterQuery q = new DeadLetterQuery(reason, source, before, random.nextInt(0, 30));
                List<StoredDeadLetter> expected = model.headMap(before, false).descendingMap().entrySet().stream()
                        .filter(e -> q.matches(e.getValue())).limit(q.limit())
                        .map(e -> new StoredDeadLetter(e.getKey(), e.getValue())).toList();
                assertEquals(expected, store().list(q), q.toString());
            }
        }
        Map<String, Long> counts = new TreeMap<>();
        model.values().forEach(d -> counts.merge(d.reason(), 1L, Long::sum));
        assertEquals(counts, store().countsByReason());
        assertEquals(model.size(), store().count());
    }
}
