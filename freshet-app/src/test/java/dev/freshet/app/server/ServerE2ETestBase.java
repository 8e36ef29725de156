package dev.freshet.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.testkit.ManualClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real embedded server on a free port for one test, on a manual clock at {@link #T0}, and an HTTP
 * client that sends JSON with the bearer token: what the end-to-end test classes share.
 */
abstract class ServerE2ETestBase {
    static final long T0 = EmbeddedServerE2ETest.T0;
    static final String TOKEN = EmbeddedServerE2ETest.TOKEN;

    @TempDir
    Path tmp;
    final ManualClock clock = new ManualClock(T0);
    ServeCommand.Running server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Serves {@code examples/fraud}. */
    void startFraud() {
        server = EmbeddedServerE2ETest.startFraudServer(tmp.resolve("data"), clock);
    }

    /** Serves {@code examples/fraud} plus the YAML document {@code yaml}. */
    void startFraudWith(String yaml) throws IOException {
        server = EmbeddedServerE2ETest.startServer(EmbeddedServerE2ETest.fraudWith(tmp.resolve("repo"), yaml), tmp.resolve("data"), clock);
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A fraud transaction in USD at a fixed place. */
    static String txn(String card, String merchant, double amount, long eventTime) {
        return "{\"card_id\":\"" + card + "\",\"merchant_id\":\"" + merchant + "\",\"amount\":" + amount
                + ",\"currency\":\"USD\",\"lat\":40.7,\"lon\":-74.0,\"event_time\":" + eventTime + "}";
    }

    /** Ingests transactions and waits until they are applied. */
    void ingest(String... events) throws Exception {
        HttpResponse<String> r = post("/v1/sources/transactions/events?wait=applied", "[" + String.join(",", events) + "]");
        assertEquals(200, r.statusCode(), r.body());
    }
}
