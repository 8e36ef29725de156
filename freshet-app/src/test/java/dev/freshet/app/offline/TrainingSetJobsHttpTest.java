package dev.freshet.app.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.app.server.ServeCommand;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.yaml.RepositoryLoader;
import dev.freshet.serving.http.ServerOptions;
import dev.freshet.storage.rocksdb.FsyncPolicy;
import dev.freshet.testkit.ManualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The training-set job endpoints of a running server: auth, bad requests, failing jobs, unknown ids. */
class TrainingSetJobsHttpTest {
    static final FeatureRepository FRAUD = RepositoryLoader.load(Path.of("..", "examples", "fraud")).repositoryOrThrow();
    static final String TOKEN = "t0ken";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    ServeCommand.Running server;
    final HttpClient http = HttpClient.newHttpClient();
    Path spine;

    @BeforeEach
    void start() throws Exception {
        server = ServeCommand.Running.start(FRAUD, dir.resolve("data"), new ServerOptions(0, TOKEN, 1 << 16, 100, 10),
                FsyncPolicy.NEVER, Duration.ofMinutes(10), new ManualClock(1_800_000_000_000L));
        spine = dir.resolve("spine.csv");
        Files.writeString(spine, "card_id,ts,lat,lon\nc1,1800000000000,1.0,2.0\n");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<String> post(String body, boolean auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/training-sets"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (auth) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode awaitDone(String location) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + location))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode s = JSON.readTree(r.body());
            String state = s.get("state").asText();
            if (state.equals("SUCCEEDED") || state.equals("FAILED") || System.nanoTime() > deadline) {
                return s;
            }
            LockSupport.parkNanos(5_000_000); // poll the job's state
        }
    }

    String request(String features) throws Exception {
        return "{\"spine\":" + JSON.writeValueAsString(spine.toString()) + ",\"timestamp_column\":\"ts\"," + features + "}";
    }

    @Test
    void aJobRunsAndReportsItsOutput() throws Exception {
        HttpResponse<String> r = post(request("\"features\":[\"card_txn:txn_count_5m\",\"distance_from_last_txn_km\"],\"format\":\"csv\""), true);
        assertEquals(202, r.statusCode(), r.body());
        JsonNode done = awaitDone(r.headers().firstValue("Location").orElseThrow());
        assertEquals("SUCCEEDED", done.get("state").asText(), done.toString());
        Path out = Path.of(done.get("output").asText());
        assertTrue(out.startsWith(dir.resolve("data").resolve("training-sets")), out.toString());
        assertEquals("""
                card_id,ts,lat,lon,txn_count_5m,txn_count_5m__status,distance_from_last_txn_km,distance_from_last_txn_km__status
                c1,1800000000000,1.0,2.0,0,PRESENT,,NULL_VALUE
                """, Files.readString(out));
    }

    @Test
    void aJsonNullForTheUnusedSelectionMeansAbsent() throws Exception {
        HttpResponse<String> r = post(request("\"features\":null,\"feature_service\":\"fraud_model_v1\""), true);
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("SUCCEEDED", awaitDone(r.headers().firstValue("Location").orElseThrow()).get("state").asText());
    }

    @Test
    void withoutTheTokenNothingStarts() throws Exception {
        HttpResponse<String> r = post(request("\"feature_service\":\"fraud_model_v1\""), false);
        assertEquals(401, r.statusCode());
        HttpResponse<String> g = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/v1/training-sets/x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, g.statusCode());
    }

    @Test
    void unknownJobIs404() throws Exception {
        HttpResponse<String> g = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/v1/training-sets/nope")).header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, g.statusCode());
        assertTrue(g.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertTrue(g.body().contains("no training-set job 'nope'"), g.body());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "malformed JSON            | {\"spine\":                                                                  | 400 | malformed JSON",
            "not an object             | [1,2]                                                                        | 400 | must be a JSON object",
            "missing spine             | {\"feature_service\":\"fraud_model_v1\"}                                     | 400 | missing 'spine'",
            "spine file absent         | {\"spine\":\"/no/such/spine.csv\",\"feature_service\":\"fraud_model_v1\"}    | 400 | does not exist",
            "both selections           | {\"spine\":\"SPINE\",\"feature_service\":\"fraud_model_v1\",\"features\":[\"x\"]} | 400 | either 'feature_service' or 'features'",
            "empty feature list        | {\"spine\":\"SPINE\",\"features\":[]}                                        | 400 | non-empty array",
            "feature name not a string | {\"spine\":\"SPINE\",\"features\":[1]}                                       | 400 | must be strings",
            "bad format                | {\"spine\":\"SPINE\",\"feature_service\":\"fraud_model_v1\",\"format\":\"xlsx\"} | 400 | 'format' must be",
    })
    void badRequestsAreRejectedUpFront(String name, String body, int status, String message) throws Exception {
        HttpResponse<String> r = post(body.replace("SPINE", spine.toString().replace("\\", "\\\\")), true);
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), name);
        assertTrue(r.body().contains(message), r.body());
    }

    @Test
    void unknownFeaturesAreRejectedUpFront() throws Exception {
        HttpResponse<String> r = post(request("\"features\":[\"card_txn:no_such_feature\"]"), true);
        assertTrue(r.statusCode() == 400 || r.statusCode() == 404, r.body());
        assertTrue(r.body().contains("no_such_feature"), r.body());
    }

    @Test
    void aSpineWithoutTheJoinKeyFailsTheJobWithTheReason() throws Exception {
        Files.writeString(spine, "customer,ts\nc1,1800000000000\n");
        HttpResponse<String> r = post(request("\"features\":[\"card_txn:txn_count_5m\"]"), true);
        assertEquals(202, r.statusCode(), r.body());
        JsonNode done = awaitDone(r.headers().firstValue("Location").orElseThrow());
        assertEquals("FAILED", done.get("state").asText());
        assertTrue(done.get("error").asText().contains("card_id"), done.toString());
    }
}
