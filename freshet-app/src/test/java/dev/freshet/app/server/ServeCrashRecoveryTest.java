package dev.freshet.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.storage.rocksdb.FsyncPolicy;
import dev.freshet.testkit.BruteForceOracle;
import dev.freshet.testkit.Expected;
import dev.freshet.testkit.OracleFeature;
import dev.freshet.testkit.TestEvent;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exactly-once through the whole product: the real {@code freshet serve} process is SIGKILLed in
 * the middle of HTTP ingestion, restarted on the same data directory, and every acknowledged event
 * must be counted exactly once.
 *
 * <p>The test runs {@code freshet serve} in a child JVM ({@link ServeProcess}) with a 200 ms
 * checkpoint interval and a small repository written to a temp folder: source {@code payments}
 * (account, batch id, int64 amount, event time) feeding two views, {@code account_totals} (lifetime
 * count and sum of the amount, 1 h count) keyed by account and {@code batch_marks} (lifetime count)
 * keyed by batch id. {@value #CLIENTS} client threads POST seeded random batches (JSON arrays and
 * NDJSON alternately, event times just behind the wall clock so nothing is late or in the future)
 * and record which got a 200. Once a seeded number of batches are acknowledged and the server has
 * saved a checkpoint (and acknowledged some more since), the test SIGKILLs it with requests in
 * flight, checks it died of the signal, restarts it and awaits {@code /ready}.
 *
 * <p>The assertion is exact. Each batch carries its own id, so {@code batch_marks:n} tells which
 * batches are durable: an acknowledged batch must read its full size, a batch whose request was cut
 * by the kill must read its full size or 0 (a batch is all-or-nothing; it may have become durable
 * before its answer was sent), and nothing else is possible. The durable set is then acknowledged
 * batches plus the unacknowledged ones that landed, and every account's three features must equal
 * the {@link BruteForceOracle} over exactly that set (value, status and event timestamp). Besides,
 * the restarted engine must have restored a checkpoint (then replayed the log tail), applied exactly
 * as many events as the durable batches hold, dropped none, and a probe batch appended afterwards
 * must start at that same log offset (the log holds the durable batches and nothing else).
 */
class ServeCrashRecoveryTest {
    static final int CLIENTS = 4;
    static final int ACCOUNTS = 16;
    static final String SOURCE = "payments";
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final Pattern RECOVERY = Pattern.compile(
            "embedded engine ready: RecoveryStats\\[checkpointId=(-?\\d+), restoredSources=\\[([^]]*)], .*replayedEvents=\\{[^}]*}.*");

    static final OracleFeature COUNT = new OracleFeature("count", "lifetime", 0, 0, -1, -1, true, 0, 0, 0);
    static final OracleFeature SUM = new OracleFeature("sum", "lifetime", 0, 0, Ev.AMOUNT, -1, true, 0, 0, 0);
    static final OracleFeature COUNT_1H = new OracleFeature("count", "hopping", 3_600_000, 300_000, -1, -1, true, 0, 0, 0);

    @TempDir
    Path tmp;
    final ObjectMapper json = new ObjectMapper();

    static Stream<Arguments> runs() {
        return Stream.of(Arguments.of(FsyncPolicy.ALWAYS, 20_261_204L), Arguments.of(FsyncPolicy.INTERVAL, 7L),
                Arguments.of(FsyncPolicy.NEVER, -3L));
    }

    /** One event as sent; {@link #values} is its row for the oracle (account, batch id, amount, event time). */
    record Ev(String account, String batchId, long amount, long eventTime) {
        static final int ACCOUNT = 0;
        static final int AMOUNT = 2;
        static final int EVENT_TIME = 3;

        Object[] values() {
            return new Object[] {account, batchId, amount, eventTime};
        }

        String json() {
            return "{\"account\":\"" + account + "\",\"batch_id\":\"" + batchId + "\",\"amount\":" + amount
                    + ",\"event_time\":" + eventTime + "}";
        }
    }

    enum Outcome { ACKNOWLEDGED, CUT_BY_KILL }

    record Batch(int id, List<Ev> events) {
        String batchId() {
            return "b" + id;
        }
    }

    /** Batch {@code id} of the workload for {@code seed}: 1–40 events of random accounts and amounts, just behind {@code now}. */
    static Batch batch(long seed, int id, long now) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + id);
        List<Ev> events = new ArrayList<>();
        for (int i = 0, n = r.nextInt(1, 41); i < n; i++) {
            events.add(new Ev("acct-" + r.nextInt(ACCOUNTS), "b" + id, r.nextLong(-1_000, 1_000), now - 1 - r.nextInt(2_000)));
        }
        return new Batch(id, events);
    }

    @ParameterizedTest(name = "fsync={0} seed={1}")
    @MethodSource("runs")
    void everyAcknowledgedEventIsCountedExactlyOnceAfterTheServerIsSigkilled(FsyncPolicy fsync, long seed, TestReporter report)
            throws Exception {
        Path repo = writeRepository(tmp.resolve("repo"));
        Path data = tmp.resolve("data");
        int killAfter = new SplittableRandom(seed).nextInt(30, 120);
        String run = "fsync " + fsync + ", seed " + seed;
        String[] args = {"--fsync", fsync.name(), "--checkpoint-interval", "200ms"};

        Map<Integer, Batch> sent = new ConcurrentHashMap<>();
        Map<Integer, Outcome> outcomes = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        LinkedBlockingQueue<Integer> ackSignals = new LinkedBlockingQueue<>();
        AtomicInteger nextId = new AtomicInteger();
        AtomicBoolean killed = new AtomicBoolean(); // set just before the SIGKILL: failures from then on are expected
        AtomicBoolean stop = new AtomicBoolean(); // set once the server is dead: clients keep requests in flight until then
        int acked;
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            // 1. the first server: ingest from several clients, SIGKILL it with requests in flight
            try (ServeProcess first = ServeProcess.start(repo, data, tmp.resolve("first.err"), TIMEOUT, args)) {
                first.awaitReady(http, TIMEOUT);
                List<Thread> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    clients.add(Thread.ofPlatform().name("client-" + c).start(() -> {
                        while (!stop.get()) {
                            Batch b = batch(seed, nextId.getAndIncrement(), System.currentTimeMillis());
                            sent.put(b.id(), b);
                            boolean ndjson = b.id() % 2 == 1;
                            String body = ndjson ? b.events().stream().map(Ev::json).collect(Collectors.joining("\n"))
                                    : b.events().stream().map(Ev::json).collect(Collectors.joining(",", "[", "]"));
                            HttpRequest request = HttpRequest.newBuilder(first.uri("/v1/sources/" + SOURCE + "/events"))
                                    .timeout(TIMEOUT).header("Content-Type", ndjson ? "application/x-ndjson" : "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                            try {
                                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                                JsonNode answer = json.readTree(r.body());
                                if (r.statusCode() == 200 && answer.get("accepted").asInt() == b.events().size()) {
                                    outcomes.put(b.id(), Outcome.ACKNOWLEDGED);
                                    ackSignals.add(b.id());
                                } else {
                                    unexpected.add(b.batchId() + ": " + r.statusCode() + " " + r.body());
                                    outcomes.put(b.id(), Outcome.CUT_BY_KILL);
                                }
                            } catch (IOException e) {
                                outcomes.put(b.id(), Outcome.CUT_BY_KILL);
                                if (!killed.get()) {
                                    unexpected.add(b.batchId() + " failed before the kill: " + e);
                                }
                            } catch (InterruptedException e) {
                                outcomes.put(b.id(), Outcome.CUT_BY_KILL);
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                    }));
                }
                long pid = first.process().pid();
                try {
                    awaitKillPoint(http, first, ackSignals, unexpected, killAfter);
                    killed.set(true);
                    assertTrue(first.process().toHandle().destroyForcibly(), "SIGKILL sent");
                    assertTrue(first.process().waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the server died");
                } finally {
                    killed.set(true);
                    stop.set(true);
                }
                assertEquals(128 + 9, first.process().exitValue(), "died of SIGKILL, not a clean shutdown");
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " is gone");
                for (Thread c : clients) {
                    assertTrue(c.join(TIMEOUT), c.getName() + " finished");
                }
                assertTrue(unexpected.isEmpty(), run + ": requests failed before the kill: " + unexpected);
            }
            acked = (int) outcomes.values().stream().filter(o -> o == Outcome.ACKNOWLEDGED).count();
            assertEquals(sent.keySet(), outcomes.keySet(), "every request sent has an outcome");

            // 2. the restarted server on the same directory
            try (ServeProcess second = ServeProcess.start(repo, data, tmp.resolve("second.err"), TIMEOUT, args)) {
                second.awaitReady(http, TIMEOUT);
                Matcher recovery = RECOVERY.matcher(second.stderr());
                assertTrue(recovery.find(), run + ": recovery logged: " + second.stderr());
                assertTrue(Long.parseLong(recovery.group(1)) >= 0 && recovery.group(2).equals(SOURCE),
                        run + ": restored a checkpoint, then replayed the tail: " + recovery.group());

                // which batches are durable: exactly the acknowledged ones plus cut ones that landed whole
                List<Batch> all = sent.values().stream().sorted((a, b) -> Integer.compare(a.id(), b.id())).toList();
                Map<String, Long> marks = readCounts(http, second, "batch_marks:n", "batch_id",
                        all.stream().map(Batch::batchId).toList());
                List<Batch> durable = new ArrayList<>();
                int landedUnacknowledged = 0;
                for (Batch b : all) {
                    long n = marks.get(b.batchId());
                    long size = b.events().size();
                    if (outcomes.get(b.id()) == Outcome.ACKNOWLEDGED) {
                        assertEquals(size, n, run + ": " + b.batchId() + " was acknowledged: all " + size + " events, each once");
                    } else {
                        assertTrue(n == 0 || n == size, run + ": " + b.batchId() + " was cut by the kill: all or nothing, each once, got "
                                + n + " of " + size);
                        landedUnacknowledged += n == size ? 1 : 0;
                    }
                    if (n == size) {
                        durable.add(b);
                    }
                }

                // every account against the brute-force oracle over exactly the durable events
                List<TestEvent> events = new ArrayList<>();
                for (Batch b : durable) {
                    for (Ev e : b.events()) {
                        events.add(new TestEvent(events.size(), 0, e.values()));
                    }
                }
                BruteForceOracle oracle = new BruteForceOracle(Ev.ACCOUNT, Ev.EVENT_TIME);
                List<String> accounts = new ArrayList<>();
                for (int a = 0; a < ACCOUNTS; a++) {
                    accounts.add("acct-" + a);
                }
                JsonNode read = features(http, second, List.of("account_totals:n", "account_totals:amount_sum",
                        "account_totals:n_1h"), "account", accounts);
                long t = read.get("read_time").asLong();
                String where = run + ": " + acked + " acknowledged batches, " + landedUnacknowledged
                        + " of " + (all.size() - acked) + " cut by the kill landed, " + events.size() + " durable events, read at " + t;
                for (int a = 0; a < ACCOUNTS; a++) {
                    JsonNode row = read.get("results").get(a);
                    OracleFeature[] expected = {COUNT, SUM, COUNT_1H};
                    for (int f = 0; f < expected.length; f++) {
                        Expected e = oracle.evaluate(expected[f], events, accounts.get(a), t);
                        String what = where + "; " + accounts.get(a) + " " + read.get("features").get(f).asText();
                        assertEquals(e.status(), row.get("statuses").get(f).asText(), what + " status");
                        assertEquals(e.value(), row.get("values").get(f).asLong(), what + " value");
                        assertEquals(e.eventTime(), row.get("event_timestamps").get(f).asLong(), what + " event timestamp");
                    }
                }

                // applied once each, nothing dropped or held, and the log holds the durable batches only
                Map<String, Double> metrics = metrics(http, second);
                assertEquals((double) events.size(), metrics.get("freshet_events_applied"), where + ": events applied");
                assertEquals(0.0, metrics.get("freshet_late_dropped_events"), where);
                assertEquals(0.0, metrics.get("freshet_events_held"), where);
                Ev probe = new Ev("probe", "probe", 1, System.currentTimeMillis() - 1);
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(second.uri("/v1/sources/" + SOURCE + "/events"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("[" + probe.json() + "]")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                assertEquals(events.size(), json.readTree(r.body()).get("first_offset").asLong(), where + ": log end offset");
                report.publishEntry("recovered", where + "; " + recovery.group());
            }
        }
    }

    /**
     * Waits, with a deadline, until {@code killAfter} batches are acknowledged, the server has saved
     * a checkpoint and at least 10 more batches were acknowledged after it was seen (so the log has a
     * tail to replay). Woken by each acknowledgement; checkpoints are read from {@code /metrics}.
     */
    private void awaitKillPoint(HttpClient http, ServeProcess server, LinkedBlockingQueue<Integer> ackSignals,
                                ConcurrentLinkedQueue<String> unexpected, int killAfter) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        int acks = 0;
        int acksAtCheckpoint = -1;
        long lastScrape = 0;
        while (acks < killAfter || acksAtCheckpoint < 0 || acks < acksAtCheckpoint + 10) {
            Integer ack = ackSignals.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (ack == null) {
                fail("no progress before the deadline: " + acks + " acknowledgements, checkpoint seen: " + (acksAtCheckpoint >= 0)
                        + "; " + unexpected + "; stderr: " + server.stderr());
            }
            if (!unexpected.isEmpty()) {
                fail("requests failed before the kill: " + unexpected);
            }
            acks++;
            if (acksAtCheckpoint < 0 && System.nanoTime() - lastScrape > TimeUnit.MILLISECONDS.toNanos(50)) {
                lastScrape = System.nanoTime();
                if (metrics(http, server).getOrDefault("freshet_checkpoints", 0.0) >= 1) {
                    acksAtCheckpoint = acks;
                }
            }
        }
    }

    /** Reads one lifetime count for many entities (in requests of at most 500 rows). */
    private Map<String, Long> readCounts(HttpClient http, ServeProcess server, String feature, String joinKey, List<String> keys)
            throws IOException, InterruptedException {
        Map<String, Long> out = new ConcurrentHashMap<>();
        for (int from = 0; from < keys.size(); from += 500) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + 500));
            JsonNode read = features(http, server, List.of(feature), joinKey, chunk);
            for (int i = 0; i < chunk.size(); i++) {
                out.put(chunk.get(i), read.get("results").get(i).get("values").get(0).asLong());
            }
        }
        return out;
    }

    private JsonNode features(HttpClient http, ServeProcess server, List<String> features, String joinKey, List<String> keys)
            throws IOException, InterruptedException {
        var request = json.createObjectNode();
        features.forEach(request.putArray("features")::add);
        var entities = request.putArray("entities");
        keys.forEach(k -> entities.addObject().put(joinKey, k));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri("/v1/features")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = json.readTree(r.body());
        assertEquals(keys.size(), body.get("results").size());
        return body;
    }

    /** The unlabelled samples of {@code /metrics}, by name. */
    private static Map<String, Double> metrics(HttpClient http, ServeProcess server) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        Map<String, Double> out = new ConcurrentHashMap<>();
        for (String line : r.body().split("\n")) {
            String[] parts = line.split(" ");
            if (!line.startsWith("#") && parts.length == 2 && !parts[0].contains("{")) {
                out.put(parts[0], Double.parseDouble(parts[1]));
            }
        }
        return out;
    }

    private static Path writeRepository(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("repo.yaml"), """
                kind: entity
                name: account
                join_keys:
                  account: string
                ---
                kind: entity
                name: batch
                description: One request of the crash test; its count tells whether the batch is durable.
                join_keys:
                  batch_id: string
                ---
                kind: source
                name: payments
                type: stream
                schema:
                  account: string
                  batch_id: string
                  amount: int64
                  event_time: timestamp
                event_time_field: event_time
                allowed_lateness: 5m
                max_future_skew: 1m
                ---
                kind: feature_view
                name: account_totals
                entity: account
                source: payments
                features:
                  - name: n
                    function: count
                    window: lifetime
                  - name: amount_sum
                    function: sum
                    input: amount
                    window: lifetime
                  - name: n_1h
                    function: count
                    window: 1h
                ---
                kind: feature_view
                name: batch_marks
                entity: batch
                source: payments
                features:
                  - name: n
                    function: count
                    window: lifetime
                """);
        return dir;
    }
}
