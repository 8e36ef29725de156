package dev.freshet.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.serving.http.ServerOptions;
import dev.freshet.storage.rocksdb.FsyncPolicy;
import dev.freshet.testkit.ManualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP server runs one server instance per event loop on one shared port, so connections are
 * spread over several threads instead of all landing on one.
 */
class HttpEventLoopsTest {
    private static final Pattern REQUESTS = Pattern.compile("freshet_http_requests_total\\{event_loop=\"(\\d+)\"} ([0-9.E]+)");

    @TempDir
    Path data;

    @Test
    void connectionsAreSpreadOverEveryEventLoopOnOnePort() throws Exception {
        ServerOptions options = ServerOptions.defaults(0).withEventLoops(3);
        try (ServeCommand.Running server = ServeCommand.Running.start(EmbeddedServerE2ETest.FRAUD, data, options,
                FsyncPolicy.NEVER, Duration.ofMinutes(10), new ManualClock(EmbeddedServerE2ETest.T0))) {
            server.engine().awaitReady().join();
            assertEquals(3, server.http().eventLoops());
            URI features = URI.create("http://127.0.0.1:" + server.port() + "/v1/features");
            String body = "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":[{\"card_id\":\"c1\"}]}";
            int requests = 0;
            // each client keeps its own connection; Vert.x hands new connections to the loops in turn
            List<HttpClient> clients = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                clients.add(client);
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(features)
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode(), r.body());
                    requests++;
                }
            }
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            double[] perLoop = new double[3];
            Matcher m = REQUESTS.matcher(metrics);
            while (m.find()) {
                perLoop[Integer.parseInt(m.group(1))] += Double.parseDouble(m.group(2));
            }
            double total = 0;
            for (int loop = 0; loop < 3; loop++) {
                assertTrue(perLoop[loop] > 0, "event loop " + loop + " served no request: " + java.util.Arrays.toString(perLoop));
                total += perLoop[loop];
            }
            assertEquals(requests + 1, total, "every request (and this scrape) counted once"); // +1: the scrape itself
            clients.forEach(HttpClient::close);
        }
    }
}
