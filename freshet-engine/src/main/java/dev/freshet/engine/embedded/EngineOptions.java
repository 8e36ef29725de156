package dev.freshet.engine.embedded;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link EmbeddedEngine}.
 *
 * @param checkpointInterval  time between periodic checkpoints (on the engine's clock); a restart
 *                            replays at most about this much of the log. Idle periods write none.
 * @param maxQueuedBatches    appended batches that may wait (in the log's queue or durable but not
 *                            yet applied) before {@code append} refuses more with
 *                            {@link dev.freshet.storage.LogOverloadedException} (HTTP 429): bounds
 *                            the memory and the staleness of reads under overload
 * @param expectedKeysPerView initial capacity of each view's key index
 * @param checkpointOnClose   whether {@link EmbeddedEngine#close()} writes a final checkpoint (so the
 *                            next start replays nothing)
 */
public record EngineOptions(Duration checkpointInterval, int maxQueuedBatches, int expectedKeysPerView,
                            boolean checkpointOnClose, FreshnessListener freshness) {
    public EngineOptions {
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        Objects.requireNonNull(freshness, "freshness");
        if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException("checkpointInterval must be positive: " + checkpointInterval);
        }
        if (maxQueuedBatches < 1) {
            throw new IllegalArgumentException("maxQueuedBatches must be >= 1: " + maxQueuedBatches);
        }
        if (expectedKeysPerView < 1) {
            throw new IllegalArgumentException("expectedKeysPerView must be >= 1: " + expectedKeysPerView);
        }
    }

    /** Checkpoint every 30 s, at most 4096 waiting batches, 1024 keys per view initially, checkpoint on close. */
    public static EngineOptions defaults() {
        return new EngineOptions(Duration.ofSeconds(30), 4096, 1024, true, FreshnessListener.NONE);
    }

    public EngineOptions withCheckpointInterval(Duration interval) {
        return new EngineOptions(interval, maxQueuedBatches, expectedKeysPerView, checkpointOnClose, freshness);
    }

    public EngineOptions withMaxQueuedBatches(int batches) {
        return new EngineOptions(checkpointInterval, batches, expectedKeysPerView, checkpointOnClose, freshness);
    }

    public EngineOptions withExpectedKeysPerView(int keys) {
        return new EngineOptions(checkpointInterval, maxQueuedBatches, keys, checkpointOnClose, freshness);
    }

    public EngineOptions withCheckpointOnClose(boolean enabled) {
        return new EngineOptions(checkpointInterval, maxQueuedBatches, expectedKeysPerView, enabled, freshness);
    }

    /** Reports when events become visible, for freshness metrics. */
    public EngineOptions withFreshnessListener(FreshnessListener listener) {
        return new EngineOptions(checkpointInterval, maxQueuedBatches, expectedKeysPerView, checkpointOnClose, listener);
    }
}
