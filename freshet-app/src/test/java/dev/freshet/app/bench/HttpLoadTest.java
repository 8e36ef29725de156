package dev.freshet.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The load generator against a real loopback Vert.x server: every request of consecutive phases on
 * one generator is answered and counted, large requests and answers are framed whole, non-200
 * answers and dropped connections count as errors, and open-loop latency runs from each request's
 * due time, so requests queued behind a stall are charged for it.
 */
class HttpLoadTest {
    static final Buffer BODY = Buffer.buffer("{\"feature_service\":\"s\"}");
    static Vertx vertx;
    static HttpServer server;
    static final AtomicBoolean stalled = new AtomicBoolean();

    @BeforeAll
    static void startServer() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            switch (req.path()) {
                case "/fail" -> req.response().setStatusCode(503).end();
                case "/echo" -> req.response().end(b);
                case "/close" -> req.connection().close();
                case "/answer-then-close" -> req.response().end("{}").onComplete(done -> req.connection().close());
                case "/stall" -> {
                    if (stalled.compareAndSet(false, true)) {
                        vertx.setTimer(300, t -> req.response().end("{}"));
                    } else {
                        req.response().end("{}");
                    }
                }
                default -> req.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
            }
        })).listen(0).toCompletionStage().toCompletableFuture().join();
    }

    @AfterAll
    static void stopServer() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void everyRequestOfConsecutivePhasesIsAnsweredAndCounted() throws InterruptedException {
        try (HttpLoad load = new HttpLoad(server.actualPort(), 16)) {
            for (int phase = 0; phase < 4; phase++) {
                HttpLoad.Result r = load.fixedRate("/ok", i -> BODY, 2000, 1, "application/json");
                assertAnswered(r, 2000, 0, "phase " + phase);
                assertEquals(2000, r.ok(), "phase " + phase);
                assertEquals(2000, r.latencyMicros().getTotalCount());
            }
            HttpLoad.Result max = load.maxRate("/ok", i -> BODY, 16, 0.5, "application/json");
            assertTrue(max.completed() > 100, "closed loop completed " + max.completed());
            assertEquals(0, max.errors());
            HttpLoad.Result after = load.fixedRate("/ok", i -> BODY, 2000, 0.5, "application/json");
            assertAnswered(after, 1000, 0);
        }
    }

    /** Bodies larger than a socket buffer go out in several writes; answers larger than the read buffer grow it. */
    @Test
    void largeRequestsAndAnswersAreFramedWhole() throws InterruptedException {
        byte[] big = new byte[300_000];
        java.util.Arrays.fill(big, (byte) 'x');
        Buffer body = Buffer.buffer(big);
        try (HttpLoad load = new HttpLoad(server.actualPort(), 4)) {
            HttpLoad.Result r = load.fixedRate("/echo", i -> body, 100, 0.5, "application/json");
            assertAnswered(r, 50, 0);
            HttpLoad.Result max = load.maxRate("/echo", i -> i % 2 == 0 ? body : BODY, 4, 0.3, "application/json");
            assertTrue(max.completed() > 4, "closed loop completed " + max.completed());
            assertEquals(0, max.errors());
        }
    }

    /** A connection the server drops fails its request; the next request opens a new connection. */
    @Test
    void aDroppedConnectionIsAnErrorAndTheNextRequestReconnects() throws InterruptedException {
        try (HttpLoad load = new HttpLoad(server.actualPort(), 1)) {
            HttpLoad.Result dropped = load.fixedRate("/close", i -> BODY, 20, 0.5, "application/json");
            assertAnswered(dropped, 10, 10);
            HttpLoad.Result ok = load.fixedRate("/ok", i -> BODY, 200, 0.5, "application/json");
            assertAnswered(ok, 100, 0);
        }
    }

    /** Against a port nobody listens on, every request fails at once and counts as one error. */
    @Test
    void connectionsTheServerClosesWhileIdleAreReopenedAndEveryRequestCountsOnce() throws InterruptedException {
        try (HttpLoad load = new HttpLoad(server.actualPort(), 2)) {
            for (int phase = 0; phase < 3; phase++) {
                // each answer is followed by the server closing the connection: the sender takes
                // connections the selector is closing, or finds closed, and must reconnect
                HttpLoad.Result r = load.fixedRate("/answer-then-close", i -> BODY, 400, 0.5, "application/json");
                assertEquals(200, r.completed(), "every request answered or failed once, phase " + phase);
                assertEquals(200, r.latencyMicros().getTotalCount(), "phase " + phase);
                assertTrue(r.ok() > 100, "most find a fresh connection: " + r.ok() + " of 200, phase " + phase);
            }
        }
    }

    @Test
    void refusedConnectionsCountEachRequestOnceAsAnError() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (HttpLoad load = new HttpLoad(port, 2)) {
            HttpLoad.Result r = load.fixedRate("/ok", i -> BODY, 100, 0.5, "application/json");
            assertAnswered(r, 50, 50);
            HttpLoad.Result max = load.maxRate("/ok", i -> BODY, 2, 0.2, "application/json");
            assertEquals(max.completed(), max.errors(), "every closed-loop attempt failed and was counted once");
        }
    }

    @Test
    void nonOkAnswersCountAsErrors() throws InterruptedException {
        try (HttpLoad load = new HttpLoad(server.actualPort(), 4)) {
            HttpLoad.Result r = load.fixedRate("/fail", i -> BODY, 200, 0.5, "application/json");
            assertAnswered(r, 100, 100);
            assertEquals(0, r.ok());
            assertEquals(0.0, r.rps(), "a rejected request is no throughput");
        }
    }

    @Test
    void openLoopLatencyRunsFromTheDueTimeSoQueuedRequestsAreChargedForAStall() throws InterruptedException {
        try (HttpLoad load = new HttpLoad(server.actualPort(), 1)) {
            HttpLoad.Result r = load.fixedRate("/stall", i -> BODY, 1000, 1, "application/json");
            assertAnswered(r, 1000, 0);
            // The first answer takes 300 ms and, on one connection, everything due meanwhile waits:
            // the request due at t ms is charged about 300 - t, so a fifth of them ~100 ms or more
            // although only one was slow.
            assertTrue(r.percentileMillis(100) >= 290, "max " + r.percentileMillis(100));
            assertTrue(r.percentileMillis(80) >= 50, "p80 " + r.percentileMillis(80));
        }
    }

    /** {@code r} had {@code completed} requests answered (or failed), {@code errors} of them not with 200. */
    private static void assertAnswered(HttpLoad.Result r, long completed, long errors, String where) {
        assertEquals(completed, r.completed(), "answered " + where);
        assertEquals(errors, r.errors(), "errors " + where);
    }

    private static void assertAnswered(HttpLoad.Result r, long completed, long errors) {
        assertAnswered(r, completed, errors, "");
    }
}
