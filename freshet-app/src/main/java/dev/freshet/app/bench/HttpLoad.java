package dev.freshet.app.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * A loopback HTTP load generator on Vert.x's non-blocking client.
 *
 * <p>{@link #fixedRate} is open-loop: request i is due at {@code start + i / rate}, and its latency is
 * measured from that due time, not from when it was actually sent — so a stalled server is charged
 * for every request it delayed (coordinated omission corrected, as wrk2 does). {@link #maxRate} is
 * closed-loop with a fixed number of requests in flight, for the saturation throughput.
 */
public final class HttpLoad implements AutoCloseable {
    private final Vertx vertx;
    private final HttpClientAgent client;
    private final int port;

    public HttpLoad(int port, int connections) {
        this.port = port;
        this.vertx = Vertx.vertx();
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setPipelining(false).setDefaultHost("127.0.0.1").setDefaultPort(port), new PoolOptions().setHttp1MaxSize(connections));
    }

    /** Result of a run: latency histogram (microseconds), completed requests, errors, elapsed seconds. */
    public record Result(Histogram latencyMicros, long completed, long errors, double seconds) {
        public double rps() {
            return completed / seconds;
        }

        public double percentileMillis(double p) {
            return latencyMicros.getValueAtPercentile(p) / 1000.0;
        }
    }

    private Future<Integer> send(String path, Buffer body, String contentType) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setURI(path).setPort(port).setHost("127.0.0.1")
                .putHeader("Content-Type", contentType);
        return client.request(o).compose(req -> req.send(body)).compose(resp -> resp.body().map(b -> resp.statusCode()));
    }

    /** Open-loop: {@code rate} requests/s for {@code seconds}; bodies from {@code bodies(i)}. */
    public Result fixedRate(String path, IntFunction<Buffer> bodies, int rate, double seconds, String contentType)
            throws InterruptedException {
        long total = (long) (rate * seconds);
        Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        AtomicLong errors = new AtomicLong();
        CountDownLatch done = new CountDownLatch((int) total);
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime() + 1_000_000;
        // A dedicated sender thread releases each request at its due time (parking, not spinning: on
        // two cores a spinning sender would take a core from the server). Timer slack of ~50 us is
        // charged to the server, as any late send is.
        Thread sender = Thread.ofPlatform().name("load-sender").start(() -> {
            for (long i = 0; i < total; i++) {
                long due = start + i * intervalNanos;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                send(path, bodies.apply((int) i), contentType).onComplete(ar -> {
                    long micros = Math.max(1, (System.nanoTime() - due) / 1000);
                    synchronized (h) {
                        h.recordValue(Math.min(micros, h.getHighestTrackableValue()));
                    }
                    if (ar.failed() || ar.result() != 200) {
                        errors.incrementAndGet();
                    }
                    done.countDown();
                });
            }
        });
        done.await((long) (seconds * 10 + 30), TimeUnit.SECONDS);
        sender.join();
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new Result(h, total - done.getCount(), errors.get(), elapsed);
    }

    /** Closed-loop: keeps {@code inFlight} requests outstanding for {@code seconds}. */
    public Result maxRate(String path, IntFunction<Buffer> bodies, int inFlight, double seconds, String contentType)
            throws InterruptedException {
        Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong counter = new AtomicLong();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        CountDownLatch done = new CountDownLatch(inFlight);
        long start = System.nanoTime();
        for (int w = 0; w < inFlight; w++) {
            vertx.runOnContext(v -> loop(path, bodies, contentType, end, h, completed, errors, counter, done));
        }
        done.await((long) (seconds * 10 + 30), TimeUnit.SECONDS);
        return new Result(h, completed.get(), errors.get(), (System.nanoTime() - start) / 1e9);
    }

    private void loop(String path, IntFunction<Buffer> bodies, String contentType, long end, Histogram h, AtomicLong completed, AtomicLong errors,
                      AtomicLong counter, CountDownLatch done) {
        if (System.nanoTime() >= end) {
            done.countDown();
            return;
        }
        long t0 = System.nanoTime();
        send(path, bodies.apply((int) counter.getAndIncrement()), contentType).onComplete(ar -> {
            synchronized (h) {
                h.recordValue(Math.max(1, Math.min((System.nanoTime() - t0) / 1000, h.getHighestTrackableValue())));
            }
            if (ar.failed() || ar.result() != 200) {
                errors.incrementAndGet();
            }
            completed.incrementAndGet();
            loop(path, bodies, contentType, end, h, completed, errors, counter, done);
        });
    }

    @Override
    public void close() {
        client.close().toCompletionStage().toCompletableFuture().join();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
