package dev.freshet.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.testkit.ManualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A read_time after the server's clock, through a real server on a free port. */
class FutureReadTimeE2ETest {
    static final long T0 = EmbeddedServerE2ETest.T0;
    static final String TOKEN = EmbeddedServerE2ETest.TOKEN;

    @TempDir
    Path tmp;
    ManualClock clock = new ManualClock(T0);
    ServeCommand.Running server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    void startFraud() {
        server = EmbeddedServerE2ETest.startFraudServer(tmp.resolve("data"), clock);
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String txn(String card, String merchant, double amount, long eventTime) {
        return "{\"card_id\":\"" + card + "\",\"merchant_id\":\"" + merchant + "\",\"amount\":" + amount
                + ",\"currency\":\"USD\",\"lat\":40.7,\"lon\":-74.0,\"event_time\":" + eventTime + "}";
    }

    void ingest(String... events) throws Exception {
        HttpResponse<String> r = post("/v1/sources/transactions/events?wait=applied", "[" + String.join(",", events) + "]");
        assertEquals(200, r.statusCode(), r.body());
    }

    /**
     * A read at a future read_time omits events that are held (future-dated, within
     * max_future_skew) although their event time is before read_time; once the clock reaches
     * that time the same read counts them. The same (entity, read_time) gets two answers.
     */
    @Test
    void futureReadTimeAnswersWhatTheServerWillAnswerAtThatTime() throws Exception {
        startFraud();
        ingest(txn("fut", "m1", 5, T0 + 30_000)); // held: 30 s ahead, within the 1-minute skew
        String req = "{\"features\":[\"card_txn:txn_count_lifetime\"],\"entities\":[{\"card_id\":\"fut\"}],\"read_time\":%d}";
        HttpResponse<String> early = post("/v1/features", req.formatted(T0 + 60_000));
        assertEquals(200, early.statusCode(), early.body());
        clock.set(T0 + 60_000);
        server.engine().advanceClock();
        HttpResponse<String> atTime = post("/v1/features", req.formatted(T0 + 60_000));
        assertEquals(200, atTime.statusCode(), atTime.body());
        // consequence: a "later" read_time silently leaves out events that belong in its window
        assertEquals(json.readTree(atTime.body()).get("results").get(0).get("values").toString(),
                json.readTree(early.body()).get("results").get(0).get("values").toString(),
                "read at " + (T0 + 60_000) + " before vs after the clock got there");
    }
}
