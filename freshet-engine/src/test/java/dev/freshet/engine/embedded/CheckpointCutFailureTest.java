package dev.freshet.engine.embedded;

import static dev.freshet.engine.embedded.EmbeddedFixtures.SOURCE;
import static dev.freshet.engine.embedded.EmbeddedFixtures.batch;
import static dev.freshet.engine.embedded.EmbeddedFixtures.count;
import static dev.freshet.engine.embedded.EmbeddedFixtures.event;
import static dev.freshet.engine.embedded.EmbeddedFixtures.repo;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.freshet.model.spec.WindowSpec;
import dev.freshet.storage.memory.MemoryStorage;
import dev.freshet.testkit.ManualClock;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A checkpoint cut that fails part-way detaches the write listener it attached per table (TableSnapshot.stepwise). */
@Timeout(30)
class CheckpointCutFailureTest {
    private static final long T0 = 1_000_000;

    /** A clock that throws once when read from inside EmbeddedEngine.cut(), after the cut has attached its snapshots. */
    private static final class FailingInCut implements InstantSource {
        final ManualClock clock = new ManualClock(T0);
        final AtomicBoolean armed = new AtomicBoolean();

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public long millis() {
            boolean inCut = StackWalker.getInstance().walk(s -> s.anyMatch(
                    f -> f.getClassName().equals(EmbeddedEngine.class.getName()) && f.getMethodName().equals("cut")));
            if (inCut && armed.compareAndSet(true, false)) {
                throw new IllegalStateException("injected failure inside cut()");
            }
            return clock.millis();
        }
    }

    // User-visible: after one checkpoint fails mid-cut, every later checkpoint fails ("already has a write listener"),
    // and the next periodic checkpoint stops the engine.
    @Test
    void aCheckpointAfterACutThatFailedPartWaySucceeds() {
        FailingInCut clock = new FailingInCut();
        EngineOptions options = EngineOptions.defaults().withCheckpointOnClose(false);
        try (MemoryStorage storage = new MemoryStorage();
             EmbeddedEngine engine = EmbeddedEngine.start(repo(List.of(count("n", new WindowSpec.Lifetime()))), storage, options, clock)) {
            IngestReceipt r = engine.append(SOURCE, batch(List.of(event("c1", T0 - 1, 1L)))).join();
            engine.awaitApplied(SOURCE, r.endOffset()).join();

            clock.armed.set(true);
            assertThrows(IllegalStateException.class, engine::checkpointNow, "the injected failure");

            try {
                engine.checkpointNow();
            } catch (RuntimeException e) {
                fail("a checkpoint after a failed cut should succeed, but: " + e);
            }
        }
    }
}
