package dev.freshet.engine.embedded;

import dev.freshet.engine.EventBatch;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.WindowSpec;
import dev.freshet.storage.rocksdb.EmbeddedStorage;
import dev.freshet.testkit.TestStreams;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process {@link EngineCrashRecoveryTest} SIGKILLs: opens {@code EmbeddedStorage} on the given
 * directory, starts an engine checkpointing every 50 ms, and appends deterministic batches from
 * {@value #THREADS} threads, each waiting for its acknowledgement before the next. Prints
 * {@code ACK thread batch firstOffset count END} once a batch is durable and {@code CKPT n END}
 * when the engine has saved its n-th checkpoint. Runs until killed.
 */
public final class EngineCrashChild {
    static final int THREADS = 2;
    static final int KEYS = 10;

    private EngineCrashChild() {
    }

    static FeatureRepository repo() {
        return EmbeddedFixtures.repo(List.of(
                EmbeddedFixtures.count("n", new WindowSpec.Lifetime()),
                EmbeddedFixtures.sum("qty", "qty", new WindowSpec.Lifetime()),
                new AggregationSpec("n_flagged", AggregationFunction.COUNT, null, new WindowSpec.Lifetime(), "flag", null, ""),
                EmbeddedFixtures.count("n_1h", new WindowSpec.Hopping(Duration.ofHours(1), null))));
    }

    static int batchSize(int thread, int batch) {
        return 1 + (batch * 7 + thread * 3) % 30;
    }

    /** The id an event carries in its merchant field. */
    static String tag(int thread, int batch, int index) {
        return "t" + thread + "b" + batch + "i" + index;
    }

    static String card(int thread, int batch, int index) {
        return "card-" + Math.floorMod(thread * 31 + batch * 7 + index, KEYS);
    }

    static long qty(int thread, int batch, int index) {
        return Math.floorMod(thread * 1_000_003L + batch * 1_009L + index * 17L, 1_000) - 100;
    }

    static boolean flag(int thread, int batch, int index) {
        return (thread + batch + index) % 3 == 0;
    }

    static EventBatch batch(int thread, int batch, long now) {
        int n = batchSize(thread, batch);
        EventBatch b = new EventBatch(TestStreams.SCHEMA, n);
        for (int i = 0; i < n; i++) {
            int r = b.addRow();
            b.setString(r, TestStreams.CARD, card(thread, batch, i));
            b.setString(r, TestStreams.MERCHANT, tag(thread, batch, i));
            b.setLong(r, TestStreams.QTY, qty(thread, batch, i));
            b.setBool(r, TestStreams.FLAG, flag(thread, batch, i));
            b.setLong(r, TestStreams.EVENT_TIME, now - 1 - (i % 300)); // in the past, well within lateness
        }
        return b;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        PrintStream out = System.out;
        EmbeddedStorage storage = EmbeddedStorage.open(dir);
        EmbeddedEngine engine = EmbeddedEngine.start(repo(), storage,
                EngineOptions.defaults().withCheckpointInterval(Duration.ofMillis(50)), InstantSource.system());
        AtomicLong printedCheckpoints = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int b = 0; ; b++) {
                    IngestReceipt r = engine.append(EmbeddedFixtures.SOURCE, batch(thread, b, System.currentTimeMillis())).join();
                    long checkpoints = engine.stats().checkpoints().count();
                    synchronized (out) {
                        out.println("ACK " + thread + " " + b + " " + r.firstOffset() + " " + r.count() + " END");
                        if (checkpoints > printedCheckpoints.get()) {
                            printedCheckpoints.set(checkpoints);
                            out.println("CKPT " + checkpoints + " END");
                        }
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
