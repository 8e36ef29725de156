package dev.freshet.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.model.FeatureRepository;
import dev.freshet.model.yaml.RepositoryLoader;
import dev.freshet.storage.EventLog;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
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
        EventLog failing = (EventLog) Proxy.newProxyInstance(EventLog.class.getClassLoader(), new Class<?>[] {EventLog.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("read")) {
                        throw new OutOfMemoryError("Java heap space (simulated)");
                    }
                    if (method.getName().equals("endOffset")) {
                        return 0L;
                    }
                    if (method.getName().equals("sources")) {
                        return List.of();
                    }
                    return null;
                });
        Path spine = dir.resolve("spine.csv");
        Files.writeString(spine, "card_id,ts\nc1,1800000000000\n");
        try (TrainingSetJobService jobs = new TrainingSetJobService(FRAUD, failing, dir.resolve("out"), "256MB", 16,
                InstantSource.fixed(Instant.EPOCH))) {
            String id = jobs.submit(("{\"spine\":\"" + spine + "\",\"timestamp_column\":\"ts\","
                    + "\"features\":[\"card_txn:txn_count_5m\"]}").getBytes()).id();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (jobs.state(id) != TrainingSetJobService.State.FAILED && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            String status = new String(jobs.status(id), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(TrainingSetJobService.State.FAILED, jobs.state(id), status);
            assertTrue(status.contains("\"error\":\"OutOfMemoryError: Java heap space (simulated)\""), status);
        }
    }
}
