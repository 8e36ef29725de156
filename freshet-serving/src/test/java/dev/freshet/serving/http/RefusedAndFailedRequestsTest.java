package dev.freshet.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.engine.EventBatch;
import dev.freshet.serving.features.RequestException;
import io.vertx.core.Context;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Requests the server refuses or fails as a whole: under overload a retryable 429 with Retry-After
 * that leaves no trace in the counts of accepted work; a failure of the server itself a 500 that
 * the error metrics count.
 */
class RefusedAndFailedRequestsTest {
    static final String EVENTS = "[{\"card_id\":\"c\",\"merchant_id\":\"m\",\"amount\":1,\"currency\":\"USD\",\"lat\":1,\"lon\":1,"
            + "\"event_time\":1},{\"card_id\":\"c\"}]";

    /** A ready engine whose ingest queue is always full and whose reads fail (those of a recovering engine). */
    static final class FullQueueEngine extends NotReadyServerTest.RecoveringEngine {
        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public CompletableFuture<long[]> append(String source, EventBatch events) {
            return CompletableFuture.failedFuture(new IllegalStateException("ingest queue full"));
        }

        @Override
        public boolean isOverload(Throwable e) {
            return true;
        }
    }

    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> post(FreshetHttpServer server, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * freshet_ingest_rejected_events_total counts the invalid events of accepted requests; it was
     * incremented before the append, so a request refused with 429 (or 503) counted its invalid
     * event, and every retry of it counted it again.
     */
    @Test
    void anIngestRequestRefusedWith429CountsNoneOfItsInvalidEvents() throws Exception {
        try (FreshetHttpServer server = FreshetHttpServer.start(new FullQueueEngine(), NotReadyServerTest.FRAUD,
                ServerOptions.defaults(0).withEventLoops(1), InstantSource.fixed(Instant.ofEpochMilli(1_800_000_000_000L)))) {
            for (int attempt = 0; attempt < 2; attempt++) {
                HttpResponse<String> r = post(server, "/v1/sources/transactions/events", EVENTS);
                assertEquals(429, r.statusCode(), r.body());
                assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
            }
            String metrics = server.metrics().scrape();
            assertTrue(metrics.contains("freshet_ingest_rejected_requests_total{reason=\"overloaded\"} 2.0"), metrics);
            // exported from the start, at 0: still 0
            assertTrue(metrics.contains("freshet_ingest_rejected_events_total{reason=\"missing_field\",source=\"transactions\"} 0.0"),
                    metrics.lines().filter(l -> l.startsWith("freshet_ingest_rejected_events")).toList().toString());
            assertFalse(metrics.lines().anyMatch(l -> l.startsWith("freshet_ingest_rejected_events_total{") && !l.endsWith(" 0.0")),
                    metrics.lines().filter(l -> l.startsWith("freshet_ingest_rejected_events")).toList().toString());
        }
    }

    /**
     * A training-set submission is validated off the event loop (it looks at the spine file), and
     * one refused because the job queue is full is 429 with Retry-After.
     */
    @Test
    void aTrainingSetRefusedForAFullQueueIs429WithRetryAfter() throws Exception {
        AtomicBoolean onEventLoop = new AtomicBoolean(true);
        TrainingSetJobs full = new TrainingSetJobs() {
            @Override
            public Submitted submit(byte[] body) {
                onEventLoop.set(Context.isOnEventLoopThread());
                throw new RequestException(429, "the training-set queue is full", "");
            }

            @Override
            public byte[] status(String id) {
                return null;
            }
        };
        try (FreshetHttpServer server = FreshetHttpServer.start(new FullQueueEngine(), NotReadyServerTest.FRAUD,
                ServerOptions.defaults(0).withEventLoops(1), InstantSource.fixed(Instant.ofEpochMilli(1_800_000_000_000L)), full)) {
            HttpResponse<String> r = post(server, "/v1/training-sets", "{\"spine\":\"/data/spine.csv\",\"features\":[\"card_txn:*\"]}");
            assertEquals(429, r.statusCode(), r.body());
            assertEquals(Integer.toString(TrainingSetJobs.RETRY_AFTER_SECONDS), r.headers().firstValue("Retry-After").orElse(null));
            assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(null));
            assertFalse(onEventLoop.get(), "submit ran on the event loop");
        }
    }

    /** A feature read that fails inside the server is a 500 problem, counted in freshet_serving_errors_total (it was not). */
    @Test
    void aFeatureReadThatFailsIs500AndCounted() throws Exception {
        try (FreshetHttpServer server = FreshetHttpServer.start(new FullQueueEngine(), NotReadyServerTest.FRAUD,
                ServerOptions.defaults(0).withEventLoops(1), InstantSource.fixed(Instant.ofEpochMilli(1_800_000_000_000L)))) {
            HttpResponse<String> r = post(server, "/v1/features", "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":[{\"card_id\":\"c\"}]}");
            assertEquals(500, r.statusCode(), r.body());
            assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(null));
            String metrics = server.metrics().scrape();
            assertTrue(metrics.contains("freshet_serving_errors_total{status=\"500\"} 1.0"),
                    metrics.lines().filter(l -> l.startsWith("freshet_serving_errors")).toList().toString());
        }
    }
}
