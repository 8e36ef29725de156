package dev.freshet.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.model.FeatureRepository;
import dev.freshet.model.yaml.RepositoryLoader;
import dev.freshet.serving.features.RequestException;
import dev.freshet.storage.EventLog;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingSetJobServiceTest {
    static final FeatureRepository FRAUD = RepositoryLoader.load(Path.of("..", "examples", "fraud")).repositoryOrThrow();

    @TempDir
    Path dir;

    /**
     * A job that dies with an Error (an OutOfMemoryError while replaying a big log is the realistic
     * case: POST /v1/training-sets cannot ask for --partitions) ends FAILED with the error's class
     * and message, not RUNNING forever.
     */
    @Test
    void aJobKilledByAnErrorIsReportedFailed() throws Exception {
        EventLog failing = log(() -> {
            throw new OutOfMemoryError("Java heap space (simulated)");
        });
        try (TrainingSetJobService jobs = new TrainingSetJobService(FRAUD, failing, dir.resolve("out"), "256MB", 16,
                InstantSource.fixed(Instant.EPOCH))) {
            String id = submit(jobs);
            await(() -> jobs.state(id) == TrainingSetJobService.State.FAILED);
            String status = new String(jobs.status(id), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(TrainingSetJobService.State.FAILED, jobs.state(id), status);
            assertTrue(status.contains("\"error\":\"OutOfMemoryError: Java heap space (simulated)\""), status);
        }
    }

    /**
     * Clients cannot make the server hold more and more jobs: beyond the queue limit a submission
     * is refused with 429 (and not queued), and of the finished jobs only the last few statuses are
     * kept (an older id is then unknown).
     */
    @Test
    void theQueueAndTheKeptStatusesAreBounded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        EventLog blocking = log(() -> {
            release.await(); // the running job waits here, the others in the queue
            throw new IllegalStateException("log closed (simulated)");
        });
        try (TrainingSetJobService jobs = new TrainingSetJobService(FRAUD, blocking, dir.resolve("out"), "256MB", 16,
                InstantSource.fixed(Instant.EPOCH), 2, 2)) {
            String first = submit(jobs);
            await(() -> jobs.state(first) == TrainingSetJobService.State.RUNNING);
            submit(jobs);
            String last = submit(jobs);
            RequestException full = assertThrows(RequestException.class, () -> submit(jobs));
            assertEquals(429, full.status(), full.getMessage());
            release.countDown();
            await(() -> jobs.state(last) == TrainingSetJobService.State.FAILED && jobs.status(first) == null);
            assertNotNull(jobs.status(last), "the last finished jobs are kept");
        }
    }

    /** A log whose reads do {@code read}; empty otherwise. */
    private static EventLog log(Callable<Object> read) {
        return (EventLog) Proxy.newProxyInstance(EventLog.class.getClassLoader(), new Class<?>[] {EventLog.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "read" -> read.call();
                    case "endOffset" -> 0L;
                    case "sources" -> List.of();
                    default -> null;
                });
    }

    private String submit(TrainingSetJobService jobs) throws Exception {
        Path spine = dir.resolve("spine.csv");
        Files.writeString(spine, "card_id,ts\nc1,1800000000000\n");
        return jobs.submit(("{\"spine\":\"" + spine + "\",\"timestamp_column\":\"ts\","
                + "\"features\":[\"card_txn:txn_count_5m\"]}").getBytes()).id();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 10 s");
            Thread.sleep(20);
        }
    }
}
