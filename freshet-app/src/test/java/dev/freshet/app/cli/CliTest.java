package dev.freshet.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.app.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as users run it: exit codes, messages and outputs. */
class CliTest {
    static final Path FRAUD = Path.of("..", "examples", "fraud");

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        CliRun r = CliRun.of(args);
        return new Run(r.exit(), r.out(), r.err());
    }

    @Test
    void validateAcceptsTheFraudExample() {
        Run r = run("validate", "--repo", FRAUD.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("is valid"), r.out());
    }

    @Test
    void validateReportsEveryErrorWithFileAndLineAndExitsNonZero(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("bad.yaml"), """
                kind: entity
                name: card
                join_keys:
                  card_id: strnig
                ---
                kind: source
                name: transactions
                type: stream
                schema:
                  card_id: string
                  amount: float64
                event_time_field: ts
                """);
        Run r = run("validate", "--repo", dir.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("bad.yaml:4:"), r.err());
        assertTrue(r.err().contains("bad.yaml:12:"), "second error reported in the same run: " + r.err());
    }

    @Test
    void applyRecordsVersionsThenFindsNothingToChange(@TempDir Path dir) throws IOException {
        Path repo = dir.resolve("fraud");
        copy(FRAUD, repo);
        Run first = run("apply", "--repo", repo.toString());
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().contains("+ feature_view card_txn v1"), first.out());
        assertTrue(Files.exists(repo.resolve(".freshet/registry.json")));
        Run second = run("apply", "--repo", repo.toString());
        assertEquals(0, second.exit(), second.err());
        assertTrue(second.out().contains("0 added, 0 changed"), second.out());
        assertTrue(second.out().contains("nothing to apply"), second.out());
    }

    @Test
    void applyOnADamagedRegistryFailsWithAMessageNamingTheFile(@TempDir Path dir) throws IOException {
        Path repo = dir.resolve("fraud");
        copy(FRAUD, repo);
        Files.createDirectories(repo.resolve(".freshet"));
        Files.writeString(repo.resolve(".freshet/registry.json"), "{\"format_version\":1}");
        Run r = run("apply", "--repo", repo.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("registry.json"), r.err());
        assertFalse(r.err().contains("\tat "), "a message, not a stack trace: " + r.err());
    }

    @Test
    void everyCommandHasHelp() {
        for (List<String> cmd : List.of(List.<String>of(), List.of("validate"), List.of("apply"), List.of("bench"),
                List.of("bench", "engine"))) {
            String[] args = Stream.concat(cmd.stream(), Stream.of("--help")).toArray(String[]::new);
            Run r = run(args);
            assertEquals(0, r.exit(), String.join(" ", args));
            assertTrue(r.out().contains("Usage:"), String.join(" ", args) + ": " + r.out());
        }
    }

    @Test
    void benchEnginePrintsOneJsonObjectAsItsLastLine() throws IOException {
        Run r = run("bench", "engine", "--repo", FRAUD.toString(), "--events", "20000", "--keys", "500",
                "--runs", "1", "--features", "all", "--parsed-keys", "--json");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\\R");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        for (String field : List.of("events_per_second", "events", "keys", "features", "threads", "state_bytes_per_key")) {
            assertTrue(json.has(field), field + " missing in " + json);
        }
        assertEquals(20000, json.get("events").asInt());
        assertEquals(20000, json.get("applied").asInt(), "every generated event is applied");
        assertEquals(500, json.get("keys").asInt());
        assertTrue(json.get("features").asInt() >= 10, json.toString());
        assertEquals("one per event", json.get("key_objects").asText());
    }

    /** The issue's fields, and what each side cost per request and event, on one JSON line. */
    @Test
    void benchServePrintsOneJsonObjectWithItsFigures() throws IOException {
        List<Path> dataBefore = benchServeDirectories();
        Run r = run("bench", "serve", "--repo", FRAUD.toString(), "--cards", "200", "--batch", "100", "--rate", "500",
                "--seconds", "0.5", "--warmup-max-steps", "1", "--fsync", "NEVER", "--freshness-batch", "20", "--json");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\\R");
        assertEquals(1, lines.length, "only the JSON line on stdout with --json: " + r.out());
        JsonNode json = new ObjectMapper().readTree(lines[0]);
        for (String field : List.of("serve_p50_ms", "serve_p99_ms", "serve_p999_ms", "serve_max_rps", "ingest_events_per_second",
                "freshness_p99_ms", "freshness_batch_p99_ms")) {
            assertTrue(json.get(field).asDouble() > 0, field + " in " + json);
        }
        assertTrue(json.get("freshness_p99_ms").asDouble() <= json.get("freshness_batch_p99_ms").asDouble() + 1e-3,
                "an event is visible no later than its whole batch: " + json);
        assertEquals(0, json.get("ingest_errors").asLong(), json.toString());
        assertEquals(0, json.get("serve_errors").asLong(), json.toString());
        assertEquals(20, json.get("freshness_batch_events").asInt(), json.toString());
        assertEquals(dataBefore, benchServeDirectories(), "the benchmark's data directory is removed at the end");
        assertTrue(json.get("freshness_batches").asLong() > 0, json.toString());
        assertTrue(json.get("freshness_events").asLong() >= json.get("freshness_batches").asLong(), json.toString());
        for (String field : List.of("ingest_http_cpu_us_per_event", "ingest_engine_cpu_us_per_event", "serve_server_cpu_us_per_request",
                "serve_max_server_cpu_us_per_request", "freshness_engine_cpu_us_per_event", "ingest_http_alloc_bytes_per_event",
                "ingest_engine_alloc_bytes_per_event", "serve_server_alloc_bytes_per_request", "ingest_process_cpu_us_per_event",
                "serve_process_cpu_us_per_request", "serve_max_process_cpu_us_per_request", "freshness_process_cpu_us_per_event",
                "freshness_http_cpu_us_per_event", "ingest_requests_per_log_commit", "freshness_requests_per_log_commit")) {
            assertTrue(json.get(field).asDouble() > 0, field + " in " + json);
        }
        if (Files.isDirectory(Path.of("/proc/self/task"))) { // RocksDB's native threads are read from /proc (Linux)
            for (String field : List.of("ingest_storage_cpu_us_per_event", "freshness_storage_cpu_us_per_event")) {
                assertTrue(json.get(field).asDouble() > 0, field + " in " + json);
            }
        }
        for (String field : List.of("ingest_cpu_busy", "serve_cpu_busy", "serve_max_cpu_busy", "freshness_cpu_busy")) {
            double busy = json.get(field).asDouble();
            assertTrue(busy > 0 && busy <= 1.05, field + " is a share of the cores: " + json);
        }
    }

    @Test
    void demoRunsItsDurationAndRemovesTheTemporaryDataItMade() {
        Run r = run("demo", "--repo", FRAUD.toString(), "--port", "0", "--duration", "2s", "--rate", "2000", "--cards", "200");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("demo finished cleanly"), r.out());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(data: (.+), removed at exit").matcher(r.out());
        assertTrue(m.find(), r.out());
        Path dir = Path.of(m.group(1));
        assertTrue(dir.getFileName().toString().startsWith("freshet-demo-"), dir.toString());
        assertFalse(Files.exists(dir), "the demo's temporary data directory is left behind: " + dir);
    }

    @Test
    void benchCheckpointComparesBothModesOnTheSameLiveStream() throws IOException {
        Run r = run("bench", "checkpoint", "--repo", FRAUD.toString(), "--cards", "300", "--preload", "20000", "--rate", "2000",
                "--batch", "100", "--seconds", "2", "--checkpoint-interval", "200ms", "--keys-per-step", "8", "--reps", "1", "--json");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\\R");
        assertEquals(1, lines.length, "only the JSON line on stdout with --json: " + r.out());
        JsonNode json = new ObjectMapper().readTree(lines[0]);
        for (String mode : List.of("at_once", "stepwise")) {
            for (String figure : List.of("_freshness_p50_ms", "_freshness_p99_ms", "_freshness_p999_ms", "_freshness_max_ms")) {
                assertTrue(json.has(mode + figure), mode + figure + " missing in " + json);
            }
            JsonNode run = json.get("runs").get(mode).get(0);
            assertEquals(40, run.get("batches").asInt(), "one lag per live batch: " + run);
            assertEquals(4000, run.get("live_events_applied").asInt(), "every live event applied: " + run);
            assertTrue(run.get("checkpoints").asInt() >= 1, "checkpoints ran during the live stream: " + run);
        }
        assertEquals(8, json.get("keys_per_step").asInt());
    }

    private static List<Path> benchServeDirectories() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("freshet-bench-serve-")).sorted().toList();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.toString().contains(".freshet")) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
