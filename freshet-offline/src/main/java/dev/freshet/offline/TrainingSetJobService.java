package dev.freshet.offline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.freshet.model.FeatureRepository;
import dev.freshet.offline.io.SpineException;
import dev.freshet.offline.io.SpineReader;
import dev.freshet.serving.features.RequestException;
import dev.freshet.serving.http.TrainingSetJobs;
import dev.freshet.storage.EventLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Training-set jobs of a running server ({@code POST /v1/training-sets}): each job replays the
 * server's own log (reads run concurrently with ingest) and writes
 * {@code <outputDir>/<id>.parquet|csv}. Jobs run one at a time on a background thread, each as
 * one replay pass (one partition on one thread, whatever the number of processors), so the replay,
 * a job's main work, takes one core beside serving; the background thread hands the rows to
 * DuckDB, whose own threads sort the spine and write the file.
 *
 * <p>Request: {@code {"spine": "/path/spine.parquet", "timestamp_column": "ts", "feature_service":
 * "name"} } or {@code "features": [...]}, optional {@code "format": "parquet"|"csv"}; other members
 * are refused. The spine is a {@code .parquet}, {@code .csv} or {@code .csv.gz} file on the server's
 * machine; outputs go to the server's output directory only.
 *
 * <p>Memory stays bounded however many jobs clients submit: at most {@value #MAX_QUEUED} jobs wait
 * behind the running one (more are refused with 429), and the statuses of the last
 * {@value #KEPT_FINISHED} finished jobs are kept (older ones are forgotten: their ids get 404).
 */
public final class TrainingSetJobService implements TrainingSetJobs, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Job states. */
    public enum State { QUEUED, RUNNING, SUCCEEDED, FAILED }

    /** The members a request may have. */
    static final List<String> MEMBERS = List.of("spine", "timestamp_column", "feature_service", "features", "format");

    /** Jobs waiting behind the running one, at most. */
    static final int MAX_QUEUED = 16;
    /** Finished jobs whose statuses are kept. */
    static final int KEPT_FINISHED = 100;

    private final FeatureRepository repo;
    private final EventLog log;
    private final Path outputDir;
    private final Path tempDir;
    private final String memoryLimit;
    private final int expectedKeys;
    private final InstantSource clock;
    private final int maxQueued;
    private final int keptFinished;
    private final ThreadPoolExecutor runner;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    /** Ids of finished jobs still in {@link #jobs}, oldest first. */
    private final Deque<String> finished = new ArrayDeque<>();

    private static final class Job {
        final String id;
        final TrainingSetBuilder.Request request;
        final List<String> features;
        final Instant created;
        volatile State state = State.QUEUED;
        volatile long done;
        volatile long total;
        volatile String error;
        volatile TrainingSetBuilder.Result result;

        Job(String id, TrainingSetBuilder.Request request, List<String> features, Instant created) {
            this.id = id;
            this.request = request;
            this.features = features;
            this.created = created;
        }
    }

    public TrainingSetJobService(FeatureRepository repo, EventLog log, Path outputDir, String memoryLimit, int expectedKeys,
                                 InstantSource clock) {
        this(repo, log, outputDir, memoryLimit, expectedKeys, clock, MAX_QUEUED, KEPT_FINISHED);
    }

    TrainingSetJobService(FeatureRepository repo, EventLog log, Path outputDir, String memoryLimit, int expectedKeys,
                          InstantSource clock, int maxQueued, int keptFinished) {
        this.maxQueued = maxQueued;
        this.keptFinished = keptFinished;
        this.runner = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(maxQueued),
                Thread.ofPlatform().name("freshet-training-sets").daemon(true).factory());
        this.repo = repo;
        this.log = log;
        this.outputDir = outputDir;
        this.tempDir = outputDir.resolve(".tmp");
        this.memoryLimit = memoryLimit;
        this.expectedKeys = expectedKeys;
        this.clock = clock;
    }

    @Override
    public Submitted submit(byte[] body) {
        JsonNode req;
        try {
            req = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw RequestException.malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (req == null || !req.isObject()) {
            throw new RequestException(400, "the request must be a JSON object like {\"spine\": \"/data/spine.parquet\", "
                    + "\"timestamp_column\": \"ts\", \"feature_service\": \"fraud_model_v1\"}", "");
        }
        for (Iterator<String> names = req.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!MEMBERS.contains(name)) { // e.g. an "out": clients cannot choose where the server writes
                throw RequestException.unknownMember(name, MEMBERS);
            }
        }
        String spinePath = text(req, "spine", null);
        Path spine;
        try {
            spine = Path.of(spinePath);
        } catch (InvalidPathException e) {
            throw new RequestException(400, "'spine' is not a valid path on the server: " + e.getMessage(), "/spine");
        }
        if (!SpineReader.isSupported(spine)) { // else the job would fail once it runs
            throw new RequestException(400, "spine file " + spine + " is not supported: " + SpineReader.SUPPORTED, "/spine");
        }
        if (!Files.isRegularFile(spine)) {
            throw new RequestException(400, "spine file " + spine + " does not exist on the server", "/spine");
        }
        String format = text(req, "format", "parquet");
        if (!format.equals("parquet") && !format.equals("csv")) {
            throw new RequestException(400, "'format' must be \"parquet\" or \"csv\", got \"" + format + "\"", "/format");
        }
        FeatureSelection selection = selection(req);
        List<String> names = PointInTimeReader.resolve(repo, selection).names();
        String id = UUID.randomUUID().toString();
        Path out = outputDir.resolve(id + "." + format);
        // one pass on one thread: the job must not take the cores serving runs on
        Job job = new Job(id, new TrainingSetBuilder.Request(spine, text(req, "timestamp_column", "timestamp"), selection, out,
                1, 1), names, clock.instant());
        jobs.put(id, job);
        try {
            runner.execute(() -> run(job));
        } catch (RejectedExecutionException e) {
            jobs.remove(id);
            if (runner.isShutdown()) {
                throw new RequestException(503, "the server is stopping; no new training-set jobs", "");
            }
            throw new RequestException(429, "the training-set queue is full: " + maxQueued + " jobs wait behind the running one;"
                    + " retry once some have finished", "");
        }
        return new Submitted(id, render(job));
    }

    /** A JSON null for an optional member means it is absent, as on /v1/features. */
    private static JsonNode absentIfNull(JsonNode n) {
        return n == null || n.isNull() ? null : n;
    }

    private static FeatureSelection selection(JsonNode req) {
        JsonNode service = absentIfNull(req.get("feature_service"));
        JsonNode features = absentIfNull(req.get("features"));
        if ((service == null) == (features == null)) {
            throw new RequestException(400, "give either 'feature_service' or 'features'", "");
        }
        if (service != null) {
            if (!service.isTextual()) {
                throw new RequestException(400, "'feature_service' must be a string", "/feature_service");
            }
            return FeatureSelection.ofService(service.asText());
        }
        if (!features.isArray() || features.isEmpty()) {
            throw new RequestException(400, "'features' must be a non-empty array of names", "/features");
        }
        List<String> refs = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            if (!features.get(i).isTextual()) {
                throw new RequestException(400, "feature names must be strings", "/features/" + i);
            }
            refs.add(features.get(i).asText());
        }
        return FeatureSelection.ofFeatures(refs);
    }

    private static String text(JsonNode req, String field, String fallback) {
        JsonNode n = req.get(field);
        if (n == null || n.isNull()) {
            if (fallback == null) {
                throw new RequestException(400, "missing '" + field + "'", "/" + field);
            }
            return fallback;
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new RequestException(400, "'" + field + "' must be a non-empty string", "/" + field);
        }
        return n.asText();
    }

    private void run(Job job) {
        job.state = State.RUNNING;
        try {
            Files.createDirectories(tempDir);
            TrainingSetBuilder builder = new TrainingSetBuilder(repo, log, tempDir, memoryLimit, expectedKeys);
            job.result = builder.build(job.request, (done, total) -> {
                job.done = done;
                job.total = total;
            });
            job.state = State.SUCCEEDED;
        } catch (SpineException | RequestException | IllegalArgumentException | IllegalStateException e) {
            job.error = e.getMessage();
            job.state = State.FAILED;
        } catch (IOException e) {
            job.error = "I/O error: " + e.getMessage();
            job.state = State.FAILED;
        } catch (Exception e) {
            job.error = e.getClass().getSimpleName() + ": " + e.getMessage();
            job.state = State.FAILED;
        } catch (Error e) {
            // e.g. an OutOfMemoryError of a pass: the job is over (its state is unreachable now), so
            // it must not stay RUNNING; rethrown so the runner thread reports it (and is replaced)
            job.error = e.getClass().getSimpleName() + ": " + e.getMessage();
            job.state = State.FAILED;
            throw e;
        } finally {
            retire(job);
        }
    }

    /** Keeps the status of a finished job, forgetting the oldest beyond {@link #keptFinished}. */
    private void retire(Job job) {
        synchronized (finished) {
            finished.addLast(job.id);
            while (finished.size() > keptFinished) {
                jobs.remove(finished.removeFirst());
            }
        }
    }

    @Override
    public byte[] status(String id) {
        Job job = jobs.get(id);
        return job == null ? null : render(job);
    }

    /** The state of a job (for tests and the CLI). */
    public State state(String id) {
        Job job = jobs.get(id);
        return job == null ? null : job.state;
    }

    private static byte[] render(Job job) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", job.id);
        o.put("state", job.state.name());
        o.put("created", job.created.toString());
        o.put("spine", job.request.spine().toString());
        o.putPOJO("features", job.features);
        o.put("rows_done", job.done);
        o.put("rows_total", job.total);
        TrainingSetBuilder.Result r = job.result;
        if (r != null) {
            o.put("output", r.out().toAbsolutePath().toString());
            o.put("rows", r.rows());
            o.put("events_replayed", r.eventsReplayed());
            o.put("seconds", r.seconds());
        }
        if (job.error != null) {
            o.put("error", job.error);
        }
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops taking jobs and waits briefly for the running one. */
    @Override
    public void close() {
        runner.shutdownNow();
        try {
            runner.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
