package dev.freshet.storage.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.freshet.storage.AppendResult;
import dev.freshet.storage.EventLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Append throughput of the RocksDB event log with group commit: 1,000,000 records of ~120 bytes in
 * batches of 1,000 from 4 threads, each thread waiting for its batch's acknowledgement before
 * sending the next (like HTTP clients), per fsync policy; a second row uses batches of 100 from 16
 * threads. Prints records/s, MB/s, batches per group commit and mean acknowledgement latency. Not a
 * test: off unless {@code -Dfreshet.bench=true}; it asserts nothing.
 *
 * <p>Run (alone on the machine):
 * {@code ./mvnw -o test -pl freshet-storage -Dtest=LogAppendThroughputTest -Dfreshet.bench=true -Dsurefire.failIfNoSpecifiedTests=false}
 */
@EnabledIfSystemProperty(named = "freshet.bench", matches = "true")
class LogAppendThroughputTest {
    private static final int RECORDS = 1_000_000;
    private static final AtomicLong elapsedNanos = new AtomicLong();

    @TempDir
    Path tmp;

    @Test
    void appendThroughputPerFsyncPolicy() throws Exception {
        System.out.println("policy    threads  batch  records/s   MB/s  batches/group  mean ack ms");
        for (FsyncPolicy policy : FsyncPolicy.values()) {
            run(policy, 4, 1_000);
            run(policy, 16, 100);
        }
    }

    private void run(FsyncPolicy policy, int threads, int batchSize) throws Exception {
        Path dir = tmp.resolve(policy + "-" + threads + "-" + batchSize);
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir, StorageOptions.defaults().withFsync(policy))) {
            EventLog log = storage.eventLog();
            append(log, "warmup", threads, batchSize, 100_000, new AtomicLong());
            long groupsBefore = storage.rocksLog().groupCommits();
            AtomicLong ackNanos = new AtomicLong();
            long bytes = append(log, "events", threads, batchSize, RECORDS, ackNanos);
            double seconds = elapsedNanos.get() / 1e9;
            long groups = storage.rocksLog().groupCommits() - groupsBefore;
            long batches = RECORDS / batchSize;
            System.out.printf(Locale.ROOT, "%-9s %7d %6d %10.0f %6.1f %14.1f %12.2f%n", policy, threads, batchSize,
                    RECORDS / seconds, bytes / seconds / 1e6, (double) batches / groups,
                    ackNanos.get() / 1e6 / batches);
        }
    }

    /**
     * Appends {@code total} records from {@code threads} closed-loop writers; returns the bytes sent.
     * The records are made before the clock starts, so only the log is measured.
     */
    private static long append(EventLog log, String source, int threads, int batchSize, int total,
                               AtomicLong ackNanos) throws Exception {
        int batchesPerThread = total / batchSize / threads;
        long bytes = 0;
        List<List<List<byte[]>>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<List<byte[]>> mine = new ArrayList<>();
            long n = (long) t * batchesPerThread * batchSize;
            for (int b = 0; b < batchesPerThread; b++) {
                List<byte[]> batch = new ArrayList<>(batchSize);
                for (int i = 0; i < batchSize; i++, n++) {
                    byte[] r = event(n);
                    bytes += r.length;
                    batch.add(r);
                }
                mine.add(batch);
            }
            work.add(mine);
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (List<List<byte[]>> mine : work) {
            writers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (List<byte[]> batch : mine) {
                    long sent = System.nanoTime();
                    AppendResult result = log.append(source, batch).join();
                    ackNanos.addAndGet(System.nanoTime() - sent);
                    if (result.count() != batch.size()) {
                        throw new IllegalStateException("short batch");
                    }
                }
            }));
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread w : writers) {
            w.join();
        }
        elapsedNanos.set(System.nanoTime() - t0);
        return bytes;
    }

    /** A ~120-byte JSON payment event. */
    static byte[] event(long n) {
        return String.format(Locale.ROOT,
                "{\"card\":\"c-%07d\",\"merchant\":\"m-%05d\",\"amount\":%d.%02d,\"currency\":\"EUR\",\"country\":\"DE\","
                        + "\"event_time\":%d}",
                n * 7919 % 1_000_000, n * 104_729 % 50_000, n % 997, n % 100, 1_700_000_000_000L + n)
                .getBytes(UTF_8);
    }
}
