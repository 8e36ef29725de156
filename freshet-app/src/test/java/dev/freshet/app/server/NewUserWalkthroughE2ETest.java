package dev.freshet.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.testkit.ManualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user walking through HTTP_API.md against a real server ran into (same setup as
 * EmbeddedServerE2ETest): errors that must name what exists, malformed-JSON messages free of
 * Jackson's internals, empty ingest bodies counted as such, unknown request members refused, and
 * metrics an alert can find from the start, each with a description.
 */
class NewUserWalkthroughE2ETest {
    static final long T0 = EmbeddedServerE2ETest.T0;
    static final String TOKEN = EmbeddedServerE2ETest.TOKEN;

    @TempDir
    Path data;
    @TempDir
    Path spines;
    ServeCommand.Running server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() {
        server = EmbeddedServerE2ETest.startFraudServer(data, new ManualClock(T0));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The problem document of {@code r}, after checking its status and content type. */
    JsonNode problem(HttpResponse<String> r, int status) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(null), r.body());
        return json.readTree(r.body());
    }

    /** The value of the one series of /metrics starting with {@code series} (name and labels), or null. */
    Double metric(String series) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(get("/metrics").body());
        return m.find() ? Double.valueOf(m.group(1)) : null;
    }

    /** A source that does not exist (here a near miss of "transactions") is an error naming the sources, as reason is. */
    @Test
    void deadLettersOfAnUnknownSourceAre400NamingTheSources() throws Exception {
        JsonNode p = problem(get("/v1/dead-letters?source=transaction"), 400);
        assertEquals("source", p.get("parameter").asText(), p.toString());
        assertTrue(p.get("detail").asText().contains("'transaction'"), p.toString());
        assertTrue(p.get("detail").asText().contains("transactions"), "names the known sources: " + p);
        assertEquals(200, get("/v1/dead-letters?source=transactions").statusCode());
    }

    /**
     * Malformed JSON is reported with Jackson's own message and our line and column, on every
     * endpoint that reads JSON; Jackson's description of the input ("[Source: REDACTED
     * (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]") is not.
     */
    @Test
    void malformedJsonIsReportedWithoutJacksonInternals() throws Exception {
        for (String path : List.of("/v1/sources/transactions/events", "/v1/features", "/get-online-features", "/v1/training-sets")) {
            JsonNode p = problem(post(path, "application/json", "{\"card_id\": 1"), 400);
            assertEquals("malformed JSON: Unexpected end-of-input: expected close marker for Object (start marker at line 1, column 1)"
                    + " (line 1, column 14)", p.get("detail").asText(), path);
        }
        String detail = problem(post("/v1/features", "application/json", "{\"features\":[1"), 400).get("detail").asText();
        assertTrue(detail.contains("expected close marker for Array (start marker at line 1, column 13)"), detail);
    }

    /** HTTP_API.md: no_events is "an empty request"; an empty body (or blank NDJSON lines) is one, as [] is, not malformed JSON. */
    @Test
    void anEmptyIngestBodyIsNoEvents() throws Exception {
        String events = "/v1/sources/transactions/events";
        for (String[] body : new String[][] {{"application/json", ""}, {"application/x-ndjson", "\n  \n\n"}, {"application/json", "[]"}}) {
            JsonNode p = problem(post(events, body[0], body[1]), 400);
            assertTrue(p.get("detail").asText().startsWith("no events in the request"), p.toString());
            assertEquals(0, p.get("accepted").asInt(), p.toString());
        }
        assertEquals(3.0, metric("freshet_ingest_rejected_requests_total{reason=\"no_events\"}"));
        assertEquals(0.0, metric("freshet_ingest_rejected_requests_total{reason=\"malformed\"}"));
    }

    /** An unknown on-demand feature is a 404 naming the on-demand features, as an unknown view or service is, on both endpoints. */
    @Test
    void anUnknownOnDemandFeatureIs404NamingTheKnownOnes() throws Exception {
        for (String[] req : new String[][] {
                {"/v1/features", "{\"features\":[\"card_txn:txn_count_5m\",\"nope\"],\"entities\":[{\"card_id\":\"c\"}]}"},
                {"/get-online-features", "{\"features\":[\"card_txn:txn_count_5m\",\"nope\"],\"entities\":{\"card_id\":[\"c\"]}}"}}) {
            JsonNode p = problem(post(req[0], "application/json", req[1]), 404);
            String detail = p.get("detail").asText();
            assertTrue(detail.startsWith("unknown on-demand feature 'nope'"), req[0] + ": " + detail);
            assertTrue(detail.contains("[distance_from_last_txn_km"), req[0] + ": names the on-demand features: " + detail);
            assertTrue(detail.contains("view:feature") && detail.contains("card_txn"), req[0] + ": says the view:feature form: " + detail);
            assertEquals("/features/1", p.get("pointer").asText(), req[0]);
        }
        JsonNode notAName = problem(post("/v1/features", "application/json",
                "{\"features\":[\"card_txn:a:b\"],\"entities\":[{\"card_id\":\"c\"}]}"), 400);
        assertTrue(notAName.get("detail").asText().contains("view:feature"), notAName.toString());
    }

    /** A typo in a top-level member ("feature", "entites") is named, not read as the member missing. */
    @Test
    void anUnknownMemberOfAFeatureRequestIs400NamingIt() throws Exception {
        JsonNode p = problem(post("/v1/features", "application/json",
                "{\"features\":[\"card_txn:txn_count_5m\"],\"entites\":[{\"card_id\":\"c\"}]}"), 400);
        assertEquals("/entites", p.get("pointer").asText(), p.toString());
        assertTrue(p.get("detail").asText().startsWith("unknown member 'entites'"), p.toString());
        assertTrue(p.get("detail").asText().contains("features, feature_service, entities, read_time"), p.toString());
    }

    /**
     * A training-set request is checked at submit: a spine SpineReader cannot read (a .txt) and a
     * member the endpoint does not take ("out": clients cannot choose where the server writes) are
     * 400 with a pointer, not a 202 whose job fails later or a silently ignored member.
     */
    @Test
    void trainingSetRequestsAreCheckedAtSubmit() throws Exception {
        Path txt = Files.writeString(spines.resolve("labels.txt"), "card_id,timestamp\nc,1\n");
        JsonNode spine = problem(post("/v1/training-sets", "application/json",
                json.createObjectNode().put("spine", txt.toString()).put("feature_service", "fraud_model_v1").toString()), 400);
        assertEquals("/spine", spine.get("pointer").asText(), spine.toString());
        assertTrue(spine.get("detail").asText().contains(".csv, .csv.gz or .parquet"), spine.toString());
        JsonNode out = problem(post("/v1/training-sets", "application/json",
                "{\"spine\":\"/data/labels.csv\",\"feature_service\":\"fraud_model_v1\",\"out\":\"/tmp/x.parquet\"}"), 400);
        assertEquals("/out", out.get("pointer").asText(), out.toString());
        assertTrue(out.get("detail").asText().startsWith("unknown member 'out'"), out.toString());
        assertTrue(out.get("detail").asText().contains("spine, timestamp_column, feature_service, features, format"), out.toString());
    }

    /**
     * Counters with a fixed label set exist from the start, at 0, so alerts on them find them; and
     * every Freshet metric says what it counts in its HELP line.
     */
    @Test
    void metricsExistFromTheStartAndAreDescribed() throws Exception {
        assertEquals(0.0, metric("freshet_http_unauthorized_total"));
        for (String status : List.of("400", "404", "413", "500", "503")) {
            assertEquals(0.0, metric("freshet_serving_errors_total{status=\"" + status + "\"}"), status);
        }
        assertEquals(0.0, metric("freshet_ingest_rejected_requests_total{reason=\"unauthorized\"}"));
        assertEquals(0.0, metric("freshet_ingest_events_total{source=\"transactions\"}"));
        assertEquals(0.0, metric("freshet_ingest_rejected_events_total{reason=\"missing_field\",source=\"transactions\"}"));
        String metrics = get("/metrics").body();
        List<String> help = metrics.lines().filter(l -> l.startsWith("# HELP freshet_")).toList();
        assertTrue(help.size() > 20, help.toString());
        List<String> undescribed = help.stream().filter(l -> l.split(" ", 4).length < 4 || l.split(" ", 4)[3].isBlank()
                || l.contains("engine figure")).toList();
        assertEquals(List.of(), undescribed);
        List<String> families = metrics.lines().filter(l -> l.startsWith("# TYPE freshet_")).map(l -> l.split(" ")[2]).toList();
        assertEquals(families.size(), help.size(), "one HELP line per metric family: " + families);
    }
}
