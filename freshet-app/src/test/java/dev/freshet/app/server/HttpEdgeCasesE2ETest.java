package dev.freshet.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.testkit.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edges of the HTTP layer found by review (same setup as EmbeddedServerE2ETest): past read times,
 * entity echo, odd Content-Type and Authorization headers, Expect: 100-continue, JSON nulls for
 * optional members, strings UTF-8 cannot carry, unrepresentable spine paths, numbers beyond int64,
 * bad query parameters, wrong methods, and what the error and rejection metrics count.
 */
class HttpEdgeCasesE2ETest {
    static final long T0 = EmbeddedServerE2ETest.T0;
    static final String TOKEN = EmbeddedServerE2ETest.TOKEN;

    @TempDir
    Path data;
    ManualClock clock;
    ServeCommand.Running server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() {
        clock = new ManualClock(T0);
        server = EmbeddedServerE2ETest.startFraudServer(data, clock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static String txn(String card, long eventTime) {
        return "{\"card_id\":\"" + card + "\",\"merchant_id\":\"m1\",\"amount\":1.5,\"currency\":\"USD\",\"lat\":40.7,\"lon\":-74.0,"
                + "\"event_time\":" + eventTime + "}";
    }

    HttpResponse<String> post(String path, String contentType, String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return send("GET", path);
    }

    /** A request without a body, with the token. */
    HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> ingest(String... events) throws Exception {
        return post("/v1/sources/transactions/events?wait=applied", "application/json", "Bearer " + TOKEN, "[" + String.join(",", events) + "]");
    }

    /** Sends raw bytes and returns what the server answered within {@code millis}. */
    String raw(String request, long millis) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            s.setSoTimeout((int) millis);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            long deadline = System.currentTimeMillis() + millis;
            try {
                int n;
                while (System.currentTimeMillis() < deadline && (n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                // nothing more within the time
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * A request for features of two views of the same entity (card_txn and the batch view
     * card_profile, both keyed by card_id) echoes the join key twice in "entity":
     * {"card_id":"c","card_id":"c"} — a JSON object with a duplicate member.
     */
    @Test
    void nativeEntityEchoHasEachJoinKeyOnce() throws Exception {
        HttpResponse<String> r = post("/v1/features", "application/json", null,
                "{\"features\":[\"card_txn:txn_count_5m\",\"card_profile:credit_limit\"],\"entities\":[{\"card_id\":\"c\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        ObjectMapper strict = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        JsonNode body = strict.readTree(r.body()); // fails: Duplicate field 'card_id'
        assertEquals("{\"card_id\":\"c\"}", body.get("results").get(0).get("entity").toString());
    }

    /**
     * DESIGN §3: the window at read time t holds events with event_time < t. The tiles hold every
     * applied event, so a read before the server's clock would count events at or after t: refused
     * with 400 at /read_time (training sets answer for past times), while now and later are served.
     */
    @Test
    void readTimeBeforeTheClockIsRefused() throws Exception {
        assertEquals(200, ingest(txn("pt", T0 - 1000)).statusCode());
        String req = "{\"features\":[\"card_txn:txn_count_lifetime\",\"card_txn:txn_count_5m\"],\"entities\":[{\"card_id\":\"pt\"}],\"read_time\":%d}";
        HttpResponse<String> past = post("/v1/features", "application/json", null, req.formatted(T0 - 2000));
        assertEquals(400, past.statusCode(), past.body());
        assertEquals("application/problem+json", past.headers().firstValue("Content-Type").orElse(null));
        assertEquals("/read_time", json.readTree(past.body()).get("pointer").asText(), past.body());
        JsonNode now = json.readTree(post("/v1/features", "application/json", null, req.formatted(T0)).body());
        assertEquals("[1,1]", now.get("results").get(0).get("values").toString(), now.toString());
        JsonNode later = json.readTree(post("/v1/features", "application/json", null, req.formatted(T0 + 600_000)).body());
        assertEquals("[1,0]", later.get("results").get(0).get("values").toString(), "the 5-minute count has decayed: " + later);
    }

    /** Without the token, a request is refused before its body is read: 401, not 413, for an oversized one. */
    @Test
    void unauthorizedRequestIs401BeforeItsBodyIsRead() throws Exception {
        String resp = raw("POST /v1/sources/transactions/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 10000000\r\nConnection: close\r\n\r\n[", 3000);
        assertTrue(resp.startsWith("HTTP/1.1 401"), resp);
    }

    /** A Content-Type of only ';' crashes the ingest handler (ArrayIndexOutOfBounds) → 500 instead of 415. */
    @Test
    void semicolonOnlyContentTypeIs415() throws Exception {
        String body = "[" + txn("x", T0 - 5) + "]";
        String resp = raw("POST /v1/sources/transactions/events HTTP/1.1\r\nHost: x\r\nContent-Type: ;\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body, 3000);
        assertTrue(resp.startsWith("HTTP/1.1 415"), resp);
    }

    /**
     * A client sending "Expect: 100-continue" (curl for larger bodies, .NET, Java's expectContinue)
     * never gets "100 Continue": BodyBytes replaced Vert.x's BodyHandler (which answers it) and the
     * server does not handle 100-continue automatically, so the request hangs until the client
     * gives up waiting and sends the body anyway.
     */
    @Test
    void expect100ContinueIsAnswered() throws Exception {
        String body = "[" + txn("x", T0 - 5) + "]";
        String resp = raw("POST /v1/sources/transactions/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer "
                + TOKEN + "\r\nExpect: 100-continue\r\nContent-Length: " + body.length() + "\r\n\r\n", 3000);
        assertTrue(resp.startsWith("HTTP/1.1 100 Continue"), "no interim response within 3 s: [" + resp + "]");
    }

    /** The auth-scheme is case-insensitive (RFC 9110 §11.1): "bearer <token>" is the right token. */
    @Test
    void bearerSchemeIsCaseInsensitive() throws Exception {
        HttpResponse<String> r = post("/v1/sources/transactions/events", "application/json", "bearer " + TOKEN, "[" + txn("x", T0 - 5) + "]");
        assertEquals(200, r.statusCode(), r.body());
    }

    /**
     * Feast's request model has "features" and "feature_service" both Optional (None by default);
     * clients that serialise the model send {"features": null, "feature_service": "..."}. Feast
     * serves the service; Freshet answers 400 "give either 'features' or 'feature_service', not both".
     * (Same for native /v1/features, and "read_time": null there is a 400 though read_time is optional.)
     */
    @Test
    void feastNullFeaturesWithAServiceIsServed() throws Exception {
        HttpResponse<String> r = post("/get-online-features", "application/json", null,
                "{\"features\":null,\"feature_service\":\"fraud_model_v1\",\"entities\":{\"card_id\":[\"c\"],\"lat\":[1.0],\"lon\":[2.0]},"
                        + "\"full_feature_names\":false}");
        assertEquals(200, r.statusCode(), r.body());
    }

    @Test
    void nativeNullReadTimeMeansNow() throws Exception {
        HttpResponse<String> r = post("/v1/features", "application/json", null,
                "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":[{\"card_id\":\"c\"}],\"read_time\":null}");
        assertEquals(200, r.statusCode(), r.body());
    }

    /**
     * A string with an unpaired surrogate escape ("\\ud800") cannot be stored in UTF-8; rather than
     * keep something else than what was sent, the event is rejected with its index, field and reason,
     * and the other events of the request are accepted.
     */
    @Test
    void stringWithAnUnpairedSurrogateIsRejectedPerEvent() throws Exception {
        HttpResponse<String> r = ingest(txn("card\\ud800", T0 - 5), txn("fine", T0 - 5));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = json.readTree(r.body());
        assertEquals(1, body.get("accepted").asInt(), r.body());
        JsonNode rejected = body.get("rejected").get(0);
        assertEquals(0, rejected.get("index").asInt(), r.body());
        assertEquals("card_id", rejected.get("field").asText(), r.body());
        assertTrue(rejected.get("reason").asText().contains("not valid Unicode"), r.body());
    }

    /**
     * Docs: invalid training-set requests get 400/404 problem+json at submit time. A spine path the
     * platform cannot represent (here with a NUL character) throws InvalidPathException out of
     * TrainingSetJobService.submit (Path.of) → 500.
     */
    @Test
    void unrepresentableSpinePathIs400() throws Exception {
        HttpResponse<String> r = post("/v1/training-sets", "application/json", "Bearer " + TOKEN,
                "{\"spine\":\"/tmp/a\\u0000b.csv\",\"feature_service\":\"fraud_model_v1\"}");
        assertEquals(400, r.statusCode(), r.body());
    }

    /**
     * freshet_serving_errors_total{status} is documented as "feature requests answered with an
     * error, by status"; a feature request refused with 413 (body over the limit) is not counted
     * (BodyBytes fails the route; only RequestException and 503 are counted).
     */
    @Test
    void oversizedFeatureRequestIsCountedAsAServingError() throws Exception {
        String big = "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":[" + "{\"card_id\":\"c\"},".repeat(8000) + "{\"card_id\":\"c\"}]}";
        HttpResponse<String> r = post("/v1/features", "application/json", null, big);
        assertEquals(413, r.statusCode(), r.body());
        String metrics = get("/metrics").body();
        // consequence: alerts on serving errors miss clients whose requests are refused as too large
        assertTrue(metrics.contains("freshet_serving_errors_total{status=\"413\"} 1.0"),
                metrics.lines().filter(l -> l.startsWith("freshet_serving_errors")).toList().toString());
    }

    /**
     * GET /v1/dead-letters: "reason (only this reason: LATE, TOO_FAR_IN_FUTURE, NULL_KEY,
     * NULL_EVENT_TIME ...). A bad value gets 400". A misspelt reason is answered 200 with an
     * empty list.
     */
    @Test
    void deadLettersWithAnUnknownReasonIs400() throws Exception {
        clock.set(T0 + 600_000);
        // second: 10 min late, dead-lettered
        assertEquals(200, ingest(txn("late", T0 + 600_000 - 1), txn("late", T0)).statusCode());
        assertEquals(1, json.readTree(get("/v1/dead-letters?reason=late").body()).get("dead_letters").size());
        HttpResponse<String> typo = get("/v1/dead-letters?reason=LATEE");
        // consequence: an operator's typo reads as "no dead letters" instead of an error
        assertEquals(400, typo.statusCode(), typo.body());
        JsonNode problem = json.readTree(typo.body());
        assertEquals("reason", problem.get("parameter").asText(), typo.body());
        assertTrue(problem.get("detail").asText().contains("[LATE, TOO_FAR_IN_FUTURE, NULL_KEY, NULL_EVENT_TIME]"), typo.body());
    }

    /**
     * ?wait= takes only "applied": any other value (a typo, "visible", "durable") used to be ignored,
     * so the client got an answer before its events were visible while believing it had waited.
     * Now 400 naming the parameter, counted as a rejected request, and nothing appended.
     */
    @Test
    void anUnknownWaitValueIsRefusedNamingTheParameter() throws Exception {
        HttpResponse<String> r = post("/v1/sources/transactions/events?wait=visible", "application/json", "Bearer " + TOKEN,
                "[" + txn("w", T0 - 5) + "]");
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(null));
        assertEquals("wait", json.readTree(r.body()).get("parameter").asText(), r.body());
        assertTrue(get("/metrics").body().contains("freshet_ingest_rejected_requests_total{reason=\"bad_parameter\"} 1.0"));
        HttpResponse<String> read = post("/v1/features", "application/json", null,
                "{\"features\":[\"card_txn:txn_count_lifetime\"],\"entities\":[{\"card_id\":\"w\"}]}");
        assertEquals("[0]", json.readTree(read.body()).get("results").get(0).get("values").toString(), "nothing was appended");
    }

    /**
     * A known path asked with a method it does not serve is 405 Method Not Allowed with an Allow
     * header (the router's 405 branch was dead: a GET on a POST-only route got 404 "no endpoint").
     * Unknown paths stay 404.
     */
    @Test
    void aKnownPathAskedWithAnotherMethodIs405WithAllow() throws Exception {
        for (String[] c : new String[][] {{"GET", "/v1/features", "POST"}, {"GET", "/get-online-features", "POST"},
                {"GET", "/v1/sources/transactions/events", "POST"}, {"POST", "/metrics", "GET"},
                {"DELETE", "/v1/training-sets/some-id", "GET"}, {"GET", "/v1/training-sets", "POST"}}) {
            HttpResponse<String> r = send(c[0], c[1]);
            assertEquals(405, r.statusCode(), c[0] + " " + c[1] + ": " + r.body());
            assertEquals(c[2], r.headers().firstValue("Allow").orElse(null), c[0] + " " + c[1]);
            assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(null), c[0] + " " + c[1]);
        }
        assertEquals(404, get("/v1/nothing").statusCode());
        assertEquals(404, get("/v1/sources/transactions/events/more").statusCode());
    }

    /**
     * Invalid events are counted in freshet_ingest_rejected_events_total for accepted requests only
     * (HTTP_API.md): once per event of a request answered 200, never for a request refused as a
     * whole (here: every event invalid), which a client may send again.
     */
    @Test
    void invalidEventsAreCountedForAcceptedRequestsOnly() throws Exception {
        String invalid = "{\"card_id\":\"x\"}";
        assertEquals(400, ingest(invalid).statusCode());
        assertEquals(200, ingest(invalid, txn("ok", T0 - 5)).statusCode());
        String metrics = get("/metrics").body();
        assertTrue(metrics.contains("freshet_ingest_rejected_events_total{reason=\"missing_field\",source=\"transactions\"} 1.0"),
                metrics.lines().filter(l -> l.startsWith("freshet_ingest_rejected_events")).toList().toString());
    }

    /**
     * A float64 request field takes any JSON number: an integer literal beyond the
     * int64 range was refused with 400 "integer out of the int64 range" on both endpoints. A field
     * of another type still refuses it, naming the field.
     */
    @Test
    void aFloat64RequestFieldTakesAnIntegerBeyondInt64() throws Exception {
        String huge = "123456789012345678901234";
        HttpResponse<String> nativeRead = post("/v1/features", "application/json", null,
                "{\"features\":[\"distance_from_last_txn_km\"],\"entities\":[{\"card_id\":\"c\",\"lat\":" + huge + ",\"lon\":2}]}");
        assertEquals(200, nativeRead.statusCode(), nativeRead.body());
        HttpResponse<String> feast = post("/get-online-features", "application/json", null,
                "{\"features\":[\"distance_from_last_txn_km\"],\"entities\":{\"card_id\":[\"c\"],\"lat\":[" + huge + "],\"lon\":[2]}}");
        assertEquals(200, feast.statusCode(), feast.body());
        HttpResponse<String> key = post("/v1/features", "application/json", null,
                "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":[{\"card_id\":" + huge + "}]}");
        assertEquals(400, key.statusCode(), key.body());
        assertEquals("/entities/0/card_id", json.readTree(key.body()).get("pointer").asText(), key.body());
    }
}
