package dev.freshet.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.app.bench.HttpLoad;
import dev.freshet.app.demo.TransactionGenerator;
import dev.freshet.app.server.EngineAdapter;
import dev.freshet.engine.embedded.EmbeddedEngine;
import dev.freshet.engine.embedded.EngineOptions;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.expr.ExpressionCompiler;
import dev.freshet.model.yaml.RepositoryLoader;
import dev.freshet.serving.features.FeatureApi;
import dev.freshet.serving.features.FeaturePlanner;
import dev.freshet.serving.features.FeatureRetriever;
import dev.freshet.serving.features.RequestException;
import dev.freshet.serving.http.FreshetHttpServer;
import dev.freshet.serving.http.ServerOptions;
import dev.freshet.storage.memory.MemoryStorage;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * Vert.x 5 vs Helidon 4 (virtual threads) on the serving benchmark: the same engine (100,000 preloaded
 * fraud events over 10,000 cards), the same framework-independent {@link FeatureApi} and the same load
 * generator ({@link HttpLoad}); only the HTTP server differs. {@code floor} is a third server: Vert.x
 * answering every request with one fixed, real response and doing no feature work — what the HTTP
 * path, the kernel and the generator alone cost on this machine.
 *
 * <p>Each server runs in its own JVM (this class with {@code serve vertx|helidon}), started fresh for
 * every measurement and optionally pinned to its own CPUs; this JVM is the load generator. Per
 * framework and repetition: a warm-up (fixed rate, then closed loop), then each offered rate open-loop
 * (latency from the due time), then the closed-loop maximum with 64 requests in flight. Around every
 * phase the server process's and this process's CPU time are read, giving CPU per request on each
 * side. Frameworks alternate their order across repetitions (A B, B A, A B, ...) so drift on a
 * shared machine hits both alike; the summary reports medians over repetitions. Prints one JSON line
 * per run, then a Markdown table of the medians.
 *
 * <pre>
 * taskset -c 0 java -Xms2g -Xmx2g -XX:+UseParallelGC -XX:+AlwaysPreTouch -cp freshet-bench/target/benchmarks.jar \
 *     dev.freshet.bench.HttpFrameworkComparison [--reps 3] [--rates 2000,5000,10000,20000,30000] [--seconds 8] \
 *     [--warmup 8] [--server-cpus 1] [--server-jvm "-Xms2g -Xmx2g -XX:+UseParallelGC -XX:+AlwaysPreTouch"] \
 *     [--frameworks vertx,helidon,floor]
 * </pre>
 *
 * The working directory must be the repository root ({@code examples/fraud} is loaded from it). Three
 * repetitions with the defaults take about 8 minutes; results and reading in docs/BENCHMARKS.md.
 */
public final class HttpFrameworkComparison {
    private static final String PATH = "/v1/features";
    private static final String JSON = "application/json";
    private static final int CARDS = 10_000;
    private static final int IN_FLIGHT = 64;
    /** Card ids as the preload names them (the generator's other parameters do not change the names). */
    private static final TransactionGenerator CARD_NAMES = new TransactionGenerator(CARDS, 2_000, 5);
    /** Pre-touched heap: first-touch page faults otherwise lengthen the first young collections to 10–28 ms. */
    private static final String DEFAULT_JVM = "-Xms2g -Xmx2g -XX:+UseParallelGC -XX:+AlwaysPreTouch";

    private HttpFrameworkComparison() {
    }

    /** One measured phase: an offered rate ({@code rate > 0}) or the closed-loop maximum ({@code rate == 0}). */
    record Phase(int rate, long completed, long errors, double rps, double p50, double p99, double p999, double max,
                 double serverCpuMicrosPerRequest, double serverCpuShare, double loadCpuMicrosPerRequest, double loadCpuShare) {
        String name() {
            return rate == 0 ? "max" : Integer.toString(rate);
        }
    }

    record Options(int reps, int[] rates, double seconds, double warmup, String serverCpus, List<String> serverJvm,
                   List<String> frameworks) {
        static Options parse(String[] args) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
                }
                m.put(args[i].substring(2), args[i + 1]);
            }
            Options o = new Options(Integer.parseInt(m.getOrDefault("reps", "3")),
                    Arrays.stream(m.getOrDefault("rates", "2000,5000,10000,20000,30000").split(",")).mapToInt(Integer::parseInt).toArray(),
                    Double.parseDouble(m.getOrDefault("seconds", "8")), Double.parseDouble(m.getOrDefault("warmup", "8")),
                    m.getOrDefault("server-cpus", ""),
                    List.of(m.getOrDefault("server-jvm", DEFAULT_JVM).trim().split("\\s+")),
                    List.of(m.getOrDefault("frameworks", "vertx,helidon").split(",")));
            m.keySet().removeAll(List.of("reps", "rates", "seconds", "warmup", "server-cpus", "server-jvm", "frameworks"));
            if (!m.isEmpty()) {
                throw new IllegalArgumentException("unknown options " + m.keySet());
            }
            return o;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("serve")) {
            serve(args[1]);
        } else {
            compare(Options.parse(args));
        }
    }

    // ---- server side: one JVM per framework and repetition ----

    private static void serve(String framework) throws Exception {
        FeatureRepository repo = RepositoryLoader.load(Path.of("examples/fraud")).repositoryOrThrow();
        Clock clock = Clock.systemUTC();
        try (MemoryStorage storage = new MemoryStorage();
             // No periodic checkpoint: encoding the preloaded state (once, 30 s after start by default)
             // stalled reads by tens of ms on the server's one core, in whichever phase ran then.
             EmbeddedEngine engine = EmbeddedEngine.start(repo, storage,
                     EngineOptions.defaults().withCheckpointInterval(Duration.ofDays(1)), clock)) {
            FraudPreload.load(engine, repo, CARDS, clock);
            EngineAdapter adapter = new EngineAdapter(engine);
            ServerOptions options = ServerOptions.defaults(0);
            int port;
            Runnable stop;
            switch (framework) {
                case "vertx" -> {
                    FreshetHttpServer server = FreshetHttpServer.start(adapter, repo, options, clock);
                    port = server.port();
                    stop = server::close;
                }
                case "helidon" -> {
                    WebServer server = helidon(new FeatureApi(new FeaturePlanner(repo, adapter, new ExpressionCompiler()),
                            new FeatureRetriever(adapter), options.maxEntities()), clock);
                    port = server.port();
                    stop = server::stop;
                }
                case "floor" -> {
                    FeatureApi api = new FeatureApi(new FeaturePlanner(repo, adapter, new ExpressionCompiler()),
                            new FeatureRetriever(adapter), options.maxEntities());
                    Floor floor = floor(api.features(readBody(0), clock.millis()), options.effectiveEventLoops());
                    port = floor.port();
                    stop = () -> floor.vertx().close().await();
                }
                default -> throw new IllegalArgumentException("unknown framework '" + framework + "' (vertx, helidon or floor)");
            }
            System.out.println("PORT " + port);
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent closes our stdin
            }
            stop.run();
        }
    }

    /** A started floor server: its Vert.x instance and the port its servers share. */
    private record Floor(Vertx vertx, int port) {
    }

    /**
     * The serving floor: what the Vert.x HTTP path, the kernel and the load generator cost on this
     * machine with no feature work at all. The same event loops and server options as
     * FreshetHttpServer, one server per loop on a shared port; every request's body is read and
     * answered with the same bytes, a real {@code fraud_model_v1} response computed once at start.
     * No router, no parsing, no reads, no metrics: a lower bound for any server on this stack.
     */
    private static Floor floor(byte[] answer, int loops) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        AtomicInteger port = new AtomicInteger(); // every instance binds the same shared port
        vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                return vertx.createHttpServer(FreshetHttpServer.serverOptions(-1))
                        .requestHandler(req -> req.body().onSuccess(b -> req.response()
                                .putHeader("Content-Type", JSON).end(Buffer.buffer(answer))))
                        .listen().onSuccess(s -> port.set(s.actualPort()));
            }
        }, new DeploymentOptions().setInstances(loops)).await();
        return new Floor(vertx, port.get());
    }

    /**
     * The feature endpoint on Helidon's WebServer in its default model (each request handled on a
     * virtual thread, blocking style), doing what FreshetHttpServer's handler does: read the body,
     * answer through FeatureApi, record the latency timer, map request errors to their status.
     */
    private static WebServer helidon(FeatureApi api, Clock clock) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Timer latency = Timer.builder("freshet_serving_latency").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(1)).register(metrics);
        return WebServer.builder().port(0)
                .routing(HttpRouting.builder().post(PATH, (req, res) -> {
                    long start = System.nanoTime();
                    byte[] body = req.content().as(byte[].class);
                    try {
                        byte[] out = api.features(body, clock.millis());
                        res.header(HeaderNames.CONTENT_TYPE, JSON);
                        res.send(out);
                        latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    } catch (RequestException e) {
                        res.status(Status.create(e.status()));
                        res.header(HeaderNames.CONTENT_TYPE, "application/problem+json");
                        res.send(new ObjectMapper().createObjectNode().put("status", e.status()).put("detail", e.getMessage())
                                .toString().getBytes(StandardCharsets.UTF_8));
                    }
                }))
                .build().start();
    }

    // ---- load side: this JVM ----

    private static void compare(Options o) throws Exception {
        Buffer[] reads = new Buffer[1024];
        for (int i = 0; i < reads.length; i++) {
            reads[i] = Buffer.buffer(readBody(i));
        }
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version());
        env.put("load_cpus", Runtime.getRuntime().availableProcessors());
        env.put("server_cpus", o.serverCpus().isEmpty() ? "unpinned" : o.serverCpus());
        env.put("server_jvm", String.join(" ", o.serverJvm()));
        env.put("seconds_per_phase", o.seconds());
        System.out.println(new ObjectMapper().writeValueAsString(env));
        Map<String, List<List<Phase>>> runs = new LinkedHashMap<>();
        for (int rep = 0; rep < o.reps(); rep++) {
            List<String> order = new ArrayList<>(o.frameworks());
            if (rep % 2 == 1) {
                order = order.reversed();
            }
            for (String framework : order) {
                List<Phase> phases = run(framework, o, reads);
                runs.computeIfAbsent(framework, k -> new ArrayList<>()).add(phases);
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("server", framework);
                line.put("rep", rep + 1);
                line.put("phases", phases);
                System.out.println(new ObjectMapper().writeValueAsString(line));
                System.out.flush();
            }
        }
        System.out.println();
        System.out.println("medians over " + o.reps() + " repetitions; offered rate `max` = closed loop, " + IN_FLIGHT + " in flight");
        System.out.println();
        System.out.println("| server | offered req/s | achieved req/s | p50 ms | p99 ms | p99.9 ms | server CPU µs/req | server CPU share | load CPU share | errors |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (var e : runs.entrySet()) {
            List<List<Phase>> reps = e.getValue();
            for (int p = 0; p < reps.getFirst().size(); p++) {
                int at = p;
                List<Phase> same = reps.stream().map(r -> r.get(at)).toList();
                System.out.printf("| %s | %s | %,.0f | %.3f | %.3f | %.3f | %.1f | %.2f | %.2f | %d |%n", e.getKey(), same.getFirst().name(),
                        median(same, Phase::rps), median(same, Phase::p50), median(same, Phase::p99), median(same, Phase::p999),
                        median(same, Phase::serverCpuMicrosPerRequest), median(same, Phase::serverCpuShare),
                        median(same, Phase::loadCpuShare), same.stream().mapToLong(Phase::errors).sum());
            }
        }
    }

    /** The i-th serving request's body: one card and the {@code fraud_model_v1} service. */
    private static byte[] readBody(int i) {
        return ("{\"feature_service\":\"fraud_model_v1\",\"entities\":[{\"card_id\":\"" + CARD_NAMES.card((i * 7919) % CARDS)
                + "\",\"lat\":40.7,\"lon\":-74.0}]}").getBytes(StandardCharsets.UTF_8);
    }

    private static List<Phase> run(String framework, Options o, Buffer[] reads) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (!o.serverCpus().isEmpty()) {
            cmd.addAll(List.of("taskset", "-c", o.serverCpus()));
        }
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(o.serverJvm());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), HttpFrameworkComparison.class.getName(), "serve", framework));
        Path log = Files.createTempFile("freshet-http-" + framework + "-", ".log");
        Process server = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("PORT ")) {
                // skip anything the server prints before its port
            }
            if (line == null) {
                throw new IllegalStateException(framework + " server exited before listening; see " + log);
            }
            int port = Integer.parseInt(line.substring(5).trim());
            List<Phase> phases = new ArrayList<>();
            try (HttpLoad load = new HttpLoad(port, IN_FLIGHT)) {
                load.fixedRate(PATH, i -> reads[i % reads.length], 5000, o.warmup(), JSON);
                load.maxRate(PATH, i -> reads[i % reads.length], IN_FLIGHT, o.warmup(), JSON);
                for (int rate : o.rates()) {
                    phases.add(measure(server.toHandle(), rate,
                            () -> load.fixedRate(PATH, i -> reads[i % reads.length], rate, o.seconds(), JSON)));
                }
                phases.add(measure(server.toHandle(), 0, () -> load.maxRate(PATH, i -> reads[i % reads.length], IN_FLIGHT, o.seconds(), JSON)));
            }
            server.getOutputStream().close();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
            Files.deleteIfExists(log);
            return phases;
        } finally {
            server.destroyForcibly();
        }
    }

    private interface LoadRun {
        HttpLoad.Result run() throws InterruptedException;
    }

    private static Phase measure(ProcessHandle server, int rate, LoadRun body) throws InterruptedException {
        Thread.sleep(500); // let the previous phase's garbage and sockets settle
        long s0 = cpuNanos(server);
        long l0 = cpuNanos(ProcessHandle.current());
        long t0 = System.nanoTime();
        HttpLoad.Result r = body.run();
        long wall = System.nanoTime() - t0;
        long serverCpu = cpuNanos(server) - s0;
        long loadCpu = cpuNanos(ProcessHandle.current()) - l0;
        long n = Math.max(1, r.completed());
        return new Phase(rate, r.completed(), r.errors(), round(r.rps(), 0), round(r.percentileMillis(50), 3),
                round(r.percentileMillis(99), 3), round(r.percentileMillis(99.9), 3), round(r.percentileMillis(100), 3),
                round(serverCpu / 1e3 / n, 2), round((double) serverCpu / wall, 3),
                round(loadCpu / 1e3 / n, 2), round((double) loadCpu / wall, 3));
    }

    /** User + system CPU time of all the process's threads (Linux: /proc/&lt;pid&gt;/stat, 10 ms ticks). */
    private static long cpuNanos(ProcessHandle p) {
        return p.info().totalCpuDuration().map(Duration::toNanos)
                .orElseThrow(() -> new IllegalStateException("no CPU time for process " + p.pid()));
    }

    private static double median(List<Phase> phases, ToDoubleFunction<Phase> f) {
        double[] v = phases.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double round(double v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }
}
