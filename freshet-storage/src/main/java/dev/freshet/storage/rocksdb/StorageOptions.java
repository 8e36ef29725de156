package dev.freshet.storage.rocksdb;

import dev.freshet.storage.internal.Checks;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@link EmbeddedStorage}. Start from {@link #defaults()} and change what you need:
 *
 * <pre>{@code
 * StorageOptions options = StorageOptions.defaults()
 *         .withFsync(FsyncPolicy.INTERVAL, Duration.ofMillis(100))
 *         .withCheckpointsToKeep(3);
 * }</pre>
 *
 * @param fsyncPolicy          when the log's WAL is fsynced (default {@link FsyncPolicy#ALWAYS})
 * @param fsyncInterval        period of the WAL fsync under {@link FsyncPolicy#INTERVAL} (default 100 ms)
 * @param appendQueueRequests  append batches waiting for the committer before appends are refused
 *                             with {@code LogOverloadedException} (default 4096)
 * @param appendQueueBytes     record bytes waiting for the committer before appends are refused
 *                             (default 256 MiB); a single batch larger than this is rejected outright
 * @param maxGroupBytes        the committer stops adding batches to one group write past this many
 *                             bytes (default 16 MiB); a larger single batch is written alone
 * @param checkpointsToKeep    checkpoints retained (default 2, at least 1)
 * @param checkpointChunkBytes checkpoint blobs are stored in values of at most this size (default 4 MiB)
 * @param blockCacheBytes      RocksDB block cache shared by all column families (default 64 MiB)
 */
public record StorageOptions(FsyncPolicy fsyncPolicy, Duration fsyncInterval, int appendQueueRequests,
                             long appendQueueBytes, long maxGroupBytes, int checkpointsToKeep,
                             int checkpointChunkBytes, long blockCacheBytes) {
    public StorageOptions {
        Objects.requireNonNull(fsyncPolicy, "fsyncPolicy");
        Objects.requireNonNull(fsyncInterval, "fsyncInterval");
        if (fsyncInterval.toMillis() < 1) {
            throw new IllegalArgumentException("fsyncInterval must be at least 1 ms: " + fsyncInterval);
        }
        if (appendQueueRequests < 1 || appendQueueBytes < 1 || maxGroupBytes < 1) {
            throw new IllegalArgumentException("append queue and group limits must be >= 1");
        }
        Checks.checkpointsToKeep(checkpointsToKeep);
        if (checkpointChunkBytes < 1) {
            throw new IllegalArgumentException("checkpointChunkBytes must be >= 1: " + checkpointChunkBytes);
        }
        if (blockCacheBytes < 0) {
            throw new IllegalArgumentException("blockCacheBytes must be >= 0: " + blockCacheBytes);
        }
    }

    public static StorageOptions defaults() {
        return new StorageOptions(FsyncPolicy.ALWAYS, Duration.ofMillis(100), 4096, 256L << 20, 16L << 20, 2,
                4 << 20, 64L << 20);
    }

    public StorageOptions withFsync(FsyncPolicy policy) {
        return new StorageOptions(policy, fsyncInterval, appendQueueRequests, appendQueueBytes, maxGroupBytes,
                checkpointsToKeep, checkpointChunkBytes, blockCacheBytes);
    }

    public StorageOptions withFsync(FsyncPolicy policy, Duration interval) {
        return new StorageOptions(policy, interval, appendQueueRequests, appendQueueBytes, maxGroupBytes,
                checkpointsToKeep, checkpointChunkBytes, blockCacheBytes);
    }

    public StorageOptions withAppendQueue(int requests, long bytes) {
        return new StorageOptions(fsyncPolicy, fsyncInterval, requests, bytes, maxGroupBytes, checkpointsToKeep,
                checkpointChunkBytes, blockCacheBytes);
    }

    public StorageOptions withMaxGroupBytes(long bytes) {
        return new StorageOptions(fsyncPolicy, fsyncInterval, appendQueueRequests, appendQueueBytes, bytes,
                checkpointsToKeep, checkpointChunkBytes, blockCacheBytes);
    }

    public StorageOptions withCheckpointsToKeep(int keep) {
        return new StorageOptions(fsyncPolicy, fsyncInterval, appendQueueRequests, appendQueueBytes, maxGroupBytes,
                keep, checkpointChunkBytes, blockCacheBytes);
    }

    public StorageOptions withCheckpointChunkBytes(int bytes) {
        return new StorageOptions(fsyncPolicy, fsyncInterval, appendQueueRequests, appendQueueBytes, maxGroupBytes,
                checkpointsToKeep, bytes, blockCacheBytes);
    }

    public StorageOptions withBlockCacheBytes(long bytes) {
        return new StorageOptions(fsyncPolicy, fsyncInterval, appendQueueRequests, appendQueueBytes, maxGroupBytes,
                checkpointsToKeep, checkpointChunkBytes, bytes);
    }
}
