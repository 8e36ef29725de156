package dev.freshet.storage.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.freshet.storage.AppendResult;
import dev.freshet.storage.Checkpoint;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The process that the crash tests SIGKILL. {@code append DIR POLICY}: four threads append batches
 * of deterministic records and print {@code ACK thread batch firstOffset count END} once each batch
 * is acknowledged. {@code checkpoint DIR POLICY}: saves deterministic checkpoints in a loop and
 * prints {@code CKPT id createdAt END} after each save returned. Runs until killed.
 */
public final class CrashChild {
    static final int THREADS = 4;

    private CrashChild() {
    }

    /** Records in batch {@code batch} of thread {@code thread}. */
    static int batchSize(int thread, int batch) {
        return 1 + (batch * 7 + thread * 3) % 40;
    }

    static String record(int thread, int batch, int index) {
        return "t" + thread + " b" + batch + " r" + index + " " + "x".repeat((thread + batch + index) % 90);
    }

    /** The checkpoint saved with {@code createdAt}: blob contents follow from it. */
    static Checkpoint checkpoint(long createdAt) {
        SplittableRandom random = new SplittableRandom(createdAt);
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        for (String name : List.of("a", "b")) {
            byte[] blob = new byte[random.nextInt(100_000, 3_000_000)];
            random.nextBytes(blob);
            blobs.put(name, blob);
        }
        return new Checkpoint(createdAt, 1, Map.of("payments", createdAt * 100), blobs);
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        FsyncPolicy policy = FsyncPolicy.valueOf(args[2]);
        PrintStream out = System.out;
        EmbeddedStorage storage = EmbeddedStorage.open(dir, StorageOptions.defaults().withFsync(policy)
                .withCheckpointChunkBytes(256 << 10));
        if (mode.equals("checkpoint")) {
            for (long createdAt = 1; ; createdAt++) {
                long id = storage.checkpoints().save(checkpoint(createdAt));
                synchronized (out) {
                    out.println("CKPT " + id + " " + createdAt + " END");
                    out.flush();
                }
            }
        }
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int batch = 0; ; batch++) {
                    List<byte[]> records = new ArrayList<>();
                    for (int i = 0; i < batchSize(thread, batch); i++) {
                        records.add(record(thread, batch, i).getBytes(UTF_8));
                    }
                    AppendResult r = storage.eventLog().append("events", records).join();
                    synchronized (out) {
                        out.println("ACK " + thread + " " + batch + " " + r.firstOffset() + " " + r.count() + " END");
                        out.flush();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}
