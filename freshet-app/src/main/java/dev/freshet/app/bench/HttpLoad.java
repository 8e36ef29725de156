package dev.freshet.app.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
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
 *
 * <p>Threading: the client runs on one Vert.x event loop, and every request is issued on one
 * context of it, so connections, requests and response callbacks share one thread. That is what
 * makes {@code send(...).compose(resp -> resp.body())} safe: a request issued from another thread
 * (or another event loop than its pooled connection's) gets its response head through a task hop,
 * and if the connection's loop processes the response end first, the body future registered
 * afterwards never completes — the hang of the first Vert.x-vs-Helidon runs. The open-loop sender
 * thread therefore only paces: it hands each batch of due requests to the context. Requests the
 * server never answers fail after {@link #REQUEST_IDLE_TIMEOUT_MS} and count as errors, as do any
 * still unanswered when a run gives up waiting.
 */
public final class HttpLoad implements AutoCloseable {
    /** A request with no bytes moving for this long fails (and counts as an error). */
    public static final long REQUEST_IDLE_TIMEOUT_MS = 30_000;

    private final Vertx vertx;
    private final Context context;
    private final HttpClientAgent client;
    private final int port;

    public HttpLoad(int port, int connections) {
        this.port = port;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        this.context = vertx.getOrCreateContext();
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setPipelining(false).setDefaultHost("127.0.0.1").setDefaultPort(port), new PoolOptions().setHttp1MaxSize(connections));
    }

    /**
     * Result of a run: latency histogram (microseconds), answered requests, errors (non-200 answers,
     * failures and requests never answered), elapsed seconds.
     */
    public record Result(Histogram latencyMicros, long completed, long errors, double seconds) {
        public double rps() {
            return completed / seconds;
        }

        public double percentileMillis(double p) {
            return latencyMicros.getValueAtPercentile(p) / 1000.0;
        }
    }

    /** Must run on {@link #context}. */
    private Future<Integer> send(String path, Buffer body, String contentType) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setURI(path).setPort(port).setHost("127.0.0.1")
                .putHeader("Content-Type", contentType).setIdleTimeout(REQUEST_IDLE_TIMEOUT_MS);
        return client.request(o).compose(req -> req.send(body).compose(resp -> resp.body().map(b -> resp.statusCode())));
    }

    /** Open-loop: {@code rate} requests/s for {@code seconds}; bodies from {@code bodies(i)}. */
    public Result fixedRate(String path, IntFunction<Buffer> bodies, int rate, double seconds, String contentType)
            throws InterruptedException {
        long total = (long) (rate * seconds);
        Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        AtomicLong errors = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        CountDownLatch done = new CountDownLatch((int) total);
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime() + 1_000_000;
        // A dedicated sender thread releases requests at their due times (parking, not spinning: on
        // two cores a spinning sender would take a core from the server) and hands every request due
        // by the time it wakes to the event loop in one task. Timer slack of ~50 us is charged to the
        // server, as any late send is.
        Thread sender = Thread.ofPlatform().name("load-sender").start(() -> {
            long next = 0;
            while (next < total) {
                long wait = start + next * intervalNanos - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                    continue;
                }
                long from = next;
                long to = Math.min(total, (System.nanoTime() - start) / intervalNanos + 1);
                next = to;
                context.runOnContext(v -> {
                    for (long i = from; i < to; i++) {
                        long due = start + i * intervalNanos;
                        send(path, bodies.apply((int) i), contentType).onComplete(ar -> {
                            long micros = Math.max(1, (System.nanoTime() - due) / 1000);
                            synchronized (h) {
                                h.recordValue(Math.min(micros, h.getHighestTrackableValue()));
                            }
                            if (ar.failed() || ar.result() != 200) {
                                errors.incrementAndGet();
                            }
                            completed.incrementAndGet();
                            done.countDown();
                        });
                    }
                });
            }
        });
        sender.join();
        done.await(REQUEST_IDLE_TIMEOUT_MS + 30_000, TimeUnit.MILLISECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        long answered = completed.get();
        return new Result(h, answered, errors.get() + (total - answered), elapsed);
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
            context.runOnContext(v -> loop(path, bodies, contentType, end, h, completed, errors, counter, done));
        }
        boolean finished = done.await((long) (seconds * 1000) + REQUEST_IDLE_TIMEOUT_MS + 30_000, TimeUnit.MILLISECONDS);
        return new Result(h, completed.get(), errors.get() + (finished ? 0 : done.getCount()), (System.nanoTime() - start) / 1e9);
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
