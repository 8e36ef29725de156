package dev.freshet.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.engine.EventBatch;
import dev.freshet.engine.StreamingViews;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.yaml.RepositoryLoader;
import dev.freshet.storage.DeadLetterQuery;
import dev.freshet.storage.StoredDeadLetter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * While the engine restores its checkpoint and replays the log, every endpoint that needs it
 * answers a retryable 503 (feature reads with Retry-After), not a 500; and the server refuses a
 * bearer token no client could send.
 */
class NotReadyServerTest {
    static final FeatureRepository FRAUD = RepositoryLoader.load(Path.of("..", "examples", "fraud")).repositoryOrThrow();

    /** A recovering engine, behaving as EmbeddedEngine does before it is ready. */
    static class RecoveringEngine implements ServingEngine {
        final List<CompiledView> views = new ArrayList<>();

        RecoveringEngine() {
            StreamingViews.compile(FRAUD).values().forEach(views::addAll);
        }

        @Override
        public List<CompiledView> views() {
            return views;
        }

        @Override
        public boolean read(String view, Object key, long t, FeatureVector out) {
            throw new IllegalStateException("the engine is not ready yet (recovering)");
        }

        @Override
        public CompletableFuture<long[]> append(String source, EventBatch events) {
            return CompletableFuture.failedFuture(new IllegalStateException("the engine is not ready yet (recovering)"));
        }

        @Override
        public CompletableFuture<Void> awaitApplied(String source, long endOffset) {
            return CompletableFuture.failedFuture(new IllegalStateException("the engine is stopped"));
        }

        @Override
        public boolean isReady() {
            return false;
        }

        @Override
        public Map<String, Double> gauges() {
            return Map.of();
        }

        @Override
        public Map<String, Map<String, Long>> droppedEvents() {
            return Map.of("transactions", Map.of("LATE", 0L, "TOO_FAR_IN_FUTURE", 0L));
        }

        @Override
        public List<StoredDeadLetter> deadLetters(DeadLetterQuery query) {
            return List.of();
        }

        @Override
        public boolean isOverload(Throwable e) {
            return false;
        }
    }

    @Test
    void featureReadsBeforeReadyAre503() throws Exception {
        try (FreshetHttpServer server = FreshetHttpServer.start(new RecoveringEngine(), FRAUD,
                ServerOptions.defaults(0).withEventLoops(1), InstantSource.fixed(java.time.Instant.ofEpochMilli(1_800_000_000_000L)))) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, ready.statusCode());
            HttpResponse<String> ingest = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/sources/transactions/events"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "[{\"card_id\":\"c\",\"merchant_id\":\"m\",\"amount\":1,\"currency\":\"USD\",\"lat\":1,\"lon\":1,\"event_time\":1}]"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, ingest.statusCode(), ingest.body());
            String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("freshet_ingest_rejected_requests_total{reason=\"unavailable\"} 1.0"), metrics);
            assertTrue(metrics.contains("freshet_dropped_events_total{reason=\"TOO_FAR_IN_FUTURE\",source=\"transactions\"} 0.0"), metrics);
            for (String[] req : new String[][] {
                    {"/v1/features", "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":[{\"card_id\":\"c\"}]}"},
                    {"/get-online-features", "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":{\"card_id\":[\"c\"]}}"}}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + req[0])).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(req[1])).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(503, r.statusCode(), req[0] + ": " + r.body());
                assertEquals("1", r.headers().firstValue("Retry-After").orElse(null), req[0]);
                assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(null), req[0]);
            }
        }
    }

    // After an engine failure /health kept answering UP and /ready said "restoring": an orchestrator
    // never restarted a process that served nothing.
    @Test
    void aFailedEngineIsNotHealthyAndSaysWhy() throws Exception {
        ServingEngine failed = new RecoveringEngine() {
            @Override
            public java.util.Optional<String> failure() {
                return java.util.Optional.of("java.lang.IllegalStateException: disk gone");
            }
        };
        try (FreshetHttpServer server = FreshetHttpServer.start(failed, FRAUD, ServerOptions.defaults(0).withEventLoops(1),
                InstantSource.fixed(java.time.Instant.ofEpochMilli(1_800_000_000_000L)))) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            for (String path : new String[] {"/health", "/ready"}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(503, r.statusCode(), path);
                assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""), path);
                assertTrue(r.body().contains("stopped after a failure") && r.body().contains("disk gone"), r.body());
            }
        }
    }

    @Test
    void aBearerTokenMustBePrintableAscii() {
        assertThrows(IllegalArgumentException.class, () -> ServerOptions.defaults(0).withBearerToken("geheim\u00e9"));
        assertThrows(IllegalArgumentException.class, () -> ServerOptions.defaults(0).withBearerToken("two words"));
        assertThrows(IllegalArgumentException.class, () -> ServerOptions.defaults(0).withBearerToken(""));
        assertEquals("abc-._~+/=", ServerOptions.defaults(0).withBearerToken("abc-._~+/=").bearerToken());
    }

    @Test
    void thePortMustBeATcpPort() {
        assertThrows(IllegalArgumentException.class, () -> ServerOptions.defaults(-5));
        assertThrows(IllegalArgumentException.class, () -> ServerOptions.defaults(65536));
        assertEquals(65535, ServerOptions.defaults(65535).port());
        assertEquals(0, ServerOptions.defaults(0).port());
    }
}
