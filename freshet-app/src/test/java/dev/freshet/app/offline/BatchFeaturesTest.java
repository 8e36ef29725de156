package dev.freshet.app.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.app.CliRun;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch features end to end on the fraud example's `card_profiles` source: `freshet materialize`
 * loads a CSV incrementally by event-time range, the server serves the latest row per card within
 * the view's ttl with the DESIGN statuses, and a training set joins the same values point in time.
 * Times are placed relative to that ttl, so the test holds whatever the example sets it to.
 */
class BatchFeaturesTest {
    static final Path REPO = Path.of("..", "examples", "fraud");
    static final FeatureRepository FRAUD = RepositoryLoader.load(REPO).repositoryOrThrow();
    static final ObjectMapper JSON = new ObjectMapper();
    static final long JAN10 = Instant.parse("2026-01-10T00:00:00Z").toEpochMilli();
    static final long FEB01 = Instant.parse("2026-02-01T00:00:00Z").toEpochMilli();
    static final long DAY = 86_400_000L;
    static final long FEB06 = Instant.parse("2026-02-06T00:00:00Z").toEpochMilli();
    static final long TTL = FRAUD.featureView("card_profile").orElseThrow().ttl().toMillis();

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        CliRun r = CliRun.of(args);
        return new Run(r.exit(), r.out(), r.err());
    }

    @Test
    void materializeServeAndJoinPointInTime(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("profiles.csv");
        Files.writeString(csv, """
                card_id,credit_limit,home_country,updated_at
                c1,1000.0,US,2026-01-10T00:00:00Z
                c2,,FR,2026-01-10T00:00:00Z
                c1,2500.0,US,2026-02-05T00:00:00Z
                c3,700.0,DE,%s
                """.formatted(Instant.ofEpochMilli(FEB06 - TTL - DAY))); // c3's row is older than the ttl on Feb 6
        Path data = dir.resolve("data");
        Run first = run("materialize", "--repo", REPO.toString(), "--data", data.toString(), "--source", "card_profiles",
                "--file", csv.toString(), "--end", "2026-02-01T00:00:00Z");
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().contains("imported 3 events"), first.out());
        Run second = run("materialize", "--repo", REPO.toString(), "--data", data.toString(), "--source", "card_profiles",
                "--file", csv.toString(), "--end", "2026-03-01T00:00:00Z");
        assertEquals(0, second.exit(), second.err());
        assertTrue(second.out().contains("imported 1 events") && second.out().contains("[2026-01-10T00:00:00.001Z, "),
                "continues after the last loaded row: " + second.out());
        Run stream = run("materialize", "--repo", REPO.toString(), "--data", data.toString(), "--source", "transactions",
                "--file", csv.toString());
        assertEquals(1, stream.exit());
        assertTrue(stream.err().contains("stream source"), stream.err());

        // the server runs after the loads (its clock is past every row's available_at)
        ManualClock clock = new ManualClock(FEB06);
        HttpClient http = HttpClient.newHttpClient();
        try (ServeCommand.Running server = ServeCommand.Running.start(FRAUD, data, ServerOptions.defaults(0), FsyncPolicy.NEVER,
                Duration.ofMinutes(10), clock)) {
            String base = "http://127.0.0.1:" + server.port();
            JsonNode at = read(http, base);
            assertEquals("PRESENT", status(at, 0, 0));
            assertEquals(2500.0, at.get("results").get(0).get("values").get(0).asDouble(), "c1's latest row");
            assertEquals(FEB01 + 4 * DAY, at.get("results").get(0).get("event_timestamps").get(0).asLong());
            assertEquals("NULL_VALUE", status(at, 1, 0), "c2's latest row has no credit limit");
            assertEquals("PRESENT", status(at, 1, 1));
            assertEquals("FR", at.get("results").get(1).get("values").get(1).asText());
            assertEquals("OUTSIDE_MAX_AGE", status(at, 2, 0), "c3's row is older than the ttl");
            assertEquals("NOT_FOUND", status(at, 3, 0));
            clock.set(FEB01 + 4 * DAY + TTL + 1);
            JsonNode later = read(http, base);
            assertEquals("OUTSIDE_MAX_AGE", status(later, 0, 0), "no new row: c1's ages out too");
            assertEquals(FEB01 + 4 * DAY, later.get("results").get(0).get("event_timestamps").get(0).asLong());
        }

        Path spine = dir.resolve("spine.csv");
        long feb05 = FEB01 + 4 * DAY;
        Files.writeString(spine, "card_id,ts\n"
                + "c1," + (JAN10 - 1) + "\n"            // before its first row
                + "c1," + JAN10 + "\n"                  // at exactly the row's time: included (event_time <= t)
                + "c1," + (feb05 - 1) + "\n"            // the Feb 5 row not yet
                + "c1," + feb05 + "\n"                  // the Feb 5 row
                + "c2," + (JAN10 + TTL) + "\n"          // age == ttl: within (and its value is null)
                + "c2," + (JAN10 + TTL + 1) + "\n"      // age > ttl
                + "c4," + feb05 + "\n");                // no row at all
        Path out = dir.resolve("ts.parquet");
        Run ts = run("training-set", "--repo", REPO.toString(), "--data", data.toString(), "--spine", spine.toString(),
                "--timestamp-column", "ts", "--features", "card_profile:credit_limit", "--out", out.toString());
        assertEquals(0, ts.exit(), ts.err());
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT credit_limit, credit_limit__status FROM read_parquet('" + out + "')")) {
            String[][] want = {{null, "NOT_FOUND"}, {"1000.0", "PRESENT"}, {"1000.0", "PRESENT"}, {"2500.0", "PRESENT"},
                    {null, "NULL_VALUE"}, {null, "OUTSIDE_MAX_AGE"}, {null, "NOT_FOUND"}};
            for (String[] w : want) {
                assertTrue(rs.next());
                assertEquals(w[0], rs.getObject(1) == null ? null : rs.getObject(1).toString());
                assertEquals(w[1], rs.getString(2));
            }
            assertTrue(!rs.next(), "one row per spine row");
        }
    }

    private static JsonNode read(HttpClient http, String base) throws Exception {
        String body = "{\"features\":[\"card_profile:credit_limit\",\"card_profile:home_country\"],"
                + "\"entities\":[{\"card_id\":\"c1\"},{\"card_id\":\"c2\"},{\"card_id\":\"c3\"},{\"card_id\":\"c4\"}]}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/features"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static String status(JsonNode resp, int row, int feature) {
        return resp.get("results").get(row).get("statuses").get(feature).asText();
    }

    @Test
    void aJdbcTableIsMaterializedLikeAFile(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("crm.duckdb");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE profiles (card_id VARCHAR, credit_limit DOUBLE, home_country VARCHAR, updated_at TIMESTAMP,"
                    + " extra INTEGER)");
            st.execute("INSERT INTO profiles VALUES ('c1', 1000.0, 'US', TIMESTAMP '2026-01-10 00:00:00', 1),"
                    + " ('c1', 2500.0, NULL, TIMESTAMP '2026-02-05 00:00:00', 2), ('c9', NULL, 'FR', TIMESTAMP '2026-01-20 00:00:00', 3)");
        }
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo);
        Files.writeString(repo.resolve("crm.yaml"), """
                kind: entity
                name: card
                join_keys:
                  card_id: string
                ---
                kind: source
                name: card_profiles
                type: batch
                schema:
                  card_id: string
                  credit_limit: {type: float64, nullable: true}
                  home_country: {type: string, nullable: true}
                  updated_at: timestamp
                event_time_field: updated_at
                options:
                  jdbc_url: "jdbc:duckdb:%s"
                  query: "SELECT card_id, credit_limit, home_country, updated_at FROM profiles"
                ---
                kind: feature_view
                name: card_profile
                entity: card
                source: card_profiles
                ttl: 30d
                features:
                  - name: credit_limit
                    input: credit_limit
                  - name: home_country
                    input: home_country
                """.formatted(db.toString().replace("\\", "/")));
        Path data = dir.resolve("data");
        Run first = run("materialize", "--repo", repo.toString(), "--data", data.toString(), "--source", "card_profiles",
                "--end", "2026-02-01T00:00:00Z");
        assertEquals(0, first.exit(), first.err() + first.out());
        assertTrue(first.out().contains("read 3 rows") && first.out().contains("imported 2 events"), first.out());
        Run second = run("materialize", "--repo", repo.toString(), "--data", data.toString(), "--source", "card_profiles");
        assertEquals(0, second.exit(), second.err());
        assertTrue(second.out().contains("imported 1 events"), second.out());

        FeatureRepository crm = RepositoryLoader.load(repo).repositoryOrThrow();
        HttpClient http = HttpClient.newHttpClient();
        try (ServeCommand.Running server = ServeCommand.Running.start(crm, data, ServerOptions.defaults(0), FsyncPolicy.NEVER,
                Duration.ofMinutes(10), new ManualClock(FEB06))) {
            JsonNode at = read(http, "http://127.0.0.1:" + server.port());
            assertEquals(2500.0, at.get("results").get(0).get("values").get(0).asDouble());
            assertEquals("NULL_VALUE", status(at, 0, 1), "the latest row's home country is null");
            assertEquals("NOT_FOUND", status(at, 1, 0));
        }
    }
}
