package dev.freshet.storage.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.storage.Checkpoint;
import dev.freshet.storage.DeadLetterQuery;
import dev.freshet.storage.StorageException;
import dev.freshet.storage.StorageLockedException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

class EmbeddedStorageTest {
    @TempDir
    Path dir;

    @Test
    void secondOpenOfTheSameDirectoryFailsWithAClearMessage() {
        try (EmbeddedStorage first = EmbeddedStorage.open(dir)) {
            StorageLockedException e = assertThrows(StorageLockedException.class, () -> EmbeddedStorage.open(dir));
            assertTrue(e.getMessage().contains("already in use"), e.getMessage());
            assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()), e.getMessage());
            first.eventLog().append("s", List.of("still works".getBytes(UTF_8))).join();
        }
        try (EmbeddedStorage again = EmbeddedStorage.open(dir)) {
            assertEquals(1, again.eventLog().endOffset("s"), "the lock is released on close");
        }
    }

    @Test
    void everythingSurvivesCloseAndReopenTogether() {
        try (EmbeddedStorage s = EmbeddedStorage.open(dir)) {
            s.eventLog().append("payments", List.of("e0".getBytes(UTF_8), "e1".getBytes(UTF_8))).join();
            s.checkpoints().save(new Checkpoint(10, 1, Map.of("payments", 1L), Map.of("t", new byte[] {1})));
            s.deadLetters().append(new dev.freshet.storage.DeadLetterRecord("payments", 0, 1, 5, 6, "TOO_LATE", "",
                    null));
        }
        try (EmbeddedStorage s = EmbeddedStorage.open(dir)) {
            assertEquals(2, s.eventLog().endOffset("payments"));
            assertEquals(Map.of("payments", 1L), s.checkpoints().loadLatest().orElseThrow().positions());
            assertEquals(1, s.deadLetters().list(DeadLetterQuery.newest(10)).size());
        }
    }

    @Test
    void closeIsIdempotentAndLaterCallsFailCleanly() {
        EmbeddedStorage s = EmbeddedStorage.open(dir);
        s.close();
        s.close();
        assertThrows(IllegalStateException.class, () -> s.eventLog().read("s", 0));
        assertThrows(IllegalStateException.class, () -> s.eventLog().sizeBytes());
        assertThrows(IllegalStateException.class, () -> s.checkpoints().loadLatest());
        assertThrows(IllegalStateException.class, () -> s.deadLetters().count());
        assertTrue(s.eventLog().append("s", List.of(new byte[1])).isCompletedExceptionally());
    }

    @Test
    void directoryOfANewerFormatIsRefused() throws RocksDBException {
        try (EmbeddedStorage s = EmbeddedStorage.open(dir); WriteOptions w = new WriteOptions()) {
            s.db().put(s.family("default"), w, Keys.FORMAT_KEY, Keys.int32(EmbeddedStorage.FORMAT_VERSION + 1));
        }
        StorageException e = assertThrows(StorageException.class, () -> EmbeddedStorage.open(dir));
        assertTrue(e.getMessage().contains("format 2"), e.getMessage());
        assertTrue(e.getMessage().contains("reads format 1"), e.getMessage());
    }

    /**
     * Flushes and compactions run at nice 19 (Linux): on a small box they would otherwise take the
     * cores from the HTTP loops and the engine exactly when ingest is heaviest.
     */
    @Test
    void backgroundFlushAndCompactionThreadsRunAtTheLowestCpuPriority() throws Exception {
        Path tasks = Path.of("/proc/self/task");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(tasks), "needs Linux /proc");
        try (EmbeddedStorage s = EmbeddedStorage.open(dir); org.rocksdb.FlushOptions flush = new org.rocksdb.FlushOptions()) {
            for (int round = 0; round < 2; round++) {
                s.eventLog().append("s", List.of(new byte[4096], new byte[4096])).join();
                s.db().flush(flush.setWaitForFlush(true), s.family(RocksDbTuning.LOG)); // a job of the flush pool
            }
            s.db().compactRange(s.family(RocksDbTuning.LOG)); // a job of the compaction pool
            Map<String, Integer> nice = new java.util.TreeMap<>();
            try (var threads = java.nio.file.Files.list(tasks)) {
                for (Path t : threads.toList()) {
                    String name = java.nio.file.Files.readString(t.resolve("comm")).strip();
                    if (name.startsWith("rocksdb:high") || name.startsWith("rocksdb:low")) {
                        String stat = java.nio.file.Files.readString(t.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        nice.merge(name.replaceAll("[0-9]+$", ""), Integer.parseInt(f[16]), Math::min); // field 19: nice
                    }
                }
            }
            assertEquals(Map.of("rocksdb:high", 19, "rocksdb:low", 19), nice);
        }
    }
}
