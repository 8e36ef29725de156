package dev.freshet.app.cli;

import dev.freshet.app.FileTrees;
import dev.freshet.app.bench.HttpLoad;
import dev.freshet.app.bench.JitActivity;
import dev.freshet.app.bench.ProcessCost;
import dev.freshet.app.bench.ThreadCost;
import dev.freshet.app.demo.TransactionGenerator;
import dev.freshet.app.server.ServeCommand;
import dev.freshet.model.FeatureRepository;
import dev.freshet.serving.http.ServerOptions;
import dev.freshet.storage.rocksdb.FsyncPolicy;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code freshet bench serve}: the embedded server under load on loopback. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Start the embedded server in process and load it over loopback HTTP.",
                "Measures the batched JSON ingest rate, serving latency (1 entity x all fraud features, fixed offered"
                        + " rate, coordinated omission corrected), maximum serving rate, and freshness (ingest with"
                        + " wait=applied at half the maximum ingest rate). Prints progress, then one JSON object."})
public final class BenchServeCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    BenchHarnessOptions harness;

    @Option(names = "--cards", defaultValue = "10000", description = "Cards preloaded and read (default: ${DEFAULT-VALUE}).")
    int cards;

    @Option(names = "--rate", defaultValue = "20000", description = "Offered serving rate, requests/s (default: ${DEFAULT-VALUE}).")
    int rate;

    /** Connections of the freshness phases' generator: enough for every request due during a backlog of seconds. */
    static final int FRESHNESS_CONNECTIONS = 1024;

    @Option(names = "--seconds", defaultValue = "10", description = "Seconds per phase (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--batch", defaultValue = "1000", description = "Events per ingest request (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--fsync", defaultValue = "ALWAYS", description = "Log fsync policy (default: ${DEFAULT-VALUE}).")
    FsyncPolicy fsync;

    @Option(names = "--ingest-in-flight", defaultValue = "8",
            description = "Ingest requests kept in flight in the ingest phase (closed loop; default: ${DEFAULT-VALUE}).")
    int ingestInFlight;

    @Option(names = "--freshness-rate", defaultValue = "0",
            description = "Events/s offered in the freshness phase; 0 = half the acknowledged ingest rate measured (default: ${DEFAULT-VALUE}).")
    int freshnessRate;

    @Option(names = "--freshness-batch", defaultValue = "100",
            description = "Events per ingest request in the freshness phase: a live producer sends what it has, and a"
                    + " batch is visible only once all of it is applied (default: ${DEFAULT-VALUE}).")
    int freshnessBatch;

    @Option(names = "--warmup-max-steps", defaultValue = "10",
            description = "Most 2-second warm-up steps per path; warm-up ends sooner once the JIT settles (default: ${DEFAULT-VALUE}).")
    int warmupMaxSteps;

    @Option(names = "--event-loops", defaultValue = "0",
            description = "Server HTTP event loops; 0 = one per available processor (default: ${DEFAULT-VALUE}).")
    int eventLoops;

    @Override
    public Integer call() throws Exception {
        var log = harness.progressWriter();
        FeatureRepository r = harness.repository();
        if (r == null) {
            return 1;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "serve");
        ServerOptions options = new ServerOptions(0, null, 64 << 20, 100_000, 1_000, eventLoops);
        try (FileTrees.TempDir data = FileTrees.tempDir("freshet-bench-serve-"); // a run writes hundreds of MB of log
             ServeCommand.Running server = ServeCommand.Running.start(r, data.path(), options, fsync, Duration.ofMinutes(5), Clock.systemUTC());
             HttpLoad load = new HttpLoad(server.port(), 64);
             // ?wait=applied holds a connection until applied: with 64, a backlog would queue in the
             // generator, unseen by the engine's accept clock, and the phase would turn closed-loop
             HttpLoad liveLoad = new HttpLoad(server.port(), FRESHNESS_CONNECTIONS)) {
            server.engine().awaitReady().join();
            TransactionGenerator gen = new TransactionGenerator(cards, Math.max(100, cards / 5), 11);
            // Pre-generated ingest bodies (generation is not measured).
            Buffer[] bodies = new Buffer[64];
            for (int i = 0; i < bodies.length; i++) {
                bodies[i] = Buffer.buffer(gen.ndjson(batch, System.currentTimeMillis()));
            }
            String ingest = "/v1/sources/transactions/events";
            // A cold JVM spends its first seconds compiling (the C2 thread took a third to most of a
            // core through the first phases): warm each path up until compilation has settled, and
            // drain what the ingest warm-up leaves to apply.
            log.println("phase 0: warm-up ingest (until JIT compilation settles)");
            log.flush();
            double ingestWarmup = warmUp(log, warmupMaxSteps, () -> load.maxRate(ingest, i -> bodies[i % bodies.length], ingestInFlight, 2,
                    "application/x-ndjson"));
            result.put("warmup_ingest_seconds", round(ingestWarmup));
            long warmEnd = server.engine().stats().sources().get("transactions").logEndOffset();
            server.engine().awaitApplied("transactions", warmEnd).join();
            log.println("phase 1: batched ingest, closed loop, " + ingestInFlight + " requests in flight, " + batch + " events each");
            log.flush();
            long ingestStart = System.nanoTime();
            ThreadCost ingestLoops = ThreadCost.since(EVENT_LOOPS);
            ThreadCost ingestEngine = ThreadCost.since(ENGINE);
            ProcessCost ingestProcess = ProcessCost.since();
            long ingestCommits = server.engine().stats().logCommits();
            HttpLoad.Result in = load.maxRate(ingest, i -> bodies[i % bodies.length], ingestInFlight, seconds, "application/x-ndjson");
            double ingestRate = in.rps() * batch;
            double ingested = in.ok() * (double) batch; // rejected requests (429) are not ingested
            double httpCpu = ingestLoops.microsPer(ingested); // before the drain: the loops' share of ingesting only
            double httpAlloc = ingestLoops.bytesPer(ingested);
            double ingestBusy = ingestProcess.busyShare();
            double ingestProcessCpu = ingestProcess.processMicrosPer(ingested);
            double ingestStorageCpu = ingestProcess.storageMicrosPer(ingested);
            double ingestPerCommit = perCommit(in.ok(), ingestCommits, server.engine().stats().logCommits());
            // Acknowledged means durable; application may lag behind. Wait for it, so the serving
            // phases do not share the cores with the backlog, and report the rate including it.
            long logEnd = server.engine().stats().sources().get("transactions").logEndOffset();
            server.engine().awaitApplied("transactions", logEnd).join();
            double appliedRate = ingested / ((System.nanoTime() - ingestStart) / 1e9);
            log.printf("  %.0f events/s acknowledged (%d requests, %d errors; cores %.0f%% busy); %.0f events/s including applying them all%n",
                    ingestRate, in.completed(), in.errors(), ingestBusy * 100, appliedRate);
            result.put("ingest_events_per_second", Math.round(ingestRate));
            result.put("ingest_applied_events_per_second", Math.round(appliedRate));
            result.put("ingest_errors", in.errors());
            result.put("ingest_http_cpu_us_per_event", cpu(httpCpu));
            result.put("ingest_engine_cpu_us_per_event", cpu(ingestEngine.microsPer(ingested)));
            result.put("ingest_storage_cpu_us_per_event", cpu(ingestStorageCpu));
            result.put("ingest_process_cpu_us_per_event", cpu(ingestProcessCpu));
            result.put("ingest_cpu_busy", share(ingestBusy));
            result.put("ingest_cpu_steal", share(ingestProcess.stealShare()));
            result.put("ingest_cpu_others", share(ingestProcess.otherProcessesShare()));
            result.put("ingest_requests_per_log_commit", ingestPerCommit);
            result.put("ingest_http_alloc_bytes_per_event", bytes(httpAlloc));
            result.put("ingest_engine_alloc_bytes_per_event", bytes(ingestEngine.bytesPer(ingested)));
            result.put("ingest_in_flight", ingestInFlight);

            Buffer[] reads = new Buffer[1024];
            for (int i = 0; i < reads.length; i++) {
                reads[i] = Buffer.buffer("{\"feature_service\":\"fraud_model_v1\",\"entities\":[{\"card_id\":\""
                        + gen.card((i * 7919) % cards) + "\",\"lat\":40.7,\"lon\":-74.0}]}");
            }
            log.println("phase 2: warm-up reads (until JIT compilation settles)");
            log.flush();
            load.fixedRate("/v1/features", i -> reads[i % reads.length], Math.min(rate, 5000), 2, "application/json");
            double readWarmup = 2 + warmUp(log, warmupMaxSteps, () -> load.fixedRate("/v1/features", i -> reads[i % reads.length], rate, 2,
                    "application/json"));
            result.put("warmup_read_seconds", round(readWarmup));
            log.printf("phase 3: serving at a fixed %d req/s for %.0f s (latency from each request's due time)%n", rate, seconds);
            log.flush();
            ThreadCost serveLoops = ThreadCost.since(EVENT_LOOPS);
            ProcessCost serveProcess = ProcessCost.since();
            HttpLoad.Result fixed = load.fixedRate("/v1/features", i -> reads[i % reads.length], rate, seconds, "application/json");
            double serveCpu = serveLoops.microsPer(fixed.ok());
            double serveBusy = serveProcess.busyShare();
            double serveProcessCpu = serveProcess.processMicrosPer(fixed.ok());
            double serveStorageCpu = serveProcess.storageMicrosPer(fixed.ok());
            double serveAlloc = serveLoops.bytesPer(fixed.ok());
            log.printf("  p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms (%d requests, %d errors; cores %.0f%% busy)%n",
                    fixed.percentileMillis(50), fixed.percentileMillis(99), fixed.percentileMillis(99.9), fixed.percentileMillis(100),
                    fixed.completed(), fixed.errors(), serveBusy * 100);
            result.put("serve_rate", rate);
            result.put("serve_p50_ms", round(fixed.percentileMillis(50)));
            result.put("serve_p99_ms", round(fixed.percentileMillis(99)));
            result.put("serve_p999_ms", round(fixed.percentileMillis(99.9)));
            result.put("serve_errors", fixed.errors());
            result.put("serve_server_cpu_us_per_request", cpu(serveCpu));
            result.put("serve_server_alloc_bytes_per_request", bytes(serveAlloc));
            result.put("serve_process_cpu_us_per_request", cpu(serveProcessCpu));
            // no writes in this phase: only what flushes and compactions left over from ingest still cost
            result.put("serve_storage_cpu_us_per_request", cpu(serveStorageCpu));
            result.put("serve_cpu_busy", share(serveBusy));
            result.put("serve_sent_late", share(fixed.lateSends() / (double) Math.max(1, fixed.completed())));
            result.put("serve_cpu_steal", share(serveProcess.stealShare()));
            result.put("serve_cpu_others", share(serveProcess.otherProcessesShare()));
            log.println("phase 4: maximum serving rate, closed loop, 64 requests in flight");
            log.flush();
            ThreadCost maxLoops = ThreadCost.since(EVENT_LOOPS);
            ProcessCost maxProcess = ProcessCost.since();
            HttpLoad.Result max = load.maxRate("/v1/features", i -> reads[i % reads.length], 64, seconds, "application/json");
            double maxCpu = maxLoops.microsPer(max.ok());
            double maxBusy = maxProcess.busyShare();
            double maxProcessCpu = maxProcess.processMicrosPer(max.ok());
            log.printf("  %.0f req/s (p99 %.3f ms, %d errors; cores %.0f%% busy)%n", max.rps(), max.percentileMillis(99), max.errors(),
                    maxBusy * 100);
            result.put("serve_max_rps", Math.round(max.rps()));
            result.put("serve_max_server_cpu_us_per_request", cpu(maxCpu));
            result.put("serve_max_process_cpu_us_per_request", cpu(maxProcessCpu));
            result.put("serve_max_cpu_busy", share(maxBusy));
            result.put("serve_max_cpu_steal", share(maxProcess.stealShare()));
            result.put("serve_max_cpu_others", share(maxProcess.otherProcessesShare()));

            Buffer[] small = new Buffer[64];
            for (int i = 0; i < small.length; i++) {
                small[i] = Buffer.buffer(gen.ndjson(freshnessBatch, System.currentTimeMillis()));
            }
            double offered = freshnessRate > 0 ? freshnessRate : ingestRate / 2;
            int half = (int) Math.max(1, offered / freshnessBatch);
            String live = ingest + "?wait=applied";
            log.printf("phase 5: warm-up freshness: %d ingest requests/s of %d events with wait=applied (%s)%n", half,
                    freshnessBatch, freshnessRate > 0 ? "--freshness-rate" : "half the maximum");
            log.flush();
            // Until now the compiled code saw reads only: ingest with a query string deoptimises
            // shared Vert.x/Netty paths, and recompiling them would share the cores with the measurement.
            result.put("warmup_freshness_seconds", round(warmUp(log, warmupMaxSteps,
                    () -> liveLoad.fixedRate(live, i -> small[i % small.length], half, 2, "application/x-ndjson"))));
            log.println("phase 6: freshness, accept to visible");
            log.flush();
            server.freshness().acceptToVisible(); // reset the interval histograms
            server.freshness().loggedToVisible();
            server.freshness().eventAcceptToVisible();
            ThreadCost freshEngine = ThreadCost.since(ENGINE);
            ThreadCost freshLoops = ThreadCost.since(EVENT_LOOPS);
            ProcessCost freshProcess = ProcessCost.since();
            long freshCommits = server.engine().stats().logCommits();
            HttpLoad.Result fresh = liveLoad.fixedRate(live, i -> small[i % small.length], half, seconds, "application/x-ndjson");
            double freshEvents = fresh.ok() * (double) freshnessBatch;
            double freshBusy = freshProcess.busyShare();
            double freshProcessCpu = freshProcess.processMicrosPer(freshEvents);
            double freshStorageCpu = freshProcess.storageMicrosPer(freshEvents);
            double freshPerCommit = perCommit(fresh.ok(), freshCommits, server.engine().stats().logCommits());
            Histogram accept = server.freshness().acceptToVisible();
            Histogram logged = server.freshness().loggedToVisible();
            Histogram perEvent = server.freshness().eventAcceptToVisible();
            log.printf("  accept to visible (engine, per event): p50 %.3f ms, p99 %.3f ms; per batch: p50 %.3f ms, p99 %.3f ms;"
                    + " logged to visible (per batch): p50 %.3f ms, p99 %.3f ms%n", millis(perEvent, 50), millis(perEvent, 99),
                    millis(accept, 50), millis(accept, 99), millis(logged, 50), millis(logged, 99));
            log.printf("  wait=applied round trip (HTTP + log + apply, and fsync): p50 %.3f ms, p99 %.3f ms (%d errors; cores %.0f%% busy)%n",
                    fresh.percentileMillis(50), fresh.percentileMillis(99), fresh.errors(), freshBusy * 100);
            result.put("freshness_p50_ms", round(millis(perEvent, 50)));
            result.put("freshness_p99_ms", round(millis(perEvent, 99)));
            result.put("freshness_events", perEvent.getTotalCount());
            result.put("freshness_batch_p50_ms", round(millis(accept, 50)));
            result.put("freshness_batch_p99_ms", round(millis(accept, 99)));
            result.put("freshness_logged_to_visible_p99_ms", round(millis(logged, 99)));
            result.put("freshness_batches", accept.getTotalCount());
            result.put("freshness_offered_events_per_second", (long) half * freshnessBatch);
            result.put("freshness_batch_events", freshnessBatch);
            result.put("freshness_http_cpu_us_per_event", cpu(freshLoops.microsPer(freshEvents)));
            result.put("freshness_engine_cpu_us_per_event", cpu(freshEngine.microsPer(freshEvents)));
            result.put("freshness_storage_cpu_us_per_event", cpu(freshStorageCpu));
            result.put("freshness_process_cpu_us_per_event", cpu(freshProcessCpu));
            result.put("freshness_cpu_busy", share(freshBusy));
            result.put("freshness_sent_late", share(fresh.lateSends() / (double) Math.max(1, fresh.completed())));
            result.put("freshness_cpu_steal", share(freshProcess.stealShare()));
            result.put("freshness_cpu_others", share(freshProcess.otherProcessesShare()));
            result.put("freshness_requests_per_log_commit", freshPerCommit);
            result.put("freshness_definition", "per applied event, on the engine's monotonic clock: from stamping its batch's accept"
                    + " time (before the log write; fsync " + fsync + ", which applying does not wait for) to visible to reads (its chunk of"
                    + " at most 64 events applied); freshness_batch_* until a whole logged batch is visible; logged_to_visible (per batch)"
                    + " starts when the log has written the batch; at freshness_offered_events_per_second (by default half the maximum acknowledged ingest rate)"
                    + " in requests of freshness_batch_events events");
            result.put("ingest_wait_applied_p50_ms", round(fresh.percentileMillis(50)));
            result.put("ingest_wait_applied_p99_ms", round(fresh.percentileMillis(99)));
            result.put("cards", cards);
            result.put("server_event_loops", options.effectiveEventLoops());
            result.put("fsync", fsync.name());
            result.put("cpus", Runtime.getRuntime().availableProcessors());
            result.put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version());
        }
        harness.printResult(result);
        return 0;
    }

    /** A load step that may be interrupted. */
    private interface Step {
        void run() throws InterruptedException;
    }

    /**
     * Repeats {@code step} until the JIT compiler used less than {@value #SETTLED_COMPILE_SHARE} of a
     * core during a step (at least twice, at most {@code maxSteps} times); returns the
     * seconds spent. A phase measured while C2 still compiles shares the two cores with it.
     */
    private static double warmUp(java.io.PrintWriter log, int maxSteps, Step step) throws InterruptedException {
        JitActivity jit = new JitActivity();
        long start = System.nanoTime();
        for (int i = 1; i <= maxSteps; i++) {
            long compiled = jit.compilerMillis();
            long t0 = System.nanoTime();
            step.run();
            double share = (jit.compilerMillis() - compiled) / ((System.nanoTime() - t0) / 1e6);
            log.printf("  warm-up step %d: JIT compiler busy %.0f%% of a core%n", i, share * 100);
            log.flush();
            if (i >= 2 && share < SETTLED_COMPILE_SHARE) {
                break;
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static final double SETTLED_COMPILE_SHARE = 0.10;
    /** Thread-name prefixes: the server's HTTP event loops (the generator has none) and the engine. */
    private static final String EVENT_LOOPS = "vert.x-eventloop";
    private static final String ENGINE = "freshet-engine";

    private static double millis(Histogram nanos, double percentile) {
        return nanos.getTotalCount() == 0 ? Double.NaN : nanos.getValueAtPercentile(percentile) / 1e6;
    }

    /** A CPU-per-unit figure for the JSON: null where the JVM does not measure thread CPU time. */
    private static Double cpu(double micros) {
        return Double.isNaN(micros) ? null : round(micros);
    }

    /**
     * Ingest requests answered 200 per log write (group commit) in a phase: under fsync ALWAYS each
     * write is one fsync; null if the log does not count its writes.
     */
    private static Double perCommit(long requests, long commitsBefore, long commitsAfter) {
        return commitsBefore < 0 || commitsAfter <= commitsBefore ? null : round(requests / (double) (commitsAfter - commitsBefore));
    }

    /** A share of the cores for the JSON (0..1, three decimals: steal is often a few tenths of a percent): null where not measured. */
    private static Double share(double busy) {
        return Double.isNaN(busy) ? null : Math.round(busy * 1000) / 1000.0;
    }

    /** A bytes-per-unit figure for the JSON: null where the JVM does not measure thread allocation. */
    private static Long bytes(double perUnit) {
        return Double.isNaN(perUnit) ? null : Math.round(perUnit);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
