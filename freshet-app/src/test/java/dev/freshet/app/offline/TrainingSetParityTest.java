package dev.freshet.app.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.app.Main;
import dev.freshet.app.server.ServeCommand;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.yaml.RepositoryLoader;
import dev.freshet.serving.http.ServerOptions;
import dev.freshet.storage.rocksdb.FsyncPolicy;
import dev.freshet.testkit.ManualClock;
import dev.freshet.testkit.Seeds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Online/offline parity, end to end: a seeded fraud workload (out-of-order, late, future-dated and
 * tied events, refunds) is ingested through the HTTP server with an injected clock, and
 * {@code POST /v1/features} is recorded for random cards at many times T (including right after an
 * ingest, long after the last event, and cards never seen). The server is stopped, the recorded
 * (card, T, request fields) pairs become a spine in shuffled order, and {@code freshet training-set}
 * builds it from the server's data directory: every value and status must equal what the server
 * returned, doubles bit for bit, rows in spine order.
 */
class TrainingSetParityTest {
    static final FeatureRepository FRAUD = RepositoryLoader.load(Path.of("..", "examples", "fraud")).repositoryOrThrow();
    static final long T0 = 1_800_000_000_000L;
    static final ObjectMapper JSON = new ObjectMapper();

    static LongStream seeds() {
        return Seeds.of(20_261_126_4L, 3);
    }

    /** One recorded answer of the server. */
    record Served(String card, long t, double lat, double lon, JsonNode result) {
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void trainingSetEqualsWhatTheServerReturned(long seed, @TempDir Path dir) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        Path data = dir.resolve("data");
        ManualClock clock = new ManualClock(T0);
        List<Served> served = new ArrayList<>();
        List<String> names;
        List<Integer> order = new ArrayList<>();
        Path spine = dir.resolve("spine.csv");
        Path httpOut;
        HttpClient http = HttpClient.newHttpClient();
        try (ServeCommand.Running server = ServeCommand.Running.start(FRAUD, data, new ServerOptions(0, null, 1 << 20, 1000, 100),
                FsyncPolicy.NEVER, Duration.ofMinutes(10), clock)) {
            server.engine().awaitReady().join();
            String base = "http://127.0.0.1:" + server.port();
            List<String> cards = List.of("c1", "c2", "c3", "c4", "c5", "c6");
            long lastEventTime = T0;
            for (int step = 0; step < 150; step++) {
                clock.advance(random.nextInt(10) == 0 ? random.nextLong(60_000, 2 * 3_600_000) : random.nextLong(0, 4_000));
                StringBuilder batch = new StringBuilder("[");
                int n = 1 + random.nextInt(12);
                for (int i = 0; i < n; i++) {
                    long now = clock.millis();
                    int kind = random.nextInt(100);
                    long eventTime = kind < 6 ? lastEventTime // tie
                            : kind < 12 ? now - random.nextLong(300_001, 900_000) // late beyond 5 min: dropped
                            : kind < 16 ? now + random.nextLong(0, 30_000) // future, within the skew: held
                            : now - random.nextLong(0, 5_000);
                    lastEventTime = eventTime;
                    double amount = random.nextInt(10) == 0 ? -random.nextDouble(1, 50) : Math.exp(random.nextDouble(0, 6));
                    batch.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                            "{\"card_id\":\"%s\",\"merchant_id\":\"m%d\",\"amount\":%s,\"currency\":\"%s\",\"lat\":%s,\"lon\":%s,\"event_time\":%d}",
                            cards.get(random.nextInt(cards.size())), random.nextInt(20), Double.toString(amount),
                            random.nextInt(4) == 0 ? "EUR" : "USD", Double.toString(random.nextDouble(-60, 60)),
                            Double.toString(random.nextDouble(-120, 120)), eventTime));
                }
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/sources/transactions/events?wait=applied"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(batch + "]")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                int reads = random.nextInt(3);
                for (int k = 0; k < reads; k++) {
                    if (random.nextInt(3) == 0) {
                        clock.advance(random.nextLong(0, 400_000)); // reads between ingests: decay
                    }
                    String card = random.nextInt(10) == 0 ? "never-seen" : cards.get(random.nextInt(cards.size()));
                    double lat = random.nextDouble(-60, 60);
                    double lon = random.nextDouble(-120, 120);
                    String body = String.format(Locale.ROOT, "{\"feature_service\":\"fraud_model_v1\",\"entities\":[{\"card_id\":\"%s\",\"lat\":%s,\"lon\":%s}]}",
                            card, Double.toString(lat), Double.toString(lon));
                    HttpResponse<String> f = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/features"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, f.statusCode(), f.body());
                    JsonNode resp = JSON.readTree(f.body());
                    assertEquals(clock.millis(), resp.get("read_time").asLong());
                    served.add(new Served(card, clock.millis(), lat, lon, resp.get("results").get(0)));
                }
            }
            JsonNode any = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/features"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"feature_service\":\"fraud_model_v1\",\"entities\":[{\"card_id\":\"c1\",\"lat\":0,\"lon\":0}]}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            names = new ArrayList<>();
            any.get("features").forEach(n -> names.add(n.asText()));
            assertTrue(served.size() > 50, "enough reads recorded: " + served.size());
            // The spine: the recorded reads in shuffled order, each with its index as the label.
            for (int i = 0; i < served.size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, new java.util.Random(seed));
            StringBuilder csv = new StringBuilder("card_id,ts,lat,lon,label\n");
            for (int i : order) {
                Served s = served.get(i);
                csv.append(s.card()).append(',').append(s.t()).append(',').append(Double.toString(s.lat())).append(',')
                        .append(Double.toString(s.lon())).append(',').append(i).append('\n');
            }
            Files.writeString(spine, csv);

            // the same training set as a job of the running server
            HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/training-sets"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"spine\":" + JSON.writeValueAsString(spine.toString()) + ",\"timestamp_column\":\"ts\","
                                    + "\"feature_service\":\"fraud_model_v1\",\"format\":\"parquet\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, submitted.statusCode(), submitted.body());
            String location = submitted.headers().firstValue("Location").orElseThrow();
            JsonNode status = JSON.readTree(submitted.body());
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!status.get("state").asText().equals("SUCCEEDED") && !status.get("state").asText().equals("FAILED")
                    && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // poll the job's state
                status = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + location)).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
            }
            assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
            assertEquals(served.size(), status.get("rows").asLong());
            httpOut = Path.of(status.get("output").asText());
        }

        // the same training set from the command line, after the server stopped
        Path out = dir.resolve("training.parquet");
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = Main.newCommandLine();
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setOut(new java.io.PrintWriter(java.io.Writer.nullWriter(), true));
        int exit = cl.execute("training-set", "--repo", Path.of("..", "examples", "fraud").toString(), "--data", data.toString(),
                "--spine", spine.toString(), "--timestamp-column", "ts", "--features", "fraud_model_v1", "--out", out.toString());
        assertEquals(0, exit, err.toString());

        assertSameAsServed(out, served, order, names);
        assertSameAsServed(httpOut, served, order, names);

        // and replayed in three entity partitions (one pass each, a third of the state at a time)
        Path partitioned = dir.resolve("partitioned.parquet");
        exit = cl.execute("training-set", "--repo", Path.of("..", "examples", "fraud").toString(), "--data", data.toString(),
                "--spine", spine.toString(), "--timestamp-column", "ts", "--features", "fraud_model_v1", "--out",
                partitioned.toString(), "--partitions", "3");
        assertEquals(0, exit, err.toString());
        assertSameAsServed(partitioned, served, order, names);
    }

    /** Every value and status of the training set equals the recorded server answer; rows in spine order. */
    private static void assertSameAsServed(Path out, List<Served> served, List<Integer> order, List<String> names) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM read_parquet('" + out + "')")) {
            int row = 0;
            while (rs.next()) {
                int label = (int) rs.getLong("label");
                assertEquals((int) order.get(row), label, "spine order kept");
                Served s = served.get(label);
                assertEquals(s.card(), rs.getString("card_id"));
                for (int i = 0; i < names.size(); i++) {
                    String column = names.get(i).substring(names.get(i).indexOf(':') + 1);
                    String where = "row " + row + " card=" + s.card() + " t=" + s.t() + " " + column;
                    String status = s.result().get("statuses").get(i).asText();
                    assertEquals(status, rs.getString(column + "__status"), where + " status");
                    JsonNode want = s.result().get("values").get(i);
                    Object got = rs.getObject(column);
                    if (want.isNull()) {
                        assertEquals(null, got, where);
                    } else if (want.isIntegralNumber()) {
                        assertEquals(want.asLong(), ((Number) got).longValue(), where);
                    } else {
                        assertEquals(Double.doubleToRawLongBits(want.asDouble()), Double.doubleToRawLongBits((Double) got), where
                                + " " + want + " vs " + got);
                    }
                }
                row++;
            }
            assertEquals(served.size(), row, "one output row per spine row");
        }
    }
}
