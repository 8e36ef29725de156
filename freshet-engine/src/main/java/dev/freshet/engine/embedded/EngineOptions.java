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
 * @param freshness           told when events become visible, for freshness metrics
 * @param checkpointKeysPerStep keys per view a periodic checkpoint encodes per engine step between
 *                            batches (copy before write keeps the cut exact): smaller steps bound the
 *                            engine thread's pause, larger ones finish sooner
 * @param checkpointPartBytes a view image larger than this is stored as several checkpoint blobs
 *                            (cut at key boundaries), so no single array limits the state's size
 * @param maxQueuedBytes      like {@code maxQueuedBatches}, in bytes of the waiting batches' log
 *                            records: the count alone would let 4096 large batches (50,000 events
 *                            each) hold gigabytes before any 429
 */
public record EngineOptions(Duration checkpointInterval, int maxQueuedBatches, int expectedKeysPerView,
                            boolean checkpointOnClose, FreshnessListener freshness, int checkpointKeysPerStep,
                            int checkpointPartBytes, long maxQueuedBytes) {
    public EngineOptions {
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        Objects.requireNonNull(freshness, "freshness");
        if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException("checkpointInterval must be positive: " + checkpointInterval);
        }
        if (maxQueuedBatches < 1) {
            throw new IllegalArgumentException("maxQueuedBatches must be >= 1: " + maxQueuedBatches);
        }
        if (maxQueuedBytes < 1) {
            throw new IllegalArgumentException("maxQueuedBytes must be >= 1: " + maxQueuedBytes);
        }
        if (checkpointPartBytes < 1024) {
            throw new IllegalArgumentException("checkpointPartBytes must be >= 1024: " + checkpointPartBytes);
        }
        if (checkpointKeysPerStep < 1) {
            throw new IllegalArgumentException("checkpointKeysPerStep must be >= 1: " + checkpointKeysPerStep);
        }
        if (expectedKeysPerView < 1) {
            throw new IllegalArgumentException("expectedKeysPerView must be >= 1: " + expectedKeysPerView);
        }
    }

    /**
     * Checkpoint every 30 s encoding 256 keys per view per step (~1.5 ms for the fraud view) into
     * blobs of at most 16 MiB (smaller arrays: fewer full collections than one array per view), at
     * most 4096 waiting batches and 256 MiB of their records, 1024 keys per view initially,
     * checkpoint on close.
     */
    public static EngineOptions defaults() {
        return new EngineOptions(Duration.ofSeconds(30), 4096, 1024, true, FreshnessListener.NONE, 256, 16 << 20, 256L << 20);
    }

    public EngineOptions withMaxQueuedBytes(long bytes) {
        return new EngineOptions(checkpointInterval, maxQueuedBatches, expectedKeysPerView, checkpointOnClose, freshness,
                checkpointKeysPerStep, checkpointPartBytes, bytes);
    }

    public EngineOptions withCheckpointInterval(Duration interval) {
        return new EngineOptions(interval, maxQueuedBatches, expectedKeysPerView, checkpointOnClose, freshness, checkpointKeysPerStep,
                checkpointPartBytes, maxQueuedBytes);
    }

    public EngineOptions withMaxQueuedBatches(int batches) {
        return new EngineOptions(checkpointInterval, batches, expectedKeysPerView, checkpointOnClose, freshness, checkpointKeysPerStep,
                checkpointPartBytes, maxQueuedBytes);
    }

    public EngineOptions withExpectedKeysPerView(int keys) {
        return new EngineOptions(checkpointInterval, maxQueuedBatches, keys, checkpointOnClose, freshness, checkpointKeysPerStep,
                checkpointPartBytes, maxQueuedBytes);
    }

    public EngineOptions withCheckpointOnClose(boolean enabled) {
        return new EngineOptions(checkpointInterval, maxQueuedBatches, expectedKeysPerView, enabled, freshness, checkpointKeysPerStep, checkpointPartBytes, maxQueuedBytes);
    }

    /** Reports when events become visible, for freshness metrics. */
    public EngineOptions withFreshnessListener(FreshnessListener listener) {
        return new EngineOptions(checkpointInterval, maxQueuedBatches, expectedKeysPerView, checkpointOnClose, listener, checkpointKeysPerStep,
                checkpointPartBytes, maxQueuedBytes);
    }

    public EngineOptions withCheckpointKeysPerStep(int keys) {
        return new EngineOptions(checkpointInterval, maxQueuedBatches, expectedKeysPerView, checkpointOnClose, freshness, keys, checkpointPartBytes, maxQueuedBytes);
    }

    public EngineOptions withCheckpointPartBytes(int bytes) {
        return new EngineOptions(checkpointInterval, maxQueuedBatches, expectedKeysPerView, checkpointOnClose, freshness,
                checkpointKeysPerStep, bytes, maxQueuedBytes);
    }
}
