package dev.freshet.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.testkit.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link EventLog} contract (STYLE.md #11). Every implementation gets a small subclass that says
 * how to open it; every test here must pass for all of them.
 */
public abstract class EventLogContractTest extends ContractSupport {

    static LongStream seeds() {
        return Seeds.of(20_261_126L, 6);
    }

    protected EventLog log() {
        return storage.eventLog();
    }

    protected static byte[] utf8(String s) {
        return s.getBytes(UTF_8);
    }

    protected static List<byte[]> batch(String prefix, int n) {
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(utf8(prefix + i));
        }
        return records;
    }

    /** Every record of {@code source} from {@code from}, checking that offsets are consecutive. */
    protected static List<String> readAll(EventLog log, String source, long from) {
        List<String> out = new ArrayList<>();
        try (LogCursor c = log.read(source, from)) {
            long expected = from;
            while (c.next()) {
                assertEquals(expected++, c.offset(), "offsets are consecutive");
                out.add(new String(c.record(), UTF_8));
            }
        }
        return out;
    }

    @Test
    void offsetsStartAtZeroAndAreDenseAcrossBatches() {
        AppendResult a = log().append("payments", batch("a", 3)).join();
        AppendResult b = log().append("payments", batch("b", 2)).join();
        assertEquals(new AppendResult(0, 3), a);
        assertEquals(new AppendResult(3, 2), b);
        assertEquals(5, b.endOffset());
        assertEquals(5, log().endOffset("payments"));
        assertEquals(List.of("a0", "a1", "a2", "b0", "b1"), readAll(log(), "payments", 0));
    }

    @Test
    void readStartsAtTheGivenOffsetAndStopsAtTheEnd() {
        log().append("s", batch("r", 10)).join();
        assertEquals(List.of("r7", "r8", "r9"), readAll(log(), "s", 7));
        assertEquals(List.of(), readAll(log(), "s", 10));
        assertEquals(List.of(), readAll(log(), "s", 1_000));
        assertEquals(List.of(), readAll(log(), "unknown", 0));
        assertEquals(0, log().endOffset("unknown"));
        assertThrows(IllegalArgumentException.class, () -> log().read("s", -1));
    }

    @Test
    void closedCursorRefusesToContinue() {
        log().append("s", batch("r", 3)).join();
        LogCursor c = log().read("s", 0);
        assertTrue(c.next());
        c.close();
        assertThrows(IllegalStateException.class, c::next);
        c.close();
    }

    @Test
    void emptyBatchAssignsNoOffsetAndCreatesNoSource() {
        assertEquals(new AppendResult(0, 0), log().append("s", List.of()).join());
        assertEquals(List.of(), log().sources());
        log().append("s", batch("r", 2)).join();
        assertEquals(new AppendResult(2, 0), log().append("s", List.of()).join());
        assertEquals(2, log().endOffset("s"));
    }

    @Test
    void sourcesAreIndependentSequences() {
        for (int i = 0; i < 5; i++) {
            assertEquals(i * 2L, log().append("b-clicks", batch("click" + i + "-", 2)).join().firstOffset());
            assertEquals(i, log().append("a-payments", List.of(utf8("pay" + i))).join().firstOffset());
        }
        assertEquals(List.of("a-payments", "b-clicks"), log().sources());
        assertEquals(5, log().endOffset("a-payments"));
        assertEquals(10, log().endOffset("b-clicks"));
        assertEquals(List.of("pay0", "pay1", "pay2", "pay3", "pay4"), readAll(log(), "a-payments", 0));
        assertTrue(readAll(log(), "b-clicks", 0).stream().allMatch(r -> r.startsWith("click")));
    }

    @Test
    void recordsComeBackByteForByte() {
        SplittableRandom random = new SplittableRandom(7);
        List<byte[]> records = new ArrayList<>();
        records.add(new byte[0]);
        records.add(new byte[] {0, -1, 0, -128, 127});
        for (int size : new int[] {1, 100, 4_096, 65_537, 1 << 20}) {
            byte[] r = new byte[size];
            random.nextBytes(r);
            records.add(r);
        }
        log().append("binary", records).join();
        try (LogCursor c = log().read("binary", 0)) {
            for (byte[] expected : records) {
                assertTrue(c.next());
                assertArrayEquals(expected, c.record());
            }
            assertFalse(c.next());
        }
    }

    @Test
    void acknowledgedAppendIsVisibleInEndOffsetAndToNewCursors() {
        for (int i = 0; i < 50; i++) {
            AppendResult r = log().append("s", batch("x", 1 + i % 7)).join();
            assertTrue(log().endOffset("s") >= r.endOffset());
            try (LogCursor c = log().read("s", r.firstOffset())) {
                for (int k = 0; k < r.count(); k++) {
                    assertTrue(c.next());
                    assertEquals(r.firstOffset() + k, c.offset());
                }
            }
        }
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void concurrentAppendersGetEveryRecordExactlyOnceAtGapFreeOffsets(long seed) throws Exception {
        int threads = 4;
        String[] sources = {"s0", "s1", "s2"};
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Acked>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            SplittableRandom r = new SplittableRandom(seed * 31 + t);
            results.add(pool.submit(() -> {
                start.await();
                List<Acked> acked = new ArrayList<>();
                List<CompletableFuture<AppendResult>> pending = new ArrayList<>();
                List<String[]> sent = new ArrayList<>();
                int seq = 0;
                for (int b = 0; b < 60; b++) {
                    String source = sources[r.nextInt(sources.length)];
                    int n = r.nextInt(0, 40);
                    String[] records = new String[n];
                    for (int i = 0; i < n; i++) {
                        records[i] = "t" + thread + ":" + seq++;
                    }
                    pending.add(log().append(source, Arrays.stream(records).map(EventLogContractTest::utf8).toList()));
                    sent.add(new String[] {source, String.join(",", records)});
                    if (r.nextInt(4) == 0) { // sometimes wait, sometimes pipeline
                        pending.getLast().join();
                    }
                }
                for (int i = 0; i < pending.size(); i++) {
                    acked.add(new Acked(sent.get(i)[0], pending.get(i).join(), sent.get(i)[1]));
                }
                return acked;
            }));
        }
        start.countDown();
        List<Acked> all = new ArrayList<>();
        for (Future<List<Acked>> f : results) {
            all.addAll(f.get());
        }
        pool.shutdown();

        Map<String, List<String>> logs = new HashMap<>();
        for (String s : sources) {
            logs.put(s, readAll(log(), s, 0));
            assertEquals(logs.get(s).size(), log().endOffset(s), "end offset of " + s);
        }
        int total = 0;
        for (Acked a : all) {
            List<String> expected = a.records().isEmpty() ? List.of() : List.of(a.records().split(","));
            assertEquals(expected.size(), a.result().count());
            assertEquals(expected, logs.get(a.source()).subList((int) a.result().firstOffset(),
                    (int) a.result().endOffset()), "batch lands where its result says");
            total += expected.size();
        }
        List<String> every = new ArrayList<>();
        logs.values().forEach(every::addAll);
        assertEquals(total, every.size(), "no record twice, none missing");
        assertEquals(total, every.stream().distinct().count());
        // each thread's records keep its order within a source
        for (List<String> l : logs.values()) {
            Map<String, Integer> lastSeq = new HashMap<>();
            for (String rec : l) {
                String[] parts = rec.split(":");
                int seq = Integer.parseInt(parts[1]);
                Integer previous = lastSeq.put(parts[0], seq);
                assertTrue(previous == null || previous < seq, "order of " + parts[0]);
            }
        }
    }

    private record Acked(String source, AppendResult result, String records) {
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void cursorOpenedDuringAppendsSeesEverythingAppendedBeforeIt(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong acknowledged = new AtomicLong();
        Thread writer = Thread.ofPlatform().start(() -> {
            long next = 0;
            while (!stop.get() && next < 200_000) {
                int n = 1 + (int) (next % 13);
                List<byte[]> records = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    records.add(utf8("rec-" + (next + i)));
                }
                AppendResult r = log().append("tail", records).join();
                next = r.endOffset();
                acknowledged.set(next);
            }
        });
        try {
            for (int round = 0; round < 40; round++) {
                long ackedBefore = acknowledged.get();
                long from = ackedBefore == 0 ? 0 : random.nextLong(ackedBefore + 1);
                long seen = from;
                try (LogCursor c = log().read("tail", from)) {
                    while (c.next()) {
                        assertEquals(seen, c.offset());
                        assertEquals("rec-" + seen, new String(c.record(), UTF_8));
                        seen++;
                    }
                }
                assertTrue(seen >= ackedBefore, "cursor from " + from + " stopped at " + seen
                        + " before the " + ackedBefore + " records acknowledged when it was opened");
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertEquals(acknowledged.get(), log().endOffset("tail"));
    }

    /**
     * Batches of every shape — single records, thousands of records, records of hundreds of KiB,
     * empty records — read back from every batch boundary, the offsets around them and random
     * offsets in between (an implementation that stores several records under one key must start
     * a read in the middle of one), before and after a reopen.
     */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void readFromAnyOffsetReturnsExactlyTheRestOfTheLog(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<byte[]> all = new ArrayList<>();
        List<Long> boundaries = new ArrayList<>();
        int batches = 6 + r.nextInt(6);
        for (int b = 0; b < batches; b++) {
            int n = switch (r.nextInt(5)) {
                case 0 -> 1;
                case 1 -> 2 + r.nextInt(50);
                case 2 -> 1_000 + r.nextInt(2_000);
                case 3 -> 4_000 + r.nextInt(5_000); // past any per-key record cap
                default -> 1 + r.nextInt(4);
            };
            boolean big = n < 5 && r.nextInt(3) == 0; // a few records of up to 700 KiB: past any per-key byte cap
            List<byte[]> records = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] rec = new byte[big ? 200_000 + r.nextInt(500_000) : r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(300)];
                for (int j = 0; j < rec.length; j += 97) {
                    rec[j] = (byte) r.nextInt();
                }
                if (rec.length >= 8) {
                    java.nio.ByteBuffer.wrap(rec).putLong(0, all.size() + i); // each record names its offset
                }
                records.add(rec);
            }
            boundaries.add((long) all.size());
            assertEquals(new AppendResult(all.size(), n), log().append("s", records).join());
            all.addAll(records);
        }
        List<Long> starts = new ArrayList<>(List.of(0L, (long) all.size(), (long) all.size() - 1));
        for (long b : boundaries) {
            starts.addAll(List.of(b, b + 1, Math.max(0, b - 1)));
        }
        for (int i = 0; i < 25; i++) {
            starts.add((long) r.nextInt(all.size()));
        }
        for (int pass = 0; pass < (durable() ? 2 : 1); pass++) {
            if (pass == 1) {
                reopen();
            }
            assertEquals(all.size(), log().endOffset("s"));
            for (long from : starts) {
                try (LogCursor c = log().read("s", from)) {
                    long expected = from;
                    while (c.next()) {
                        assertEquals(expected, c.offset(), "offsets are consecutive from " + from);
                        assertArrayEquals(all.get((int) expected), c.record(), "record " + expected + " read from " + from);
                        expected++;
                    }
                    assertEquals(Math.max(from, all.size()), expected, "the read from " + from + " ends at the end");
                }
            }
        }
        assertEquals(new AppendResult(all.size(), 1), log().append("s", batch("after", 1)).join());
    }

    @Test
    void reopenKeepsEveryRecordAndContinuesTheOffsets() {
        log().append("a", batch("a", 3)).join();
        log().append("b", batch("b", 2)).join();
        reopen();
        assertEquals(List.of("a", "b"), log().sources());
        assertEquals(3, log().endOffset("a"));
        assertEquals(new AppendResult(3, 1), log().append("a", batch("more", 1)).join());
        assertEquals(new AppendResult(0, 1), log().append("c", batch("c", 1)).join());
        assertEquals(List.of("a0", "a1", "a2", "more0"), readAll(log(), "a", 0));
        assertEquals(List.of("b0", "b1"), readAll(log(), "b", 0));
    }

    @Test
    void sizeGrowsWithAppendedBytes() {
        long before = log().sizeBytes();
        byte[] big = new byte[1 << 20];
        Arrays.fill(big, (byte) 'x');
        log().append("s", List.of(big, big)).join();
        assertTrue(log().sizeBytes() > before, "size grows");
    }

    @Test
    void sequentialAppendsAreOneCommitEachAndConcurrentOnesAtMostOneEach() throws Exception {
        long before = log().commits();
        for (int i = 0; i < 5; i++) {
            log().append("c", batch("s" + i, 2)).join();
        }
        log().append("c", List.of()).join(); // an empty batch writes nothing
        assertEquals(before + 5, log().commits(), "one write per awaited non-empty append");
        List<CompletableFuture<AppendResult>> pending = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            pending.add(log().append(i % 2 == 0 ? "c" : "d", batch("p" + i, 1)));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        long concurrent = log().commits() - before - 5;
        assertTrue(concurrent >= 1 && concurrent <= 200, "200 appends in flight made " + concurrent + " commits");
    }

    @Test
    void writtenCallbackRunsOnceInLogOrderBeforeTheAppendCompletes() throws Exception {
        ConcurrentLinkedQueue<AppendResult> written = new ConcurrentLinkedQueue<>(); // in callback order
        List<CompletableFuture<Boolean>> calledFirst = new ArrayList<>();
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<CompletableFuture<Boolean>>>> perWriter = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int id = w;
                perWriter.add(writers.submit(() -> {
                    List<CompletableFuture<Boolean>> mine = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        CompletableFuture<AppendResult> f = log().append("w", batch(id + "-" + i + "-", 1 + i % 3), written::add);
                        // when the append completes, its callback has run
                        mine.add(f.thenApply(r -> written.stream().filter(r::equals).count() == 1));
                    }
                    return mine;
                }));
            }
            for (Future<List<CompletableFuture<Boolean>>> f : perWriter) {
                calledFirst.addAll(f.get());
            }
        } finally {
            writers.shutdown();
        }
        for (CompletableFuture<Boolean> c : calledFirst) {
            assertTrue(c.join(), "the written callback ran exactly once before the append completed");
        }
        long next = 0;
        for (AppendResult r : written) {
            assertEquals(next, r.firstOffset(), "callbacks come in log order");
            next = r.endOffset();
        }
        assertEquals(200, written.size());
        assertEquals(next, log().endOffset("w"));
    }

    @Test
    void writtenCallbackIsNotCalledForARefusedAppend() {
        log().close();
        AtomicBoolean called = new AtomicBoolean();
        CompletionException e = assertThrows(CompletionException.class,
                () -> log().append("s", batch("r", 1), r -> called.set(true)).join());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertFalse(called.get());
    }

    @Test
    void appendAfterCloseFailsWithIllegalState() {
        log().append("s", batch("r", 1)).join();
        log().close();
        CompletionException e = assertThrows(CompletionException.class,
                () -> log().append("s", batch("r", 1)).join());
        assertInstanceOf(IllegalStateException.class, e.getCause());
    }

    @Test
    void invalidArgumentsAreRejectedAtTheCall() {
        assertThrows(NullPointerException.class, () -> log().append(null, batch("r", 1)));
        assertThrows(IllegalArgumentException.class, () -> log().append(" ", batch("r", 1)));
        assertThrows(NullPointerException.class, () -> log().append("s", null));
        List<byte[]> withNull = new ArrayList<>();
        withNull.add(null);
        assertThrows(NullPointerException.class, () -> log().append("s", withNull));
        assertEquals(0, log().endOffset("s"));
    }
}
