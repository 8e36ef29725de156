package dev.freshet.storage.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.storage.Checkpoint;
import dev.freshet.storage.LogCursor;
import dev.freshet.storage.StorageLockedException;
import dev.freshet.testkit.Seeds;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SIGKILL tests: a child JVM ({@link CrashChild}) appends (or checkpoints) and reports every
 * acknowledgement on stdout; after a seeded number of them the test kills it with
 * {@link Process#destroyForcibly()}, reopens the directory, and checks that everything acknowledged
 * is there, intact and in order, and that nothing half-written is visible.
 */
class CrashRecoveryTest {
    @TempDir
    Path tmp;
    private Path dir;

    @org.junit.jupiter.api.BeforeEach
    void dataDir() {
        dir = tmp.resolve("data");
    }

    static Stream<Arguments> policiesAndSeeds() {
        List<Arguments> cases = new ArrayList<>();
        for (FsyncPolicy policy : FsyncPolicy.values()) {
            Seeds.of(20_261_129L, 2).forEach(seed -> cases.add(Arguments.of(policy, seed)));
        }
        return cases.stream();
    }

    private record Ack(int thread, int batch, long first, int count) {
    }

    @ParameterizedTest(name = "{0} seed={1}")
    @MethodSource("policiesAndSeeds")
    void everyAcknowledgedAppendSurvivesSigkill(FsyncPolicy policy, long seed) throws Exception {
        int killAfter = new SplittableRandom(seed).nextInt(20, 400);
        List<Ack> acks = new ArrayList<>();
        Process child = start("append", policy);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
            while (acks.size() < killAfter) {
                String line = out.readLine();
                if (line == null) {
                    throw new AssertionError("child exited early: " + Files.readString(tmp.resolve("child.err")));
                }
                acks.add(parseAck(line));
                if (acks.size() == 1) {
                    assertLockedByChild();
                }
            }
            child.toHandle().destroyForcibly(); // SIGKILL; unlike Process.destroyForcibly() keeps stdout readable
            child.waitFor();
            // acknowledgements printed between the last read and the kill count too
            for (String line; (line = out.readLine()) != null; ) {
                Ack ack = tryParseAck(line);
                if (ack != null) {
                    acks.add(ack);
                }
            }
        } finally {
            child.destroyForcibly();
        }

        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            List<String> log = new ArrayList<>();
            try (LogCursor c = storage.eventLog().read("events", 0)) {
                while (c.next()) {
                    assertEquals(log.size(), c.offset(), "gap-free");
                    log.add(new String(c.record(), UTF_8));
                }
            }
            assertEquals(log.size(), storage.eventLog().endOffset("events"));
            long maxAcked = 0;
            for (Ack a : acks) {
                maxAcked = Math.max(maxAcked, a.first() + a.count());
                assertTrue(a.first() + a.count() <= log.size(), "acknowledged " + a + " but the log ends at " + log.size());
                for (int i = 0; i < a.count(); i++) {
                    assertEquals(CrashChild.record(a.thread(), a.batch(), i), log.get((int) (a.first() + i)),
                            "record " + i + " of " + a);
                }
            }
            // unacknowledged batches may survive, but only whole, intact and in each thread's order
            Map<Integer, Integer> lastBatch = new HashMap<>();
            int at = 0;
            while (at < log.size()) {
                String[] parts = log.get(at).split(" ");
                int thread = Integer.parseInt(parts[0].substring(1));
                int batch = Integer.parseInt(parts[1].substring(1));
                assertEquals(lastBatch.getOrDefault(thread, -1) + 1, batch, "thread " + thread + " in order");
                lastBatch.put(thread, batch);
                for (int i = 0; i < CrashChild.batchSize(thread, batch); i++) {
                    assertEquals(CrashChild.record(thread, batch, i), log.get(at++), "batch is whole");
                }
            }
            assertTrue(log.size() >= maxAcked);
        }
    }

    @ParameterizedTest(name = "{0} seed={1}")
    @MethodSource("policiesAndSeeds")
    void latestCheckpointAfterSigkillIsCompleteAndNotOlderThanTheLastAcknowledged(FsyncPolicy policy, long seed)
            throws Exception {
        int killAfter = new SplittableRandom(seed).nextInt(3, 25);
        long lastSaved = 0;
        Process child = start("checkpoint", policy);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
            for (int n = 0; n < killAfter; n++) {
                String line = out.readLine();
                if (line == null) {
                    throw new AssertionError("child exited early: " + Files.readString(tmp.resolve("child.err")));
                }
                String[] parts = line.split(" ");
                assertEquals("CKPT", parts[0], line);
                lastSaved = Long.parseLong(parts[2]);
            }
            child.toHandle().destroyForcibly(); // SIGKILL
            child.waitFor();
            for (String line; (line = out.readLine()) != null; ) {
                String[] parts = line.split(" ");
                if (parts.length == 4 && parts[3].equals("END")) {
                    lastSaved = Long.parseLong(parts[2]);
                }
            }
        } finally {
            child.destroyForcibly();
        }
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            Checkpoint latest = storage.checkpoints().loadLatest().orElseThrow();
            assertTrue(latest.createdAtMillis() >= lastSaved, "latest " + latest.createdAtMillis()
                    + " is older than the acknowledged " + lastSaved);
            assertEquals(CrashChild.checkpoint(latest.createdAtMillis()), latest, "intact");
            assertTrue(storage.checkpoints().list().size() <= 2, "retention");
            long next = storage.checkpoints().save(CrashChild.checkpoint(1_000));
            assertEquals(CrashChild.checkpoint(1_000), storage.checkpoints().load(next).orElseThrow());
        }
    }

    private Process start(String mode, FsyncPolicy policy) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx512m", "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), CrashChild.class.getName(), mode, dir.toString(), policy.name())
                .redirectError(tmp.resolve("child.err").toFile())
                .start();
    }

    private void assertLockedByChild() {
        StorageLockedException e = assertThrows(StorageLockedException.class, () -> EmbeddedStorage.open(dir));
        assertTrue(e.getMessage().contains("already in use"), e.getMessage());
    }

    private static Ack parseAck(String line) {
        Ack ack = tryParseAck(line);
        if (ack == null) {
            throw new AssertionError("unexpected child output: " + line);
        }
        return ack;
    }

    /** Null for anything but a complete ACK line (the kill may cut the last line short). */
    private static Ack tryParseAck(String line) {
        String[] p = line.split(" ");
        if (p.length != 6 || !p[0].equals("ACK") || !p[5].equals("END")) {
            return null;
        }
        return new Ack(Integer.parseInt(p[1]), Integer.parseInt(p[2]), Long.parseLong(p[3]), Integer.parseInt(p[4]));
    }
}
