package dev.freshet.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.freshet.app.CliRun;
import dev.freshet.app.demo.TransactionGenerator;
import dev.freshet.engine.EventBatch;
import dev.freshet.engine.embedded.RowCodec;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.yaml.RepositoryLoader;
import dev.freshet.serving.http.ServerOptions;
import dev.freshet.serving.ingest.EventParser;
import dev.freshet.storage.rocksdb.EmbeddedStorage;
import dev.freshet.storage.rocksdb.FsyncPolicy;
import dev.freshet.testkit.ManualClock;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operations of the embedded server: drop and rejection metrics, readiness during replay, CLI errors. */
class ServeOperationsTest {
    static final FeatureRepository FRAUD = RepositoryLoader.load(Path.of("..", "examples", "fraud")).repositoryOrThrow();
    static final long T0 = 1_800_000_000_000L;
    final HttpClient http = HttpClient.newHttpClient();

    static String txn(String card, long eventTime) {
        return "{\"card_id\":\"" + card + "\",\"merchant_id\":\"m1\",\"amount\":5,\"currency\":\"USD\",\"lat\":40.7,\"lon\":-74.0,\"event_time\":"
                + eventTime + "}";
    }

    HttpResponse<String> post(int port, String path, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String metrics(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * HTTP_API.md: events dropped by the engine as late *or too far in the future* "are counted
     * (/metrics)": freshet_dropped_events_total{source,reason} has every reason (only LATE used to
     * reach /metrics; a too-far event vanished from every exported figure).
     */
    @Test
    void eventsDroppedAsTooFarInTheFutureAreCountedInMetrics(@TempDir Path data) throws Exception {
        ManualClock clock = new ManualClock(T0);
        try (ServeCommand.Running server = ServeCommand.Running.start(FRAUD, data, ServerOptions.defaults(0), FsyncPolicy.ALWAYS,
                Duration.ofMinutes(10), clock)) {
            HttpResponse<String> r = post(server.port(), "/v1/sources/transactions/events?wait=applied", "application/json",
                    "[" + txn("f1", T0 - 10) + "," + txn("f1", T0 + Duration.ofMinutes(10).toMillis()) + "]");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(1L, server.engine().stats().sources().get("transactions").drops().get("TOO_FAR_IN_FUTURE"),
                    "the engine dropped the event dated 10 minutes ahead (max_future_skew 1m)");
            assertEquals(1, server.storage().deadLetters().count());
            String m = metrics(server.port());
            assertTrue(Pattern.compile("(?im)^freshet_\\S*(too_far|future|dropped)\\S*(\\{[^}]*})? 1(\\.0)?$").matcher(m).find()
                            || Pattern.compile("(?im)^freshet_\\S*drop\\S*\\{[^}]*(too_far|future)[^}]*} 1(\\.0)?$").matcher(m).find(),
                    "the too-far-in-the-future drop is nowhere in /metrics:\n" + m.lines().filter(l -> l.contains("drop")).toList());
        }
    }

    /**
     * Requests refused before parsing (415 wrong content type, 413 body too large, 404 unknown
     * source) are counted in freshet_ingest_rejected_requests_total too (it used to see only
     * malformed / too_many_events / overloaded).
     */
    @Test
    void everyRejectedIngestRequestIsCountedByReason(@TempDir Path data) throws Exception {
        try (ServeCommand.Running server = ServeCommand.Running.start(FRAUD, data, new ServerOptions(0, null, 4096, 100, 50),
                FsyncPolicy.ALWAYS, Duration.ofMinutes(10), new ManualClock(T0))) {
            assertEquals(415, post(server.port(), "/v1/sources/transactions/events", "text/plain", "[" + txn("a", T0) + "]").statusCode());
            assertEquals(413, post(server.port(), "/v1/sources/transactions/events", "application/json",
                    "[" + "\"x\",".repeat(4000) + "1]").statusCode());
            assertEquals(404, post(server.port(), "/v1/sources/nope/events", "application/json", "[" + txn("a", T0) + "]").statusCode());
            String m = metrics(server.port());
            double total = 0;
            Matcher rows = Pattern.compile("(?m)^freshet_ingest_rejected_requests_total\\{[^}]*} (\\S+)$").matcher(m);
            while (rows.find()) {
                total += Double.parseDouble(rows.group(1));
            }
            assertEquals(3.0, total, "three ingest requests were refused (415, 413, 404); counted: "
                    + m.lines().filter(l -> l.startsWith("freshet_ingest_rejected")).toList());
        }
    }

    /**
     * HTTP_API.md: "/health — 200 while the process serves HTTP", "/ready — 503 before [the log
     * tail is replayed]". Running.start binds HTTP before the engine's recovery ends, then waits
     * for it (it used to bind HTTP only after recovery: during a replay nothing answered).
     */
    @Test
    void healthAndReadyAnswerWhileTheLogIsReplayed(@TempDir Path data) throws Exception {
        // a log with no checkpoint: the next start replays all of it
        long now = System.currentTimeMillis();
        try (EmbeddedStorage storage = EmbeddedStorage.open(data)) {
            TransactionGenerator gen = new TransactionGenerator(20_000, 2_000, 1);
            EventParser parser = new EventParser(FRAUD.source("transactions").orElseThrow().schema());
            for (int b = 0; b < 150; b++) {
                EventBatch batch = new EventBatch(FRAUD.source("transactions").orElseThrow().schema(), 10_000);
                parser.parse(gen.ndjson(10_000, now), batch, 10_000);
                List<byte[]> records = RowCodec.encodeBatch(batch, now, 0);
                storage.eventLog().append("transactions", records).join();
            }
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        int p = port;
        long t0 = System.nanoTime();
        CompletableFuture<ServeCommand.Running> starting = CompletableFuture.supplyAsync(() -> ServeCommand.Running.start(FRAUD, data,
                ServerOptions.defaults(p), FsyncPolicy.ALWAYS, Duration.ofMinutes(10), Clock.systemUTC()));
        int healthAnswers = 0;
        int ready503 = 0;
        HttpClient quick = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        while (!starting.isDone()) {
            try {
                HttpResponse<String> h = quick.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (h.statusCode() == 200 && !starting.isDone()) {
                    healthAnswers++;
                }
                HttpResponse<String> r = quick.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 503) {
                    ready503++;
                }
            } catch (java.io.IOException refused) {
                // not listening
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling: the condition is another thread's progress
        }
        long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        try (ServeCommand.Running server = starting.join()) {
            assertEquals(1_500_000L, server.engine().stats().recovery().replayedEvents().get("transactions"));
            assertTrue(startMillis > 500, "the replay should take a while: " + startMillis + " ms");
            assertTrue(healthAnswers > 0 && ready503 > 0, "during a " + startMillis + " ms replay /health answered "
                    + healthAnswers + " times and /ready answered 503 " + ready503 + " times: the port was not even open");
        }
    }

    /** A negative port is refused (Vert.x would take it as "any free port"). */
    @Test
    void aNegativePortIsRefused(@TempDir Path data) {
        try {
            ServeCommand.Running r = ServeCommand.Running.start(FRAUD, data, ServerOptions.defaults(-5), FsyncPolicy.ALWAYS,
                    Duration.ofMinutes(10), new ManualClock(T0));
            int bound = r.port();
            r.close();
            fail("port -5 was accepted; the server listened on port " + bound);
        } catch (IllegalArgumentException expected) {
            // refused
        }
    }

    record Run(int exit, String out, String err) {
    }

    static Run cli(String... args) {
        CliRun r = CliRun.of(args);
        return new Run(r.exit(), r.out(), r.err());
    }

    /** A second server on a data directory in use: a clear message, not a Java stack trace. */
    @Test
    void aLockedDataDirectoryIsAClearErrorNotAStackTrace(@TempDir Path data) {
        try (EmbeddedStorage _ = EmbeddedStorage.open(data)) {
            Run r = cli("serve", "--repo", Path.of("..", "examples", "fraud").toString(), "--data", data.toString(), "--port", "0");
            assertNotEquals(0, r.exit());
            assertTrue(r.err().contains("already in use"), r.err());
            assertFalse(r.err().contains("\tat "), "a stack trace:\n" + r.err());
        }
    }

    /** Bad flag values: a usage error (exit 2) naming the flag, not an exception's stack trace. */
    @Test
    void badServeFlagsAreUsageErrors(@TempDir Path data) {
        for (String[] flag : List.of(new String[] {"--event-loops", "-1"}, new String[] {"--port", "70000"}, new String[] {"--port", "-5"},
                new String[] {"--token", ""}, new String[] {"--checkpoint-interval", "0s"},
                new String[] {"--checkpoint-interval", "-PT5S"}, new String[] {"--token", "two words"})) {
            Run r = cli("serve", "--repo", Path.of("..", "examples", "fraud").toString(), "--data", data.toString(), flag[0], flag[1]);
            assertEquals(2, r.exit(), String.join(" ", flag) + ": exit " + r.exit() + "\n" + r.err());
            assertFalse(r.err().contains("\tat "), String.join(" ", flag) + ": a stack trace:\n" + r.err());
        }
    }

    /**
     * An unparsable --checkpoint-interval is a usage error (it used to become 30 s silently). The
     * data directory is locked so that no server starts either way.
     */
    @Test
    void anUnparsableCheckpointIntervalIsRefused(@TempDir Path data) {
        try (EmbeddedStorage _ = EmbeddedStorage.open(data)) {
            Run r = cli("serve", "--repo", Path.of("..", "examples", "fraud").toString(), "--data", data.toString(), "--port", "0",
                    "--checkpoint-interval", "soon");
            assertEquals(2, r.exit(), "exit " + r.exit() + "; went on to open the data directory:\n" + r.err());
            assertTrue(r.err().contains("checkpoint-interval"), r.err());
        }
    }
}
