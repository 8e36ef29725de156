package dev.freshet.serving.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.freshet.engine.EventBatch;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.expr.ExpressionCompiler;
import dev.freshet.model.spec.SourceKind;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.serving.features.FeatureApi;
import dev.freshet.serving.features.FeaturePlanner;
import dev.freshet.serving.features.FeatureRetriever;
import dev.freshet.serving.features.RequestException;
import dev.freshet.serving.ingest.EventParser;
import dev.freshet.serving.ingest.MalformedRequestException;
import dev.freshet.serving.ingest.RejectedEvent;
import dev.freshet.serving.ingest.TooManyEventsException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The HTTP API of an embedded Freshet server on Vert.x: ingest, feature retrieval (native and
 * Feast-compatible), health, readiness and Prometheus metrics. Handlers run on the event loop;
 * feature reads and parsing are microseconds, and ingest completes asynchronously when the log
 * has made the events durable.
 */
public final class FreshetHttpServer implements AutoCloseable {
    private final Vertx vertx;
    private final HttpServer server;
    /** One per event loop, all on one port. */
    private final List<HttpServer> servers;
    private final ServingEngine engine;
    private final FeatureRepository repo;
    private final ServerOptions options;
    private final InstantSource clock;
    private final FeatureApi api;
    private final Map<String, EventParser> parsers = new HashMap<>();
    /** The repository's sources, as named in errors. */
    private final List<String> sourceNames;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /**
     * The engine's gauges as of the latest /metrics scrape: read once per scrape, where every gauge
     * meter used to recompute all of them (each a full engine stats snapshot: view locks, log size).
     */
    private volatile Map<String, Double> gauges;
    /** The engine's dropped events (source → reason → count) as of the latest /metrics scrape. */
    private volatile Map<String, Map<String, Long>> drops;
    private final Timer servingLatency;
    private final Timer ingestLatency;
    private final Timer ingestAppliedLatency;
    private final Counter unauthorized;
    /** {@value #REJECTED_REQUESTS} by reason. */
    private final Map<String, Counter> rejectedRequests = new HashMap<>();
    /** freshet_ingest_events_total by stream source. */
    private final Map<String, Counter> ingestedEvents = new HashMap<>();
    private final byte[] token;
    private final TrainingSetJobs trainingSets;
    private final int eventLoops;

    private static final String REJECTED_REQUESTS = "freshet_ingest_rejected_requests_total";
    /** Reasons of {@value #REJECTED_REQUESTS}: every ingest request not answered 200 is counted under one. */
    static final List<String> REJECT_REASONS = List.of("unauthorized", "body_too_large", "unknown_source", "batch_source",
            "unsupported_media_type", "bad_parameter", "malformed", "too_many_events", "no_events", "all_invalid", "overloaded",
            "unavailable", "error");
    /** Reasons of freshet_ingest_rejected_events_total ({@link #reasonTag}). */
    static final List<String> REJECTED_EVENT_REASONS = List.of("missing_field", "unknown_field", "wrong_type", "null_field",
            "bad_value", "invalid");
    /** Statuses of freshet_serving_errors_total exported from the start (others appear when first answered). */
    static final List<Integer> SERVING_ERROR_STATUSES = List.of(400, 404, 413, 500, 503);

    private FreshetHttpServer(ServingEngine engine, FeatureRepository repo, ServerOptions options, InstantSource clock,
                              TrainingSetJobs trainingSets) {
        this.engine = engine;
        this.trainingSets = trainingSets;
        this.repo = repo;
        this.options = options;
        this.clock = clock;
        this.token = options.bearerToken() == null ? null : options.bearerToken().getBytes(StandardCharsets.US_ASCII);
        this.api = new FeatureApi(new FeaturePlanner(repo, engine, new ExpressionCompiler()), new FeatureRetriever(engine),
                options.maxEntities());
        for (SourceSpec s : repo.sources()) {
            parsers.put(s.name(), new EventParser(s.schema()));
        }
        this.sourceNames = repo.sources().stream().map(SourceSpec::name).toList();
        this.servingLatency = Timer.builder("freshet_serving_latency")
                .description("latency of feature requests answered 200 (/v1/features, /get-online-features)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(1)).register(metrics);
        this.ingestLatency = Timer.builder("freshet_ingest_latency")
                .description("ingest request latency until the events are durable (every accepted request)")
                .publishPercentileHistogram().register(metrics);
        this.ingestAppliedLatency = Timer.builder("freshet_ingest_applied_latency")
                .description("ingest request latency until the events are visible to reads (?wait=applied requests)")
                .publishPercentileHistogram().register(metrics);
        // counters with a fixed label set are exported from the start, at 0, so alerts on them find them
        this.unauthorized = Counter.builder("freshet_http_unauthorized_total")
                .description("requests refused with 401: bearer token missing or wrong").register(metrics);
        for (String reason : REJECT_REASONS) {
            rejectedRequests.put(reason, Counter.builder(REJECTED_REQUESTS).description("ingest requests not answered 200, by reason")
                    .tag("reason", reason).register(metrics));
        }
        for (SourceSpec s : repo.sources()) {
            if (s.sourceKind() == SourceKind.STREAM) {
                ingestedEvents.put(s.name(), Counter.builder("freshet_ingest_events_total")
                        .description("events accepted into the log (durable), per source").tag("source", s.name()).register(metrics));
                REJECTED_EVENT_REASONS.forEach(reason -> rejectedEvents(s.name(), reason));
            }
        }
        SERVING_ERROR_STATUSES.forEach(this::servingErrors);
        this.gauges = engine.gauges();
        gauges.keySet().forEach(name -> Gauge.builder("freshet_" + name, this, s -> s.gauges.getOrDefault(name, Double.NaN))
                .description(ServingEngine.GAUGE_DESCRIPTIONS.getOrDefault(name, "engine figure " + name)).register(metrics));
        this.drops = engine.droppedEvents();
        drops.forEach((source, reasons) -> reasons.keySet().forEach(reason ->
                FunctionCounter.builder("freshet_dropped_events", this,
                                s -> s.drops.getOrDefault(source, Map.of()).getOrDefault(reason, 0L))
                        .description("events accepted into the log but dropped by the engine (kept as dead letters)")
                        .tag("source", source).tag("reason", reason).register(metrics)));
        int loops = options.effectiveEventLoops();
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        // One HTTP server per event loop, all on one port, deployed as one verticle deployment:
        // Vert.x binds the socket once and hands accepted connections to the servers round-robin
        // (a negative port asks Vert.x for one free port shared by the instances, which port 0
        // would not be). A single server created outside a verticle would run every connection on
        // one event loop.
        int port = options.port() == 0 ? -1 : options.port();
        List<HttpServer> servers = new CopyOnWriteArrayList<>();
        AtomicInteger instances = new AtomicInteger();
        try {
            vertx.deployVerticle(() -> new VerticleBase() {
                @Override
                public Future<?> start() {
                    Router router = router();
                    // requests per event loop: shows how evenly connections spread over the loops
                    Counter requests = Counter.builder("freshet_http_requests_total").description("HTTP requests received, per event loop")
                            .tag("event_loop", Integer.toString(instances.getAndIncrement())).register(metrics);
                    HttpServer s = vertx.createHttpServer(serverOptions(port)).requestHandler(req -> {
                                requests.increment();
                                router.handle(req);
                            });
                    return s.listen().onSuccess(servers::add);
                }
            }, new DeploymentOptions().setInstances(loops)).toCompletionStage().toCompletableFuture().join();
            if (servers.stream().map(HttpServer::actualPort).distinct().count() != 1) {
                throw new IllegalStateException("HTTP servers bound different ports: "
                        + servers.stream().map(HttpServer::actualPort).toList());
            }
        } catch (RuntimeException e) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
            throw e;
        }
        this.server = servers.getFirst();
        this.servers = List.copyOf(servers);
        this.eventLoops = loops;
    }

    /**
     * HTTP/1.1 only, tuned for small JSON requests: no response compression; no WebSocket
     * compression (its extension handler otherwise sits in every connection's pipeline and looks at
     * every request and response); no cleartext HTTP/2 upgrade; and strict thread mode, which
     * Vert.x allows when every request and response is touched only on its event loop — true
     * here: handlers answer synchronously or via {@code context.runOnContext}. Public so that the
     * benchmarks' do-nothing floor server ({@code HttpFrameworkComparison}) runs with the same options.
     */
    public static HttpServerOptions serverOptions(int port) {
        return new HttpServerOptions().setPort(port).setHost("0.0.0.0").setTcpNoDelay(true)
                .setCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false)
                .setPerMessageWebSocketCompressionSupported(false)
                .setHttp2ClearTextEnabled(false)
                .setStrictThreadMode(true);
    }

    /** The number of event loops (HTTP server instances sharing the port). */
    public int eventLoops() {
        return eventLoops;
    }

    /** Starts the server; {@link #port()} tells the bound port. */
    public static FreshetHttpServer start(ServingEngine engine, FeatureRepository repo, ServerOptions options, InstantSource clock) {
        return new FreshetHttpServer(engine, repo, options, clock, null);
    }

    /** Starts the server with the training-set endpoints served by {@code trainingSets}. */
    public static FreshetHttpServer start(ServingEngine engine, FeatureRepository repo, ServerOptions options, InstantSource clock,
                                          TrainingSetJobs trainingSets) {
        return new FreshetHttpServer(engine, repo, options, clock, trainingSets);
    }

    public int port() {
        return server.actualPort();
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    private Router router() {
        Router r = Router.router(vertx);
        BodyBytes body = new BodyBytes(options.maxBodyBytes());
        r.get("/health").handler(ctx -> {
            Optional<String> failure = engine.failure();
            if (failure.isPresent()) { // alive but useless: a restart recovers from the checkpoint and the log
                Problems.send(ctx, 503, Problems.title(503), "the engine stopped after a failure: " + failure.get(), null);
            } else {
                json(ctx, 200, "{\"status\":\"UP\"}");
            }
        });
        r.get("/ready").handler(ctx -> {
            Optional<String> failure = engine.failure();
            if (engine.isReady()) {
                json(ctx, 200, "{\"status\":\"READY\"}");
            } else {
                Problems.send(ctx, 503, Problems.title(503), failure.isPresent() ? "the engine stopped after a failure: "
                        + failure.get() : "restoring state and replaying the log", null);
            }
        });
        r.get("/metrics").handler(ctx -> {
            gauges = engine.gauges();
            drops = engine.droppedEvents();
            ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
        });
        // authorized before the body is read: a client without the token gets 401, not a buffered body or a 413
        r.post("/v1/sources/:source/events").handler(ctx -> authorize(ctx, true)).handler(body).handler(this::ingest)
                .failureHandler(ctx -> { // e.g. 413 from BodyBytes; the router's failure handler answers
                    countRejected(ctx.statusCode() == 413 ? "body_too_large" : "error");
                    ctx.next();
                });
        // every error answer of a feature request is counted, 413 from BodyBytes and 500s included
        r.post("/v1/features").handler(body).handler(ctx -> features(ctx, false)).failureHandler(this::servingFailure);
        r.post("/get-online-features").handler(body).handler(ctx -> features(ctx, true)).failureHandler(this::servingFailure);
        if (trainingSets != null) {
            r.post("/v1/training-sets").handler(ctx -> authorize(ctx, false)).handler(body).handler(this::submitTrainingSet);
            r.get("/v1/training-sets/:id").handler(ctx -> authorize(ctx, false)).handler(this::trainingSetStatus);
        }
        r.get("/v1/dead-letters").handler(ctx -> authorize(ctx, false)).handler(new DeadLettersEndpoint(engine, vertx, sourceNames));
        r.route().last().handler(ctx -> {
            String allowed = allowedMethods(r, ctx.request().path());
            if (!allowed.isEmpty()) { // a known path asked with another method
                ctx.response().putHeader("Allow", allowed);
                Problems.send(ctx, 405, Problems.title(405), "method " + ctx.request().method() + " not allowed on "
                        + ctx.request().path() + "; allowed: " + allowed, null);
                return;
            }
            Problems.send(ctx, 404, Problems.title(404), "no endpoint " + ctx.request().method() + " " + ctx.request().path()
                    + "; see POST /v1/sources/{source}/events, POST /v1/features, POST /get-online-features, POST /v1/training-sets, GET /v1/dead-letters, GET /health, /ready, /metrics",
                    null);
        });
        r.route().failureHandler(ctx -> {
            int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
            String detail = switch (status) {
                case 413 -> "request body larger than " + options.maxBodyBytes() + " bytes";
                default -> ctx.failure() == null ? Problems.title(status) : String.valueOf(ctx.failure().getMessage());
            };
            Problems.send(ctx, status, Problems.title(status), detail, null);
        });
        return r;
    }

    /**
     * The methods (comma-separated) of {@code router}'s routes whose path matches {@code path}, a
     * {@code :name} segment matching any segment; empty if none does.
     */
    private static String allowedMethods(Router router, String path) {
        String[] segments = path.split("/");
        return router.getRoutes().stream()
                .filter(route -> route.getPath() != null && route.methods() != null && pathMatches(route.getPath().split("/"), segments))
                .map(Route::methods).flatMap(Set::stream).map(HttpMethod::name).distinct().sorted()
                .collect(Collectors.joining(", "));
    }

    private static boolean pathMatches(String[] pattern, String[] segments) {
        if (pattern.length != segments.length) {
            return false;
        }
        for (int i = 0; i < pattern.length; i++) {
            boolean param = pattern[i].startsWith(":") && !segments[i].isEmpty();
            if (!param && !pattern[i].equals(segments[i])) {
                return false;
            }
        }
        return true;
    }

    /** Requires the bearer token if one is configured; {@code ingest}: a refusal also counts as a rejected ingest request. */
    private void authorize(RoutingContext ctx, boolean ingest) {
        if (token != null) {
            String h = ctx.request().getHeader("Authorization");
            if (h == null || !bearerMatches(h)) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"freshet\"");
                unauthorized.increment();
                if (ingest) {
                    countRejected("unauthorized");
                }
                Problems.send(ctx, 401, Problems.title(401), h == null ? "missing Authorization: Bearer <token>" : "invalid bearer token", null);
                return;
            }
        }
        ctx.next();
    }

    /**
     * {@code Bearer <token>} with the scheme in any case (RFC 9110 §11.1) and the token compared in
     * constant time. Header values arrive as ISO-8859-1; the token is ASCII ({@link ServerOptions}).
     */
    private boolean bearerMatches(String header) {
        String h = header.trim();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token, h.substring(7).trim().getBytes(StandardCharsets.ISO_8859_1));
    }

    private void ingest(RoutingContext ctx) {
        long start = System.nanoTime();
        String wait = ctx.request().getParam("wait");
        if (wait != null && !wait.equals("applied")) {
            countRejected("bad_parameter");
            Problems.send(ctx, new Problems.BadParameter("wait", "wait must be 'applied' (answer once the events are visible"
                    + " to reads) or absent (answer once they are durable), got '" + wait + "'"));
            return;
        }
        String source = ctx.pathParam("source");
        SourceSpec spec = repo.source(source).orElse(null);
        if (spec == null) {
            rejectIngest(ctx, 404, "unknown_source", "unknown source '" + source + "'; sources: " + sourceNames);
            return;
        }
        if (spec.sourceKind() != SourceKind.STREAM) {
            rejectIngest(ctx, 400, "batch_source", "source '" + source + "' is a batch source; load it with `freshet materialize`");
            return;
        }
        String type = ctx.request().getHeader("Content-Type");
        String mime = type == null ? "" : (type.indexOf(';') < 0 ? type : type.substring(0, type.indexOf(';'))).trim().toLowerCase(Locale.ROOT);
        if (!mime.equals("application/json") && !mime.equals("application/x-ndjson") && !mime.equals("application/jsonl")) {
            rejectIngest(ctx, 415, "unsupported_media_type", "Content-Type must be application/json (an array of events) or "
                    + "application/x-ndjson (one event per line), got '" + (type == null ? "" : type) + "'");
            return;
        }
        byte[] body = BodyBytes.of(ctx);
        EventParser parser = parsers.get(source);
        EventBatch batch = new EventBatch(spec.schema(), parser.expectedEvents(body.length, options.maxEventsPerRequest()));
        EventParser.Result result;
        try {
            result = parser.parse(body, batch, options.maxEventsPerRequest());
        } catch (MalformedRequestException e) {
            rejectIngest(ctx, 400, "malformed", e.describe());
            return;
        } catch (TooManyEventsException e) {
            rejectIngest(ctx, 413, "too_many_events", e.getMessage());
            return;
        }
        if (batch.size() == 0) {
            countRejected(result.events() == 0 ? "no_events" : "all_invalid");
            ObjectNode p = report(result, -1, -1, false);
            p.put("type", "about:blank").put("title", "Bad Request").put("status", 400)
                    .put("detail", result.events() == 0 ? "no events in the request: send a JSON array of event objects or NDJSON"
                            + " (one object per line)" : "every event was rejected; see 'rejected'")
                    .put("instance", ctx.request().path());
            ctx.response().setStatusCode(400).putHeader("Content-Type", "application/problem+json").end(p.toString());
            return;
        }
        boolean waitApplied = wait != null;
        Context context = vertx.getOrCreateContext();
        engine.append(source, batch).whenComplete((range, err) -> context.runOnContext(v -> {
            if (err != null) {
                Throwable cause = err.getCause() != null ? err.getCause() : err;
                if (engine.isOverload(cause)) {
                    ctx.response().putHeader("Retry-After", "1");
                    rejectIngest(ctx, 429, "overloaded", "ingest queue is full; retry after 1 s: " + cause.getMessage());
                } else {
                    rejectIngest(ctx, 503, "unavailable", "could not make the events durable: " + cause.getMessage());
                }
                return;
            }
            ingestedEvents.get(source).increment(batch.size());
            for (RejectedEvent rej : result.rejected()) { // invalid events of an accepted request, counted once
                rejectedEvents(source, reasonTag(rej.reason())).increment();
            }
            ingestLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (!waitApplied) {
                json(ctx, 200, report(result, range[0], range[1], false).toString());
                return;
            }
            engine.awaitApplied(source, range[1]).whenComplete((ok, err2) -> context.runOnContext(v2 -> {
                if (err2 != null) {
                    rejectIngest(ctx, 503, "unavailable", "events are durable but not yet applied: " + err2.getMessage());
                } else {
                    ingestAppliedLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS); // visible: successes only
                    json(ctx, 200, report(result, range[0], range[1], true).toString());
                }
            }));
        }));
    }

    private void countRejected(String reason) {
        rejectedRequests.get(reason).increment();
    }

    private Counter rejectedEvents(String source, String reason) {
        return Counter.builder("freshet_ingest_rejected_events_total")
                .description("invalid events of accepted ingest requests (left out, the others made durable), per source and reason")
                .tag("source", source).tag("reason", reason).register(metrics);
    }

    /** Answers an ingest request with a problem document and counts it under {@code reason}. */
    private void rejectIngest(RoutingContext ctx, int status, String reason, String detail) {
        countRejected(reason);
        Problems.send(ctx, status, Problems.title(status), detail, null);
    }

    private static String reasonTag(String reason) {
        if (reason.startsWith("missing")) {
            return "missing_field";
        } else if (reason.startsWith("unknown field")) {
            return "unknown_field";
        } else if (reason.startsWith("expected") || reason.contains("must be")) {
            return "wrong_type";
        } else if (reason.contains("null")) {
            return "null_field";
        } else if (reason.contains("range") || reason.contains("timestamp")) {
            return "bad_value";
        }
        return "invalid";
    }

    private static ObjectNode report(EventParser.Result result, long first, long end, boolean applied) {
        ObjectNode o = Problems.JSON.createObjectNode();
        o.put("accepted", result.accepted());
        ArrayNode rejected = o.putArray("rejected");
        for (RejectedEvent r : result.rejected()) {
            ObjectNode e = rejected.addObject();
            e.put("index", r.index());
            if (r.field() != null) {
                e.put("field", r.field());
            }
            e.put("reason", r.reason());
        }
        if (first >= 0) {
            o.put("first_offset", first).put("end_offset", end).put("applied", applied);
        }
        return o;
    }

    private void features(RoutingContext ctx, boolean feast) {
        long start = System.nanoTime();
        byte[] body = BodyBytes.of(ctx);
        if (!engine.isReady()) {
            countServingError(503);
            ctx.response().putHeader("Retry-After", "1");
            Problems.send(ctx, 503, Problems.title(503), "restoring state and replaying the log; reads would be incomplete", null);
            return;
        }
        try {
            long now = clock.millis();
            byte[] out = feast ? api.feast(body, now) : api.features(body, now);
            ctx.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(out));
            servingLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        } catch (RequestException e) {
            countServingError(e.status());
            Problems.send(ctx, e.status(), Problems.title(e.status()), e.getMessage(), e.pointer());
        }
    }

    /** Counts a feature request that failed before or outside its handler's answers (413, 500, ...); the router answers it. */
    private void servingFailure(RoutingContext ctx) {
        countServingError(ctx.statusCode() > 0 ? ctx.statusCode() : 500);
        ctx.next();
    }

    private void countServingError(int status) {
        servingErrors(status).increment();
    }

    private Counter servingErrors(int status) {
        return Counter.builder("freshet_serving_errors_total")
                .description("feature requests (/v1/features, /get-online-features) answered with an error, by status")
                .tag("status", Integer.toString(status)).register(metrics);
    }

    private void submitTrainingSet(RoutingContext ctx) {
        byte[] body = BodyBytes.of(ctx);
        // submitting checks the spine file on disk and resolves the features: off the event loop
        vertx.executeBlocking(() -> trainingSets.submit(body)).onComplete(ar -> {
            if (ar.succeeded()) {
                TrainingSetJobs.Submitted job = ar.result();
                ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
                        .putHeader("Location", "/v1/training-sets/" + job.id()).end(Buffer.buffer(job.status()));
            } else if (ar.cause() instanceof RequestException e) {
                if (e.status() == 429) {
                    ctx.response().putHeader("Retry-After", Integer.toString(TrainingSetJobs.RETRY_AFTER_SECONDS));
                }
                Problems.send(ctx, e.status(), Problems.title(e.status()), e.getMessage(), e.pointer());
            } else {
                ctx.fail(ar.cause());
            }
        });
    }

    private void trainingSetStatus(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        byte[] status = trainingSets.status(id);
        if (status == null) {
            Problems.send(ctx, 404, Problems.title(404), "no training-set job '" + id + "'", null);
        } else {
            ctx.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(status));
        }
    }

    static void json(RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO).join();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /**
     * Stops accepting connections and lets the requests in flight finish, for at most {@code grace}
     * (then their connections are closed); completes when every connection is closed. A server
     * stopping for good calls this first, then drains the engine (which answers in-flight
     * {@code ?wait=applied} requests), then waits for this: closing at once would cut requests
     * whose events are already durable, and their clients would send them again.
     */
    public CompletableFuture<Void> shutdown(Duration grace) {
        return Future.all(servers.stream().map(s -> s.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS)).toList())
                .<Void>mapEmpty().toCompletionStage().toCompletableFuture();
    }
}
