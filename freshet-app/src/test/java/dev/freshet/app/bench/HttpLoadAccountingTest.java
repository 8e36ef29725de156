package dev.freshet.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the load generator counts against a real (slow) Vert.x server: requests the connections
 * cannot carry on time are reported as sent late — a figure stamped on arrival at the server (the
 * engine's accept → visible freshness) would not see that wait, so bench serve's freshness phases
 * use enough connections and report the share sent late — and a request never answered counts once.
 */
class HttpLoadAccountingTest {
    static Vertx vertx;
    static HttpServer server;
    static final ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
    static final Histogram inServerMicros = new Histogram(60_000_000L, 3);

    @BeforeAll
    static void startServer() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            long arrived = System.nanoTime();
            arrivals.add(arrived);
            switch (req.path()) {
                case "/slow" -> vertx.setTimer(40, t -> {
                    synchronized (inServerMicros) {
                        inServerMicros.recordValue((System.nanoTime() - arrived) / 1000);
                    }
                    req.response().end("{}");
                });
                case "/mixed" -> {
                    if (!b.toString().contains("trickle")) {
                        req.response().end("{}");
                        return;
                    }
                    // answers 200 with a body that never completes, one byte a second: bytes keep moving
                    req.response().putHeader("Content-Length", "1000").write("x");
                    vertx.setPeriodic(1000, t -> req.response().write("x"));
                }
                default -> req.response().end("{}");
            }
        })).listen(0).toCompletionStage().toCompletableFuture().join();
    }

    @AfterAll
    static void stopServer() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /**
     * With 40 ms answers, 64 connections carry at most 1,600 req/s: offered 3,000 req/s, the sender
     * must wait for connections, and the result says how many requests went out late (their latency
     * still counts from the due time).
     */
    @Test
    void requestsTheConnectionsCannotCarryOnTimeAreReportedLate() throws InterruptedException {
        arrivals.clear();
        try (HttpLoad load = new HttpLoad(server.actualPort(), 64)) {
            HttpLoad.Result r = load.fixedRate("/slow", i -> Buffer.buffer("{}"), 3000, 2, "application/json");
            assertEquals(6000, r.completed());
            assertEquals(6000, r.ok());
            // 64 connections x 2 s / 40 ms = 3,200 at most on time: the other 2,800 or more waited
            assertTrue(r.lateSends() >= 2500, "late sends: " + r.lateSends());
            assertTrue(r.percentileMillis(99) > 500, "latency from due time includes the wait: " + r.percentileMillis(99));
        }
    }

    /**
     * A request never answered is finished as an error when the run gives up, and counted once:
     * 1 answered 200 and 1 never answered give ok() 1 (it once subtracted the unanswered twice).
     * Takes ~61 s: the generator gives up 60 s after the run.
     */
    @Test
    void aRequestAnswered200CountsAsOkWhenAnotherIsNeverAnswered() throws InterruptedException {
        try (HttpLoad load = new HttpLoad(server.actualPort(), 2)) {
            HttpLoad.Result r = load.fixedRate("/mixed", i -> Buffer.buffer(i == 0 ? "{}" : "{\"trickle\":1}"), 20, 0.1,
                    "application/json");
            System.out.printf("completed %d, errors %d, ok %d%n", r.completed(), r.errors(), r.ok());
            assertEquals(1, r.errors(), "the request never answered is the one error");
            assertEquals(1, r.ok(), "the request answered 200 is ok");
        }
    }
}
