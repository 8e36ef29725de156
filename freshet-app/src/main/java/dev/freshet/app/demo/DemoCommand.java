package dev.freshet.app.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.app.FileTrees;
import dev.freshet.app.GracefulShutdown;
import dev.freshet.app.cli.RepositoryOptions;
import dev.freshet.app.server.ServeCommand;
import dev.freshet.model.FeatureRepository;
import dev.freshet.serving.http.ServerOptions;
import dev.freshet.storage.StorageException;
import dev.freshet.storage.rocksdb.FsyncPolicy;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code freshet demo}: the fraud-detection demo on the embedded default. Starts the server with
 * {@code examples/fraud}, streams generated card transactions (with bursts, impossible travel and
 * unusual amounts) into it over HTTP, and shows live throughput, freshness, serving latency and a
 * few feature vectors.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Fraud-detection demo: embedded server + generated transactions over HTTP + live feature vectors.",
                "Ends after --duration or on Ctrl-C."})
public final class DemoCommand implements Callable<Integer> {
    /** Default rate and card population: many cards at a low rate each (~6 transactions per card in 5 minutes), so a burst stands out. */
    static final int DEFAULT_RATE = 20_000;
    static final int DEFAULT_CARDS = 100_000;
    /** The longest --duration (100 years): anything longer is a usage error, not an overflow once running. */
    static final Duration MAX_DURATION = Duration.ofDays(36_525);

    @Option(names = "--repo", defaultValue = "examples/fraud", description = "Feature repository (default: ${DEFAULT-VALUE}).")
    Path repo;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--duration", defaultValue = "30s", description = "How long to run, e.g. 30s, 5m (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--rate", defaultValue = "" + DEFAULT_RATE, description = "Target transactions per second, 1 or more (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--cards", defaultValue = "" + DEFAULT_CARDS, description = "Card population, 1 or more (default: ${DEFAULT-VALUE}).")
    int cards;

    @Option(names = "--data", description = "Data directory (default: a fresh temporary directory).")
    Path data;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // flags first: usage errors (exit 2) before anything starts
        Duration runFor = dev.freshet.model.Durations.parse(duration).filter(d -> !d.isNegative() && d.compareTo(MAX_DURATION) <= 0)
                .orElseThrow(() -> new ParameterException(spec.commandLine(),
                        "bad --duration " + duration + ": 0 to 100 years (" + MAX_DURATION.toDays() + "d), e.g. 30s, 5m"));
        if (rate < 1) {
            throw new ParameterException(spec.commandLine(), "bad --rate " + rate + ": 1 or more transactions per second");
        }
        if (cards < 1) {
            throw new ParameterException(spec.commandLine(), "bad --cards " + cards + ": 1 or more");
        }
        ServerOptions options;
        try {
            options = ServerOptions.defaults(port);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "bad --port: " + e.getMessage());
        }
        FeatureRepository r = RepositoryOptions.loadOrReport(repo, spec.commandLine().getErr());
        if (r == null) {
            return 1;
        }
        // Ctrl-C stops the load; the server then closes and the temporary data goes before the JVM exits
        try (GracefulShutdown shutdown = GracefulShutdown.install(Duration.ofMinutes(1))) {
            // a temporary directory unless --data names one to keep (a null resource is not closed)
            try (FileTrees.TempDir temp = data == null ? FileTrees.tempDir("freshet-demo-") : null;
                 ServeCommand.Running server = startOnFreePort(r, temp == null ? data : temp.path(), options)) {
                String base = "http://localhost:" + server.port();
                TransactionGenerator gen = generator(cards);
                TransactionGenerator.CardLocation example = gen.home(Math.min(1, cards - 1));
                out.printf("Freshet demo: serving %s at %s (data: %s%s)%n", repo, base, server.storage().dataDir(),
                        temp == null ? "" : ", removed at exit; --data DIR keeps it");
                out.printf("  try: curl -s %s/v1/features -H 'Content-Type: application/json' -d '%s'%n", base, featureBody(example));
                out.printf("  metrics: %s/metrics   health: %s/health%n%n", base, base);
                out.flush();
                run(base, gen, runFor, shutdown::isRequested, out);
            } catch (StorageException e) {
                // e.g. --data names a directory another server holds: a message, not a stack trace
                spec.commandLine().getErr().println("freshet demo: " + e.getMessage());
                return 1;
            }
            out.println("demo finished cleanly");
            out.flush();
        }
        return 0;
    }

    /**
     * Starts on --port, or on any free port when that one is taken (the URL is printed either way).
     * Any other failure (a locked data directory, a failed recovery) is not retried.
     */
    private ServeCommand.Running startOnFreePort(FeatureRepository r, Path dir, ServerOptions options) {
        try {
            return ServeCommand.Running.start(r, dir, options, FsyncPolicy.ALWAYS, Duration.ofSeconds(10), Clock.systemUTC());
        } catch (RuntimeException e) {
            if (port == 0 || ServeCommand.bindFailure(e).isEmpty()) {
                throw e;
            }
            spec.commandLine().getErr().println("port " + port + " is not available (" + e.getMessage() + "); using a free port");
            return ServeCommand.Running.start(r, dir, ServerOptions.defaults(0), FsyncPolicy.ALWAYS, Duration.ofSeconds(10), Clock.systemUTC());
        }
    }

    /** The demo's transaction stream for a card population. */
    static TransactionGenerator generator(int cards) {
        return new TransactionGenerator(cards, Math.max(100, Math.min(50_000, cards / 5)), 7);
    }

    private void run(String base, TransactionGenerator gen, Duration runFor, java.util.function.BooleanSupplier stop, PrintWriter out)
            throws Exception {
        ObjectMapper json = new ObjectMapper();
        SplittableRandom pick = new SplittableRandom(11);
        int batch = Math.max(1, rate / 50);
        long runNanos = saturatedNanos(runFor);
        long start = System.nanoTime();
        long next = start;
        long sent = 0;
        long windowStart = start;
        long windowEvents = 0;
        Histogram freshness = new Histogram(60_000_000, 3);
        Histogram serving = new Histogram(60_000_000, 3);
        int tick = 0;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            // elapsed time is compared, not an end instant: no overflow however long the run
            while (!stop.getAsBoolean() && System.nanoTime() - start < runNanos) {
                // ingest one batch; every 10th waits until applied, which measures accept-to-visible freshness
                boolean measure = tick % 10 == 0;
                byte[] body = gen.ndjson(batch, System.currentTimeMillis()); // built before the timer starts
                long t0 = System.nanoTime();
                HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/sources/transactions/events"
                                + (measure ? "?wait=applied" : ""))).header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (resp.statusCode() == 200) {
                    sent += batch;
                    windowEvents += batch;
                    if (measure) {
                        freshness.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                    }
                }
                // a feature read: the shown one is the card fraud was last injected into, the others a
                // random card; each asked from the card's home
                boolean show = System.nanoTime() - windowStart >= TimeUnit.SECONDS.toNanos(1);
                TransactionGenerator.CardLocation read = show ? gen.lastFraud().orElseGet(() -> gen.home(pick.nextInt(cards)))
                        : gen.home(pick.nextInt(cards));
                long s0 = System.nanoTime();
                HttpResponse<String> f = http.send(featureRequest(base, read), HttpResponse.BodyHandlers.ofString());
                serving.recordValue(Math.max(1, (System.nanoTime() - s0) / 1000));
                tick++;
                long now = System.nanoTime();
                if (show) {
                    double secs = (now - windowStart) / 1e9;
                    out.printf("%,9.0f events/s  total %,10d  freshness p99 %s (ingest+apply, HTTP)  serving p99 %s  fraud injected: bursts %d, travel %d, amounts %d%n",
                            windowEvents / secs, sent, p99(freshness), p99(serving),
                            gen.tally(TransactionGenerator.Kind.BURST), gen.tally(TransactionGenerator.Kind.IMPOSSIBLE_TRAVEL),
                            gen.tally(TransactionGenerator.Kind.UNUSUAL_AMOUNT));
                    if (f.statusCode() == 200) {
                        printVector(json.readTree(f.body()), out);
                    }
                    out.flush();
                    windowStart = now;
                    windowEvents = 0;
                    freshness.reset();
                    serving.reset();
                }
                next += TimeUnit.SECONDS.toNanos(1) * batch / rate;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // pacing the generator, not waiting for a condition
                }
            }
        }
    }

    /** {@code d} in nanoseconds, Long.MAX_VALUE when it does not fit. */
    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** A window's p99 in ms, or "n/a" when the window has no sample (an empty histogram is not 0 ms). */
    private static String p99(Histogram h) {
        return h.getTotalCount() == 0 ? "    n/a" : String.format(Locale.ROOT, "%6.2f ms", h.getValueAtPercentile(99) / 1000.0);
    }

    static String featureBody(TransactionGenerator.CardLocation at) {
        return String.format(Locale.ROOT, "{\"feature_service\":\"fraud_model_v1\",\"entities\":[{\"card_id\":\"%s\",\"lat\":%.5f,\"lon\":%.5f}]}",
                at.card(), at.lat(), at.lon());
    }

    private static HttpRequest featureRequest(String base, TransactionGenerator.CardLocation at) {
        return HttpRequest.newBuilder(URI.create(base + "/v1/features")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(featureBody(at))).build();
    }

    private static void printVector(JsonNode resp, PrintWriter out) {
        JsonNode names = resp.path("features");
        JsonNode row = resp.path("results").path(0);
        StringBuilder sb = new StringBuilder("    ").append(row.path("entity").path("card_id").asText()).append(": ");
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i).asText();
            sb.append(n.substring(n.indexOf(':') + 1)).append('=').append(row.path("values").get(i)).append(i + 1 < names.size() ? ", " : "");
        }
        out.println(sb);
    }
}
