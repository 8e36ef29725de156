package dev.freshet.app.server;

import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.app.GracefulShutdown;
import dev.freshet.engine.StreamingViews;
import dev.freshet.engine.embedded.EmbeddedEngine;
import dev.freshet.engine.embedded.EngineOptions;
import dev.freshet.model.FeatureRepository;
import dev.freshet.offline.TrainingSetJobService;
import dev.freshet.serving.http.FreshetHttpServer;
import dev.freshet.serving.http.ServerOptions;
import dev.freshet.storage.StorageException;
import dev.freshet.storage.rocksdb.EmbeddedStorage;
import dev.freshet.storage.rocksdb.FsyncPolicy;
import dev.freshet.storage.rocksdb.StorageOptions;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code freshet serve}: the embedded server (HTTP ingest and serving over a RocksDB log). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the embedded Freshet server.",
                "HTTP ingest into a durable local log, in-memory aggregation, feature serving (native and"
                        + " Feast-compatible), training sets, dead letters, health, readiness and Prometheus metrics."
                        + " Ctrl-C stops it cleanly (final checkpoint). See docs/HTTP_API.md."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--repo", required = true, description = "Feature repository folder.")
    Path repo;

    @Option(names = "--data", defaultValue = ".freshet-data", description = "Data directory (log, checkpoints, dead letters; default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port, 0 to 65535 (0 = any free port; default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--token", description = "Require 'Authorization: Bearer <token>' on write and admin endpoints: ingest, training sets, dead letters (or set FRESHET_TOKEN).")
    String token;

    @Option(names = "--fsync", defaultValue = "ALWAYS", description = "Log fsync policy: ALWAYS, INTERVAL or NEVER (default: ${DEFAULT-VALUE}; see docs/STORAGE.md).")
    FsyncPolicy fsync;

    @Option(names = "--checkpoint-interval", defaultValue = "30s",
            description = "Time between checkpoints (more than 0), e.g. 30s, 5m (default: ${DEFAULT-VALUE}).")
    String checkpointInterval;

    @Option(names = "--event-loops", defaultValue = "0",
            description = "HTTP event loops (threads) serving requests; 0 = one per available processor (default: ${DEFAULT-VALUE}).")
    int eventLoops;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        // flags first: a usage error (exit 2) before anything is loaded or opened
        ServerOptions options = serverOptions(System.getenv("FRESHET_TOKEN"));
        Duration interval = dev.freshet.model.Durations.parse(checkpointInterval)
                .filter(d -> d.isPositive())
                .orElseThrow(() -> new ParameterException(spec.commandLine(),
                        "bad --checkpoint-interval '" + checkpointInterval + "': a duration above 0, e.g. 30s, 5m"));
        FeatureRepository r = dev.freshet.app.cli.RepositoryOptions.loadOrReport(repo, spec.commandLine().getErr());
        if (r == null) {
            return 1;
        }
        // closed in reverse order: the server (drain, final checkpoint) before the JVM may exit
        try (GracefulShutdown shutdown = GracefulShutdown.install(Duration.ofMinutes(2));
             Running running = Running.start(r, data, options, fsync, interval, Clock.systemUTC())) {
            out.printf("Freshet serving %s on http://localhost:%d (data: %s)%n", repo, running.port(), data.toAbsolutePath());
            out.printf("  POST /v1/sources/{source}/events   POST /v1/features   POST /get-online-features%n");
            out.printf("  POST /v1/training-sets   GET /v1/training-sets/{id}   GET /v1/dead-letters%n");
            out.printf("  GET  /health  /ready  /metrics%n");
            out.flush();
            shutdown.awaitRequest();
        } catch (StorageException e) {
            // e.g. the data directory is held by another server: a message, not a stack trace
            spec.commandLine().getErr().println("freshet serve: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            // the port is taken (8080 often is): a message, not a stack trace
            BindException bind = bindFailure(e).orElseThrow(() -> e);
            String why = String.valueOf(bind.getMessage()).contains("already in use") ? "is already in use"
                    : "is not available (" + bind.getMessage() + ")";
            spec.commandLine().getErr().println("freshet serve: port " + port + " " + why);
            return 1;
        }
        return 0;
    }

    /** The {@link BindException} behind a failed {@link Running#start}, if that is why it failed (the port is taken). */
    public static Optional<BindException> bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException b) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /**
     * The HTTP options from the flags, checked by {@link ServerOptions} itself (port, token, event
     * loops), one flag at a time so that a rejected value is reported under its own flag; an empty
     * {@code FRESHET_TOKEN} means no token.
     */
    private ServerOptions serverOptions(String envToken) {
        String tok = token != null ? token : (envToken == null || envToken.isEmpty() ? null : envToken);
        ServerOptions withPort = checked("--port", "port", () -> ServerOptions.defaults(port));
        ServerOptions withToken = checked(token != null ? "--token" : "FRESHET_TOKEN", "the bearer token",
                () -> withPort.withBearerToken(tok));
        return checked("--event-loops", "eventLoops", () -> withToken.withEventLoops(eventLoops));
    }

    /**
     * One step of {@link #serverOptions}; a value it rejects is a usage error that names {@code flag}
     * where {@link ServerOptions}' message names its {@code subject} ("eventLoops must be >= 0" →
     * "--event-loops must be >= 0").
     */
    private ServerOptions checked(String flag, String subject, Supplier<ServerOptions> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            String m = String.valueOf(e.getMessage());
            throw new ParameterException(spec.commandLine(),
                    m.startsWith(subject + " ") ? flag + m.substring(subject.length()) : "bad " + flag + ": " + m);
        }
    }

    /**
     * A running embedded server: storage, engine and HTTP. Closing stops HTTP from accepting, drains
     * the engine while the requests in flight finish (at most {@link #SHUTDOWN_GRACE}), then closes
     * HTTP and storage.
     */
    public record Running(EmbeddedStorage storage, EmbeddedEngine engine, TrainingSetJobService trainingSets,
                          FreshetHttpServer http, FreshnessMetrics freshness) implements AutoCloseable {
        /** How long requests in flight may take to finish when the server stops. */
        static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);

        /**
         * Starts storage, engine and HTTP with explicit limits and clock (tests inject a manual
         * clock) and returns once the engine is ready. HTTP starts before the engine's recovery
         * (checkpoint restore, log replay) ends, so {@code /health} answers and {@code /ready},
         * ingest and reads answer 503 meanwhile.
         *
         * @throws dev.freshet.storage.StorageLockedException if another server holds {@code data}
         * @throws IllegalStateException                      if recovery failed (the cause says why)
         */
        public static Running start(FeatureRepository repo, Path data, ServerOptions server, FsyncPolicy fsync,
                                    Duration checkpointInterval, java.time.InstantSource clock) {
            EmbeddedStorage storage = EmbeddedStorage.open(data, StorageOptions.defaults().withFsync(fsync, Duration.ofMillis(100)));
            try {
                Map<String, List<String>> viewsBySource = new LinkedHashMap<>();
                StreamingViews.compile(repo).forEach((source, views) ->
                        viewsBySource.put(source, views.stream().map(CompiledView::name).toList()));
                FreshnessMetrics freshness = new FreshnessMetrics(viewsBySource);
                EmbeddedEngine engine = EmbeddedEngine.open(repo, storage,
                        EngineOptions.defaults().withCheckpointInterval(checkpointInterval).withFreshnessListener(freshness), clock);
                TrainingSetJobService jobs = null;
                FreshetHttpServer http = null;
                try {
                    // training sets replay this server's log (reads run beside ingest) into <data>/training-sets
                    jobs = new TrainingSetJobService(repo, storage.eventLog(), data.resolve("training-sets"), "1GB", 100_000, clock);
                    http = FreshetHttpServer.start(new EngineAdapter(engine, storage.deadLetters()), repo, server, clock, jobs);
                    try {
                        engine.awaitReady().join();
                    } catch (CompletionException e) {
                        Throwable cause = e.getCause() != null ? e.getCause() : e;
                        throw new IllegalStateException("embedded engine failed to start: " + cause.getMessage(), cause);
                    }
                    // freshness from here on: the log replay is not freshness
                    freshness.bind(http.metrics());
                    return new Running(storage, engine, jobs, http, freshness);
                } catch (RuntimeException e) {
                    if (http != null) {
                        http.close();
                    }
                    if (jobs != null) {
                        jobs.close();
                    }
                    engine.close();
                    throw e;
                }
            } catch (RuntimeException e) {
                storage.close();
                throw e;
            }
        }

        public int port() {
            return http.port();
        }

        @Override
        public void close() {
            // stop accepting, drain the engine (answering requests waiting for their events to be
            // applied), then let those answers go out before the event loops stop
            CompletableFuture<Void> httpDrained = http.shutdown(SHUTDOWN_GRACE);
            trainingSets.close();
            engine.close();
            try {
                httpDrained.get(SHUTDOWN_GRACE.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // connections still open after the grace period are closed below
            }
            http.close();
            storage.close();
        }
    }
}
