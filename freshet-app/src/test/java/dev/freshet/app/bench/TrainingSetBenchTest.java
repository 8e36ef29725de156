package dev.freshet.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.app.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code freshet bench training-set} end to end at a tiny size: Freshet's training set and the
 * DuckDB SQL peer's agree on every compared feature of every spine row. The peer is an independent
 * oracle of the point-in-time rule (a peer that includes events at exactly T, ignores
 * {@code available_at}, floors {@code lo(T)} or moves it by 1 ms reports mismatches on this workload).
 */
class TrainingSetBenchTest {
    static final Path FRAUD = Path.of("..", "examples", "fraud");

    @Test
    void freshetAndTheDuckDbPeerBuildTheSameTrainingSet(@TempDir Path dir) throws Exception {
        CommandLine cl = Main.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute("bench", "training-set", "--repo", FRAUD.toString(), "--events", "20000", "--keys", "200",
                "--spine-rows", "2000", "--memory-limit", "1GB", "--dir", dir.resolve("work").toString(), "--json");
        assertEquals(0, exit, err.toString());

        String[] lines = out.toString().strip().split("\\R");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        for (String field : List.of("spine_rows", "events", "keys", "freshet_seconds", "duckdb_seconds", "spine_rows_per_second",
                "events_per_second", "values_equal", "features_compared", "mismatches", "not_compared", "jvm", "cpus")) {
            assertTrue(json.has(field), field + " missing in " + json);
        }
        assertTrue(json.get("values_equal").asBoolean(), "Freshet and DuckDB differ: " + json + "\n" + err);
        assertEquals(0, json.get("mismatches").asLong(), json.toString());
        assertEquals(2000, json.get("spine_rows").asInt());
        assertEquals(2000, json.get("rows_compared").asInt(), "every spine row compared");
        assertEquals(20000, json.get("events").asInt());
        assertEquals(20000, json.get("events_applied").asInt(), "no event dropped, so both sides see the same events");
        assertEquals(200, json.get("keys").asInt());
        assertTrue(json.get("late_events").asLong() > 0, "some events become visible after their event time: " + json);

        // fraud_model_v1: the 12 card_txn features and distance_from_last_txn_km; the two sketches are not compared.
        assertEquals(13, json.get("features").asInt());
        assertEquals(11, json.get("features_compared").asInt(), json.toString());
        List<String> notCompared = List.of(new ObjectMapper().treeToValue(json.get("not_compared"), String[].class));
        assertEquals(List.of("merchants_approx_distinct_24h", "amount_p95_24h"), notCompared);
        for (JsonNode n : json.get("mismatches_by_feature")) {
            assertEquals(0, n.asLong(), json.toString());
        }

        // The sketches, checked against the peer's exact values: DDSketch within its relative accuracy.
        assertTrue(json.get("sketches_within_accuracy").asBoolean(), json.get("sketch_checks").toString());
        JsonNode p95 = json.get("sketch_checks").get("amount_p95_24h");
        assertEquals(0, p95.get("status_differs").asLong(), p95.toString());
        assertTrue(p95.get("both_present").asLong() > 0, p95.toString());
        assertEquals(p95.get("both_present").asLong(), p95.get("within_relative_accuracy").asLong(), p95.toString());
        assertEquals(0, json.get("sketch_checks").get("merchants_approx_distinct_24h").get("status_differs").asLong());
        assertTrue(json.get("freshet_seconds").asDouble() > 0 && json.get("duckdb_seconds").asDouble() > 0, json.toString());
    }
}
