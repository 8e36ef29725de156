package dev.freshet.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.storage.AppendResult;
import dev.freshet.storage.EventLogContractTest;
import dev.freshet.storage.LogCursor;
import dev.freshet.storage.LogOverloadedException;
import dev.freshet.storage.Storage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The event-log contract on RocksDB (fsync ALWAYS), plus group commit and back-pressure. */
class RocksDbEventLogTest extends EventLogContractTest {
    @Override
    protected Storage open(Path dir) {
        return EmbeddedStorage.open(dir, options());
    }

    protected StorageOptions options() {
        return StorageOptions.defaults();
    }

    @Override
    protected boolean durable() {
        return true;
    }

    RocksDbEventLog rocksLog() {
        return ((EmbeddedStorage) storage).rocksLog();
    }

    /** Spins (yielding) until {@code condition} holds; the test's timeout is the surefire run's. */
    static void await(BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void batchesWaitingDuringAWriteAreCommittedTogetherInOneWrite() throws Exception {
        RocksDbEventLog log = rocksLog();
        long groupsBefore = log.groupCommits();
        CompletableFuture<AppendResult> first;
        List<CompletableFuture<AppendResult>> waiting = new ArrayList<>();
        log.commitGate.lock();
        try {
            first = log.append("s", batch("first", 1));
            await(() -> log.queuedRequests() == 0 && log.commitGate.hasQueuedThreads()); // committer holds it
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<java.util.concurrent.Future<List<CompletableFuture<AppendResult>>>> submitted = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                submitted.add(pool.submit(() -> {
                    List<CompletableFuture<AppendResult>> mine = new ArrayList<>();
                    for (int i = 0; i < 25; i++) {
                        mine.add(log.append("s" + thread % 2, batch("t" + thread + "-", 10)));
                    }
                    return mine;
                }));
            }
            for (var f : submitted) {
                waiting.addAll(f.get());
            }
            pool.shutdown();
            assertEquals(100, log.queuedRequests());
            assertFalse(first.isDone(), "not acknowledged before its write");
        } finally {
            log.commitGate.unlock();
        }
        assertEquals(new AppendResult(0, 1), first.join());
        waiting.forEach(CompletableFuture::join);
        assertEquals(groupsBefore + 2, log.groupCommits(), "one write for the first batch, one for the 100 waiting");
        assertEquals(500, log.endOffset("s0"));
        assertEquals(500, log.endOffset("s1"));
    }

    @Test
    void appendFailsFastWithLogOverloadedWhenTheQueueIsFull() {
        storage.close();
        storage = EmbeddedStorage.open(dir, options().withAppendQueue(3, 1 << 20));
        RocksDbEventLog log = rocksLog();
        List<CompletableFuture<AppendResult>> accepted = new ArrayList<>();
        log.commitGate.lock();
        try {
            accepted.add(log.append("s", batch("r", 1)));
            await(() -> log.queuedRequests() == 0 && log.commitGate.hasQueuedThreads()); // committer holds it
            for (int i = 0; i < 3; i++) {
                accepted.add(log.append("s", batch("r", 1)));
            }
            CompletableFuture<AppendResult> refused = log.append("s", batch("r", 1));
            assertTrue(accepted.stream().noneMatch(CompletableFuture::isDone), "accepted batches wait for the committer");
            assertTrue(refused.isCompletedExceptionally(), "a full queue refuses at once");
            CompletionException e = assertThrows(CompletionException.class, refused::join);
            assertInstanceOf(LogOverloadedException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("retry later"), e.getCause().getMessage());
        } finally {
            log.commitGate.unlock();
        }
        accepted.forEach(CompletableFuture::join);
        assertEquals(accepted.size(), log.endOffset("s"), "refused batch was not written");
        assertEquals(accepted.size(), log.append("s", batch("r", 1)).join().firstOffset(), "accepts again");
    }

    @Test
    void appendFailsFastWhenQueuedBytesExceedTheLimit() {
        storage.close();
        storage = EmbeddedStorage.open(dir, options().withAppendQueue(1000, 1000));
        RocksDbEventLog log = rocksLog();
        assertThrows(IllegalArgumentException.class, () -> log.append("s", List.of(new byte[1001])),
                "a batch that can never fit is a caller error");
        log.commitGate.lock();
        CompletableFuture<AppendResult> a;
        CompletableFuture<AppendResult> b;
        try {
            a = log.append("s", List.of(new byte[600]));
            b = log.append("s", List.of(new byte[600]));
            CompletionException e = assertThrows(CompletionException.class, b::join);
            assertInstanceOf(LogOverloadedException.class, e.getCause());
        } finally {
            log.commitGate.unlock();
        }
        assertEquals(new AppendResult(0, 1), a.join());
        assertEquals(new AppendResult(1, 1), log.append("s", List.of(new byte[600])).join());
    }

    @Test
    void closeCompletesQueuedAppendsBeforeStopping() {
        RocksDbEventLog log = rocksLog();
        List<CompletableFuture<AppendResult>> queued = new ArrayList<>();
        log.commitGate.lock();
        try {
            for (int i = 0; i < 20; i++) {
                queued.add(log.append("s", batch("r", 5)));
            }
        } finally {
            log.commitGate.unlock();
        }
        storage.close();
        queued.forEach(CompletableFuture::join);
        storage = EmbeddedStorage.open(dir, options());
        assertEquals(100, storage.eventLog().endOffset("s"));
    }

    @Test
    void cursorsLeftOpenAreReleasedWhenTheStorageCloses() {
        storage.eventLog().append("s", batch("r", 10)).join();
        LogCursor open = storage.eventLog().read("s", 0);
        assertTrue(open.next());
        storage.close();
        assertThrows(IllegalStateException.class, open::next);
        open.close();
        storage = EmbeddedStorage.open(dir, options());
        assertEquals(10, storage.eventLog().endOffset("s"));
    }

    /**
     * Logs written before segments hold one record per 12-byte key. They must keep reading, also
     * from the middle and across the point where new appends (segments) continue them.
     */
    @Test
    void singleRecordKeysOfOlderLogsReadTogetherWithSegments() throws Exception {
        storage.close();
        storage = null;
        try (EmbeddedStorage s = EmbeddedStorage.open(dir, options())) {
            // what the older committer wrote: the name → id mapping and one key per record
            s.db().put(s.family(RocksDbTuning.LOG_SOURCES), "old".getBytes(java.nio.charset.StandardCharsets.UTF_8), Keys.int32(7));
            for (int i = 0; i < 300; i++) {
                s.db().put(s.family(RocksDbTuning.LOG), Keys.logKey(7, i), ("legacy" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        storage = open(dir);
        assertEquals(300, log().endOffset("old"));
        assertEquals(new AppendResult(300, 5_000), log().append("old", batch("new", 5_000)).join());
        assertEquals(new AppendResult(0, 1), log().append("fresh", batch("f", 1)).join()); // id 8: never reuses 7
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            expected.add("legacy" + i);
        }
        for (int i = 0; i < 5_000; i++) {
            expected.add("new" + i);
        }
        for (long from : List.of(0L, 1L, 255L, 256L, 299L, 300L, 301L, 4_000L, 5_299L, 5_300L)) {
            assertEquals(expected.subList((int) from, expected.size()), readAll(log(), "old", from), "from " + from);
        }
        reopen();
        assertEquals(5_300, log().endOffset("old"));
        assertEquals(expected.subList(123, expected.size()), readAll(log(), "old", 123));
    }

    /** Appends of more than a segment's records are split; each segment's key counts its records. */
    @Test
    void largeAppendsAreStoredAsSeveralSegments() throws Exception {
        log().append("s", batch("r", LogSegments.MAX_RECORDS * 2 + 10)).join();
        EmbeddedStorage s = (EmbeddedStorage) storage;
        List<Long> firsts = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        try (var it = s.db().newIterator(s.family(RocksDbTuning.LOG))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                assertEquals(Keys.SEGMENT_KEY_BYTES, it.key().length);
                firsts.add(Keys.logKeyOffset(it.key()));
                counts.add(Keys.logKeyCount(it.key()));
            }
        }
        assertEquals(List.of(0L, (long) LogSegments.MAX_RECORDS, 2L * LogSegments.MAX_RECORDS), firsts);
        assertEquals(List.of(LogSegments.MAX_RECORDS, LogSegments.MAX_RECORDS, 10), counts);
    }
}
