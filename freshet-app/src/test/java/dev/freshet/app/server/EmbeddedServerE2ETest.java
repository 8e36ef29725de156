package dev.freshet.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.yaml.RepositoryLoader;
import dev.freshet.serving.http.ServerOptions;
import dev.freshet.storage.rocksdb.FsyncPolicy;
import dev.freshet.testkit.ManualClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The embedded server end to end through real HTTP on a free port, with real RocksDB storage and
 * an injected clock: ingest → read, read-after-write, decay, late events, Feast shapes, auth,
 * limits and a battery of bad inputs after which nothing accepted is lost.
 */
class EmbeddedServerE2ETest {
    static final FeatureRepository FRAUD = RepositoryLoader.load(Path.of("..", "examples", "fraud")).repositoryOrThrow();
    static final long T0 = 1_800_000_000_000L;
    static final String TOKEN = "s3cret";

    @TempDir
    Path data;
    ManualClock clock;
    ServeCommand.Running server;
    HttpClient http;
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() {
        clock = new ManualClock(T0);
        server = startFraudServer(data, clock);
        http = HttpClient.newHttpClient();
    }

    /** The fraud example served from {@code data} on a free port: token {@link #TOKEN}, 64 KiB bodies, 100 events, 50 rows. */
    static ServeCommand.Running startFraudServer(Path data, ManualClock clock) {
        return startServer(FRAUD, data, clock);
    }

    /** {@code repo} served as {@link #startFraudServer} serves the fraud example. */
    static ServeCommand.Running startServer(FeatureRepository repo, Path data, ManualClock clock) {
        ServeCommand.Running server = ServeCommand.Running.start(repo, data, new ServerOptions(0, TOKEN, 64 * 1024, 100, 50),
                FsyncPolicy.ALWAYS, Duration.ofMinutes(10), clock);
        server.engine().awaitReady().join();
        return server;
    }

    /** The fraud example copied to {@code repoDir} with the definitions of {@code extraYaml} added. */
    static FeatureRepository fraudWith(Path repoDir, String extraYaml) throws IOException {
        Path from = Path.of("..", "examples", "fraud");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = repoDir.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Files.writeString(repoDir.resolve("extra.yaml"), extraYaml);
        return RepositoryLoader.load(repoDir).repositoryOrThrow();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    record Resp(int status, String contentType, JsonNode body) {
    }

    Resp post(String path, String contentType, String body, boolean auth) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (auth) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode node = r.body().isBlank() ? json.nullNode() : json.readTree(r.body());
        return new Resp(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), node);
    }

    Resp get(String path) throws IOException, InterruptedException {
        return get(path, false);
    }

    Resp get(String path, boolean auth) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (auth) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Resp(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                r.body().startsWith("{") ? json.readTree(r.body()) : json.getNodeFactory().textNode(r.body()));
    }

    static String txn(String card, double amount, String currency, long eventTime) {
        return "{\"card_id\":\"" + card + "\",\"merchant_id\":\"m1\",\"amount\":" + amount + ",\"currency\":\"" + currency
                + "\",\"lat\":40.7,\"lon\":-74.0,\"event_time\":" + eventTime + "}";
    }

    Resp ingest(String... events) throws IOException, InterruptedException {
        return post("/v1/sources/transactions/events?wait=applied", "application/json", "[" + String.join(",", events) + "]", true);
    }

    JsonNode features(String card) throws IOException, InterruptedException {
        Resp r = post("/v1/features", "application/json", "{\"feature_service\":\"fraud_model_v1\",\"entities\":[{\"card_id\":\""
                + card + "\",\"lat\":48.86,\"lon\":2.35}]}", false);
        assertEquals(200, r.status(), r.body().toString());
        return r.body();
    }

    static JsonNode value(JsonNode resp, String feature) {
        JsonNode names = resp.get("features");
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).asText().equals(feature)) {
                return resp.get("results").get(0).get("values").get(i);
            }
        }
        throw new AssertionError("no feature " + feature);
    }

    static String status(JsonNode resp, String feature) {
        JsonNode names = resp.get("features");
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).asText().equals(feature)) {
                return resp.get("results").get(0).get("statuses").get(i).asText();
            }
        }
        throw new AssertionError("no feature " + feature);
    }

    @Test
    void ingestedEventsAreReadBackAfterWaitApplied() throws Exception {
        Resp r = ingest(txn("c1", 10, "USD", T0 - 2000), txn("c1", 30, "EUR", T0 - 1000));
        assertEquals(200, r.status(), r.body().toString());
        assertEquals(2, r.body().get("accepted").asInt());
        assertTrue(r.body().get("applied").asBoolean());
        clock.advance(1);
        JsonNode f = features("c1");
        assertEquals(2, value(f, "card_txn:txn_count_5m").asInt());
        assertEquals(40.0, value(f, "card_txn:amount_sum_1h").asDouble(), 1e-9);
        assertEquals(20.0, value(f, "card_txn:amount_avg_1h").asDouble(), 1e-9);
        assertEquals(1, value(f, "card_txn:foreign_txn_count_1h").asInt());
        assertEquals("PRESENT", status(f, "distance_from_last_txn_km"));
        assertTrue(value(f, "distance_from_last_txn_km").asDouble() > 5000, "New York to Paris");
        JsonNode unknown = features("never-seen");
        assertEquals(0, value(unknown, "card_txn:txn_count_5m").asInt());
        assertEquals("NOT_FOUND", status(unknown, "card_txn:amount_avg_1h"));
    }

    @Test
    void logSizeAndDurableWritesAreExported() throws Exception {
        double commitsBefore = gauge("freshet_log_commits");
        assertEquals(200, ingest(txn("l1", 10, "USD", T0 - 2000)).status());
        assertEquals(200, ingest(txn("l1", 20, "USD", T0 - 1000), txn("l2", 30, "EUR", T0 - 1000)).status());
        // two requests, each acknowledged before the next was sent: one durable write (fsync) each
        assertEquals(commitsBefore + 2, gauge("freshet_log_commits"));
        // RocksDB reports its memtables by allocated arena blocks, so a few events need not move it
        assertTrue(gauge("freshet_log_bytes") > 0, "the log's size");
    }

    /** The sum of freshet_ingest_rejected_requests_total over its reasons. */
    private double rejectedIngestRequests() throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^freshet_ingest_rejected_requests_total\\{[^}]*} (\\S+)$")
                .matcher(get("/metrics").body().asText());
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    private double gauge(String name) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(get("/metrics").body().asText());
        assertTrue(m.find(), name + " in /metrics");
        return Double.parseDouble(m.group(1));
    }

    @Test
    void freshnessPerViewIsExportedAsHistograms() throws Exception {
        clock.set(T0);
        ingest(txn("f1", 10, "USD", T0 - 2000), txn("f1", 30, "USD", T0 - 1000));
        // held: its event time is not yet past; visible once the clock passes it, 500 ms after its accept time
        ingest(txn("f1", 5, "USD", T0 + 300));
        clock.set(T0 + 500);
        server.engine().advanceClock();
        String metrics = get("/metrics").body().asText();
        assertTrue(metrics.contains("freshet_freshness_accept_to_visible_seconds_count{view=\"card_txn\"} 3"), metrics);
        assertTrue(metrics.contains("freshet_freshness_accept_to_visible_seconds_sum{view=\"card_txn\"} 0.5"), metrics);
        assertTrue(metrics.contains("freshet_freshness_event_to_visible_seconds_sum{view=\"card_txn\"} 3.2"), metrics);
        // monotonic per-batch lags: one observation per logged batch (two requests), values not asserted
        assertTrue(metrics.contains("freshet_freshness_batch_accept_to_visible_seconds_count{source=\"transactions\"} 2"), metrics);
        assertTrue(metrics.contains("freshet_freshness_batch_logged_to_visible_seconds_count{source=\"transactions\"} 2"), metrics);
    }

    @Test
    void windowedCountDecaysToZeroWithoutNewEvents() throws Exception {
        ingest(txn("c2", 5, "USD", T0 - 10));
        clock.advance(1);
        assertEquals(1, value(features("c2"), "card_txn:txn_count_5m").asInt());
        clock.advance(Duration.ofMinutes(6).toMillis());
        JsonNode later = features("c2");
        assertEquals(0, value(later, "card_txn:txn_count_5m").asInt(), "5-minute count decays with no new event");
        assertEquals(1, value(later, "card_txn:txn_count_1h").asInt());
        assertEquals(1, value(later, "card_txn:txn_count_lifetime").asInt());
    }

    @Test
    void lateEventsAreCountedAndDeadLetteredNotApplied() throws Exception {
        ingest(txn("c3", 5, "USD", T0 - 1000));
        Resp late = ingest(txn("c3", 7, "USD", T0 - Duration.ofMinutes(30).toMillis()));
        assertEquals(200, late.status(), "a late event is accepted into the log, then dropped by the engine");
        clock.advance(1);
        assertEquals(1, value(features("c3"), "card_txn:txn_count_lifetime").asInt());
        assertEquals(1L, server.engine().stats().sources().get("transactions").drops().get("LATE"));
        assertEquals(1, server.storage().deadLetters().count());
        assertTrue(get("/metrics").body().asText().contains("freshet_late_dropped_events 1.0"));
        assertTrue(get("/metrics").body().asText().contains("freshet_dropped_events_total{reason=\"LATE\",source=\"transactions\"} 1.0"));
    }

    /**
     * GET /v1/dead-letters lists what the engine dropped while the server runs (the RocksDB lock
     * keeps other processes out of the store): newest first, filtered by reason, paged with limit and
     * before; an admin endpoint behind the bearer token.
     */
    @Test
    void deadLettersAreListedNewestFirstBehindTheToken() throws Exception {
        assertEquals(200, ingest(txn("d1", 5, "USD", T0 - 1000)).status());
        long firstLateTime = T0 - Duration.ofMinutes(30).toMillis();
        long secondLateTime = T0 - Duration.ofMinutes(40).toMillis();
        Resp first = ingest(txn("d1", 7, "USD", firstLateTime));
        Resp second = ingest(txn("d1", 8, "USD", secondLateTime));
        Resp future = ingest(txn("d1", 9, "USD", T0 + Duration.ofMinutes(10).toMillis()));
        assertEquals(200, future.status(), future.body().toString());

        Resp unauthorized = get("/v1/dead-letters", false);
        assertEquals(401, unauthorized.status());
        assertEquals("application/problem+json", unauthorized.contentType());

        Resp all = get("/v1/dead-letters", true);
        assertEquals(200, all.status(), all.body().toString());
        JsonNode letters = all.body().get("dead_letters");
        assertEquals(3, letters.size(), all.body().toString());
        assertEquals("TOO_FAR_IN_FUTURE", letters.get(0).get("reason").asText(), "newest first");
        assertEquals("LATE", letters.get(1).get("reason").asText());
        assertEquals("LATE", letters.get(2).get("reason").asText());
        assertTrue(letters.get(0).get("id").asLong() > letters.get(1).get("id").asLong(), all.body().toString());
        JsonNode late = letters.get(2);
        assertEquals("transactions", late.get("source").asText());
        assertEquals(0, late.get("partition").asInt());
        assertEquals(first.body().get("first_offset").asLong(), late.get("seq").asLong(), "the event's log offset");
        assertEquals(firstLateTime, late.get("event_time").asLong());
        assertEquals(T0, late.get("accept_time").asLong());
        assertTrue(late.get("detail").isTextual(), late.toString());
        assertTrue(late.get("payload").asText().contains("d1"), late.toString());
        assertTrue(all.body().get("next_before").isNull(), "one page holds them all");

        Resp onlyLate = get("/v1/dead-letters?reason=LATE&source=transactions", true);
        assertEquals(2, onlyLate.body().get("dead_letters").size(), onlyLate.body().toString());
        Resp newestLate = get("/v1/dead-letters?reason=LATE&limit=1", true);
        JsonNode page = newestLate.body().get("dead_letters");
        assertEquals(1, page.size(), newestLate.body().toString());
        assertEquals(second.body().get("first_offset").asLong(), page.get(0).get("seq").asLong());
        assertEquals(secondLateTime, page.get(0).get("event_time").asLong());
        long next = newestLate.body().get("next_before").asLong();
        assertEquals(page.get(0).get("id").asLong(), next);
        Resp olderLate = get("/v1/dead-letters?reason=LATE&limit=1&before=" + next, true);
        assertEquals(firstLateTime, olderLate.body().get("dead_letters").get(0).get("event_time").asLong(), olderLate.body().toString());

        for (String bad : new String[] {"limit=0", "limit=x", "limit=1001", "before=-1", "before=x", "reason=", "source=nope", "source="}) {
            Resp r = get("/v1/dead-letters?" + bad, true);
            assertEquals(400, r.status(), bad + ": " + r.body());
            assertEquals("application/problem+json", r.contentType(), bad);
        }
    }

    @Test
    void feastCompatibleEndpointUsesFeastShapes() throws Exception {
        ingest(txn("c4", 12.5, "USD", T0 - 100));
        clock.advance(1);
        Resp r = post("/get-online-features", "application/json",
                "{\"features\":[\"card_txn:txn_count_5m\",\"card_txn:amount_avg_1h\"],\"entities\":{\"card_id\":[\"c4\",\"zz\"]}}", false);
        assertEquals(200, r.status(), r.body().toString());
        assertEquals("[\"card_id\",\"txn_count_5m\",\"amount_avg_1h\"]", r.body().get("metadata").get("feature_names").toString());
        JsonNode results = r.body().get("results");
        assertEquals("[\"c4\",\"zz\"]", results.get(0).get("values").toString());
        assertEquals("[1,0]", results.get(1).get("values").toString());
        assertEquals("[\"PRESENT\",\"NOT_FOUND\"]", results.get(2).get("statuses").toString());
        assertEquals("1970-01-01T00:00:00Z", results.get(2).get("event_timestamps").get(1).asText());
        Resp full = post("/get-online-features", "application/json",
                "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":{\"card_id\":[\"c4\"]},\"full_feature_names\":true}", false);
        assertEquals("card_txn__txn_count_5m", full.body().get("metadata").get("feature_names").get(1).asText());
    }

    @Test
    void writesNeedTheBearerToken() throws Exception {
        Resp none = post("/v1/sources/transactions/events", "application/json", "[" + txn("c5", 1, "USD", T0) + "]", false);
        assertEquals(401, none.status());
        assertEquals("application/problem+json", none.contentType());
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/v1/sources/transactions/events")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer nope").POST(HttpRequest.BodyPublishers.ofString("[]")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrong.statusCode());
        assertTrue(get("/metrics").body().asText().contains("freshet_ingest_rejected_requests_total{reason=\"unauthorized\"} 2.0"));
        assertEquals(200, get("/health").status());
        assertEquals(200, get("/ready").status());
    }

    static Stream<Arguments> badRequests() {
        String ok = txn("cx", 1, "USD", T0 - 5);
        String many = String.join(",", java.util.Collections.nCopies(101, ok));
        String ingest = "/v1/sources/transactions/events";
        return Stream.of(
                Arguments.of("malformed JSON", ingest, "application/json", "[{\"card_id\": ", 400),
                Arguments.of("not an array or object", ingest, "application/json", "42", 400),
                Arguments.of("garbage", ingest, "application/json", "hello", 400),
                Arguments.of("empty array", ingest, "application/json", "[]", 400),
                Arguments.of("empty body", ingest, "application/json", "", 400),
                Arguments.of("all events invalid", ingest, "application/json", "[{\"card_id\":1}]", 400),
                Arguments.of("missing field", ingest, "application/json", "[{\"card_id\":\"c\"}]", 400),
                Arguments.of("wrong type", ingest, "application/json", "[{\"card_id\":\"c\",\"merchant_id\":\"m\",\"amount\":\"1\",\"currency\":\"USD\",\"lat\":1,\"lon\":1,\"event_time\":1}]", 400),
                Arguments.of("unknown field", ingest, "application/json", "[{\"card_id\":\"c\",\"merchant_id\":\"m\",\"amount\":1,\"currency\":\"USD\",\"lat\":1,\"lon\":1,\"event_time\":1,\"x\":1}]", 400),
                Arguments.of("text/plain", ingest, "text/plain", "[" + ok + "]", 415),
                Arguments.of("xml", ingest, "application/xml", "<a/>", 415),
                Arguments.of("no content type", ingest, null, "[" + ok + "]", 415),
                Arguments.of("too many events", ingest, "application/json", "[" + many + "]", 413),
                Arguments.of("body too large", ingest, "application/json", "[" + "\"x\",".repeat(40_000) + "1]", 413),
                Arguments.of("unknown source", "/v1/sources/nope/events", "application/json", "[" + ok + "]", 404),
                Arguments.of("unknown route", "/v1/nothing", "application/json", "{}", 404),
                Arguments.of("features: malformed", "/v1/features", "application/json", "{", 400),
                Arguments.of("features: not an object", "/v1/features", "application/json", "[]", 400),
                Arguments.of("features: none requested", "/v1/features", "application/json", "{\"entities\":[{\"card_id\":\"c\"}]}", 400),
                Arguments.of("features: both list and service", "/v1/features", "application/json",
                        "{\"features\":[\"card_txn:txn_count_5m\"],\"feature_service\":\"fraud_model_v1\",\"entities\":[]}", 400),
                Arguments.of("features: unknown service", "/v1/features", "application/json", "{\"feature_service\":\"nope\",\"entities\":[]}", 404),
                Arguments.of("features: unknown view", "/v1/features", "application/json", "{\"features\":[\"nope:x\"],\"entities\":[]}", 404),
                Arguments.of("features: unknown feature", "/v1/features", "application/json", "{\"features\":[\"card_txn:nope\"],\"entities\":[]}", 404),
                Arguments.of("features: unknown on-demand feature", "/v1/features", "application/json", "{\"features\":[\"nocolon\"],\"entities\":[]}", 404),
                Arguments.of("features: bad reference", "/v1/features", "application/json", "{\"features\":[\"a:b:c\"],\"entities\":[]}", 400),
                Arguments.of("features: unknown member", "/v1/features", "application/json", "{\"feature\":[\"card_txn:txn_count_5m\"],\"entities\":[]}", 400),
                Arguments.of("features: reference not a string", "/v1/features", "application/json", "{\"features\":[1],\"entities\":[]}", 400),
                Arguments.of("features: entities not a list", "/v1/features", "application/json", "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":{}}", 400),
                Arguments.of("features: missing join key", "/v1/features", "application/json", "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":[{\"x\":1}]}", 400),
                Arguments.of("features: join key wrong type", "/v1/features", "application/json", "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":[{\"card_id\":5}]}", 400),
                Arguments.of("features: missing request field", "/v1/features", "application/json", "{\"features\":[\"distance_from_last_txn_km\"],\"entities\":[{\"card_id\":\"c\"}]}", 400),
                Arguments.of("features: request field wrong type", "/v1/features", "application/json", "{\"features\":[\"distance_from_last_txn_km\"],\"entities\":[{\"card_id\":\"c\",\"lat\":\"n\",\"lon\":1}]}", 400),
                Arguments.of("features: row not an object", "/v1/features", "application/json", "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":[1]}", 400),
                Arguments.of("features: too many entities", "/v1/features", "application/json", "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":["
                        + String.join(",", java.util.Collections.nCopies(51, "{\"card_id\":\"c\"}")) + "]}", 413),
                Arguments.of("features: bad read_time", "/v1/features", "application/json", "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":[],\"read_time\":\"x\"}", 400),
                Arguments.of("feast: entities not columns", "/get-online-features", "application/json", "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":[]}", 400),
                Arguments.of("feast: ragged columns", "/get-online-features", "application/json", "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":{\"card_id\":[\"a\"],\"lat\":[1,2]}}", 400),
                Arguments.of("feast: column not an array", "/get-online-features", "application/json", "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":{\"card_id\":\"a\"}}", 400),
                Arguments.of("feast: nested value", "/get-online-features", "application/json", "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":{\"card_id\":[{\"a\":1}]}}", 400));
    }

    /**
     * Bodies sent without Content-Length (chunked) are read whole; past the body limit (64 KiB
     * here) they are refused with 413 while they stream in, and the server keeps serving.
     */
    @Test
    void chunkedBodiesAreReadWholeAndRefusedPastTheLimit() throws Exception {
        String events = "[" + String.join(",", java.util.Collections.nCopies(40, txn("chunked", 2, "USD", T0 - 10))) + "]";
        assertTrue(events.length() > 4096 && events.length() < 64 * 1024, "several chunks, under the limit");
        Resp ok = postChunked("/v1/sources/transactions/events?wait=applied", events);
        assertEquals(200, ok.status(), ok.body().toString());
        assertEquals(40, ok.body().get("accepted").asInt(), ok.body().toString());
        Resp big = postChunked("/v1/sources/transactions/events", "[" + "\"x\",".repeat(40_000) + "1]");
        assertEquals(413, big.status(), big.body().toString());
        assertEquals("application/problem+json", big.contentType());
        assertTrue(big.body().get("detail").asText().contains("larger than 65536 bytes"), big.body().toString());
        clock.advance(1);
        assertEquals(40, value(features("chunked"), "card_txn:txn_count_lifetime").asInt(), "the accepted chunked batch, once");
    }

    Resp postChunked(String path, String body) throws IOException, InterruptedException {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))) // length unknown: chunked
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Resp(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), json.readTree(r.body()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badInputGetsAClearErrorAndLosesNothing(String name, String path, String contentType, String body, int status) throws Exception {
        Resp before = ingest(txn("keep", 3, "USD", T0 - 50));
        assertEquals(200, before.status());
        double rejectedBefore = rejectedIngestRequests();
        Resp r = post(path, contentType, body, true);
        assertEquals(status, r.status(), name + ": " + r.body());
        assertEquals("application/problem+json", r.contentType(), name);
        assertEquals(rejectedBefore + (path.startsWith("/v1/sources/") ? 1 : 0), rejectedIngestRequests(),
                name + ": every refused ingest request is counted in freshet_ingest_rejected_requests_total");
        assertTrue(r.body().get("detail").asText().length() > 5, name + ": says what is wrong: " + r.body());
        clock.advance(1);
        assertEquals(1, value(features("keep"), "card_txn:txn_count_lifetime").asInt(), "server up, accepted event kept");
    }
}
