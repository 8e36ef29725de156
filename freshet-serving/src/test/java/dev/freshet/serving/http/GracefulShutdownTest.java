package dev.freshet.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.engine.EventBatch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Stopping the server lets the requests in flight finish instead of cutting their connections. */
@Timeout(60)
class GracefulShutdownTest {
    private static final String EVENT =
            "[{\"card_id\":\"c\",\"merchant_id\":\"m\",\"amount\":1,\"currency\":\"USD\",\"lat\":1,\"lon\":1,\"event_time\":1}]";

    /** Ready; appends are durable at once; applying waits for the test. */
    private static final class SlowApplyEngine extends NotReadyServerTest.RecoveringEngine {
        final CompletableFuture<Void> applied = new CompletableFuture<>();
        final CountDownLatch waiting = new CountDownLatch(1);

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public CompletableFuture<long[]> append(String source, EventBatch events) {
            return CompletableFuture.completedFuture(new long[] {0, events.size()});
        }

        @Override
        public CompletableFuture<Void> awaitApplied(String source, long endOffset) {
            waiting.countDown();
            return applied;
        }
    }

    // Stopping serve closed HTTP first, at once: a ?wait=applied request whose events were already
    // durable lost its connection, and its client sent the events again.
    @Test
    void aRequestInFlightIsAnsweredWhileTheServerStops() throws Exception {
        SlowApplyEngine engine = new SlowApplyEngine();
        FreshetHttpServer server = FreshetHttpServer.start(engine, NotReadyServerTest.FRAUD, ServerOptions.defaults(0).withEventLoops(1),
                InstantSource.fixed(Instant.ofEpochMilli(1_800_000_000_000L)));
        String base = "http://127.0.0.1:" + server.port();
        HttpClient http = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(HttpRequest.newBuilder(
                        URI.create(base + "/v1/sources/transactions/events?wait=applied"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(EVENT)).build(),
                HttpResponse.BodyHandlers.ofString());
        engine.waiting.await();

        CompletableFuture<Void> stopped = server.shutdown(Duration.ofSeconds(30));
        engine.applied.complete(null); // the engine drains: the waiting request is answered
        HttpResponse<String> answer = inFlight.get();
        assertEquals(200, answer.statusCode(), answer.body());
        try {
            stopped.get();
        } catch (ExecutionException e) {
            throw new AssertionError("shutdown failed", e.getCause());
        }
        server.close();
    }
}
