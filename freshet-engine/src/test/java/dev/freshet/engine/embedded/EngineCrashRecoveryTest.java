package dev.freshet.engine.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.engine.EventBatch;
import dev.freshet.storage.LogCursor;
import dev.freshet.storage.rocksdb.EmbeddedStorage;
import dev.freshet.testkit.Seeds;
import dev.freshet.testkit.TestStreams;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exactly-once across a real crash. A child JVM ({@link EngineCrashChild}) runs the engine on
 * RocksDB with 50 ms checkpoints and appends from two threads, printing every acknowledged batch;
 * after a seeded number of acknowledgements (and at least two checkpoints) the test SIGKILLs it
 * mid-ingestion, restarts the engine on the same directory in this JVM and checks:
 * <ul>
 *   <li>every acknowledged batch is in the log, whole, at its acknowledged offsets (nothing
 *       acknowledged is lost);</li>
 *   <li>the log holds nothing else but at most one unacknowledged batch per thread — the one in
 *       flight at the kill — each whole;</li>
 *   <li>the restarted engine restored a checkpoint and replayed the tail, and its reads of count,
 *       sum, filtered count and 1 h count per key equal a brute-force computation over exactly the
 *       durable events, with applied events = log length and no drops: each event applied once,
 *       none twice, none missing.</li>
 * </ul>
 */
class EngineCrashRecoveryTest {
    private static final long DEADLINE_MILLIS = 120_000;
    private static final Pattern ACK = Pattern.compile("ACK (\\d+) (\\d+) (\\d+) (\\d+) END");
    private static final Pattern CKPT = Pattern.compile("CKPT (\\d+) END");

    @TempDir
    Path tmp;

    static LongStream seeds() {
        return Seeds.of(20_261_203L, 3);
    }

    private record Ack(int thread, int batch, long first, int count) {
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void everyAcknowledgedEventIsAppliedExactlyOnceAfterSigkill(long seed) throws Exception {
        Path dir = tmp.resolve("data");
        int killAfter = new SplittableRandom(seed).nextInt(40, 400);
        List<Ack> acks = new ArrayList<>();
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                EngineCrashChild.class.getName(), dir.toString())
                .redirectError(tmp.resolve("child.err").toFile())
                .start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread pump = Thread.ofPlatform().daemon(true).start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("IO " + e);
            } finally {
                lines.add("EOF");
            }
        });
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
            long checkpoints = 0;
            while (acks.size() < killAfter || checkpoints < 2) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    fail("child made no progress before the deadline: " + acks.size() + " acks, " + checkpoints
                            + " checkpoints; stderr: " + Files.readString(tmp.resolve("child.err")));
                }
                if (line.equals("EOF")) {
                    fail("child exited early: " + Files.readString(tmp.resolve("child.err")));
                }
                Matcher m = CKPT.matcher(line);
                if (m.matches()) {
                    checkpoints = Long.parseLong(m.group(1));
                } else {
                    acks.add(parseAck(line));
                }
            }
            child.toHandle().destroyForcibly(); // SIGKILL, mid-ingestion
            child.waitFor();
            pump.join();
            // acknowledgements printed between the last poll and the kill count too; a line cut by the kill does not
            for (String line; !(line = lines.take()).equals("EOF"); ) {
                Matcher m = ACK.matcher(line);
                if (m.matches()) {
                    acks.add(parseAck(line));
                }
            }
        } finally {
            child.destroyForcibly();
        }

        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            // the log, decoded
            List<Object[]> log = new ArrayList<>();
            EventBatch decoded = new EventBatch(TestStreams.SCHEMA, 1024);
            try (LogCursor c = storage.eventLog().read(EmbeddedFixtures.SOURCE, 0)) {
                while (c.next()) {
                    assertEquals(log.size(), c.offset(), "gap-free");
                    int r = RowCodec.decodeInto(c.record(), decoded);
                    Object[] v = new Object[TestStreams.SCHEMA.size()];
                    for (int f = 0; f < v.length; f++) {
                        v[f] = decoded.getObject(r, f);
                    }
                    log.add(v);
                }
            }
            assertEquals(log.size(), storage.eventLog().endOffset(EmbeddedFixtures.SOURCE));
            // nothing acknowledged is lost
            Map<Integer, Integer> lastAcked = new HashMap<>();
            for (Ack a : acks) {
                assertTrue(a.first() + a.count() <= log.size(), "acknowledged " + a + " but the log ends at " + log.size());
                assertEquals(EngineCrashChild.batchSize(a.thread(), a.batch()), a.count());
                for (int i = 0; i < a.count(); i++) {
                    assertEquals(EngineCrashChild.tag(a.thread(), a.batch(), i), log.get((int) a.first() + i)[TestStreams.MERCHANT],
                            "event " + i + " of " + a);
                }
                lastAcked.merge(a.thread(), a.batch(), Math::max);
            }
            // the log holds whole batches, each thread's in order, and beyond the acknowledged ones at
            // most the batch each thread had in flight
            Map<Integer, Integer> lastLogged = new HashMap<>();
            Set<String> tags = new HashSet<>();
            Pattern tagPattern = Pattern.compile("t(\\d+)b(\\d+)i(\\d+)");
            for (int at = 0; at < log.size(); ) {
                Matcher m = tagPattern.matcher((String) log.get(at)[TestStreams.MERCHANT]);
                assertTrue(m.matches());
                int thread = Integer.parseInt(m.group(1));
                int batch = Integer.parseInt(m.group(2));
                assertEquals(lastLogged.getOrDefault(thread, -1) + 1, batch, "thread " + thread + " in order");
                lastLogged.put(thread, batch);
                for (int i = 0; i < EngineCrashChild.batchSize(thread, batch); i++, at++) {
                    Object[] v = log.get(at);
                    assertTrue(tags.add((String) v[TestStreams.MERCHANT]), "logged twice");
                    assertEquals(EngineCrashChild.tag(thread, batch, i), v[TestStreams.MERCHANT], "batch is whole");
                    assertEquals(EngineCrashChild.card(thread, batch, i), v[TestStreams.CARD]);
                    assertEquals(EngineCrashChild.qty(thread, batch, i), v[TestStreams.QTY]);
                }
            }
            lastLogged.forEach((thread, batch) -> assertTrue(batch <= lastAcked.getOrDefault(thread, -1) + 1,
                    "thread " + thread + " logged batch " + batch + " but only " + lastAcked.get(thread) + " was acknowledged"));

            // restart: restore the latest checkpoint, replay the tail, compare with brute force
            try (EmbeddedEngine engine = EmbeddedEngine.start(EngineCrashChild.repo(), storage, EngineOptions.defaults(),
                    InstantSource.system())) {
                var recovery = engine.stats().recovery();
                assertEquals(List.of(EmbeddedFixtures.SOURCE), recovery.restoredSources(), "restored a checkpoint: " + recovery);
                assertTrue(recovery.checkpointId() >= 0);
                var stats = engine.stats().sources().get(EmbeddedFixtures.SOURCE);
                assertEquals(log.size(), stats.appliedOffset());
                assertEquals(log.size(), stats.appliedEvents(), "every logged event applied once");
                assertEquals(0, stats.heldEvents());
                stats.drops().forEach((reason, n) -> assertEquals(0L, n, reason));

                var view = engine.view(EmbeddedFixtures.VIEW);
                FeatureVector out = new FeatureVector(view.features().size());
                for (int k = 0; k < EngineCrashChild.KEYS; k++) {
                    String card = "card-" + k;
                    long t = engine.readLatest(EmbeddedFixtures.VIEW, card, out);
                    long hop = 5 * 60_000;
                    long lo = Math.ceilDiv(t, hop) * hop - 3_600_000;
                    long n = 0;
                    long qty = 0;
                    long flagged = 0;
                    long lastHour = 0;
                    for (Object[] v : log) {
                        if (v[TestStreams.CARD].equals(card)) {
                            n++;
                            qty += (Long) v[TestStreams.QTY];
                            flagged += (Boolean) v[TestStreams.FLAG] ? 1 : 0;
                            long et = (Long) v[TestStreams.EVENT_TIME];
                            lastHour += et >= lo && et < t ? 1 : 0;
                        }
                    }
                    String where = card + " at " + t + " (" + acks.size() + " acks, log " + log.size() + ")";
                    assertEquals(n, value(out, view.featureIndex("n")), where + " count");
                    assertEquals(qty, value(out, view.featureIndex("qty")), where + " sum");
                    assertEquals(flagged, value(out, view.featureIndex("n_flagged")), where + " filtered count");
                    assertEquals(lastHour, value(out, view.featureIndex("n_1h")), where + " 1h count");
                }
            }
        }
    }

    private static long value(FeatureVector out, int i) {
        Object v = out.value(i);
        return v == null ? 0 : (Long) v;
    }

    private static Ack parseAck(String line) {
        Matcher m = ACK.matcher(line);
        if (!m.matches()) {
            throw new AssertionError("unexpected child output: " + line);
        }
        return new Ack(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3)),
                Integer.parseInt(m.group(4)));
    }
}
