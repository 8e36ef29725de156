/**
 * Storage SPIs of embedded mode: the durable per-source {@link dev.freshet.storage.EventLog}, the
 * atomic {@link dev.freshet.storage.CheckpointStore} of engine state with its log positions, and the
 * {@link dev.freshet.storage.DeadLetterStore} of dropped events. {@link dev.freshet.storage.Storage}
 * bundles the three over one backend so that log, checkpoints and dead letters share one
 * write-ahead log and one lifecycle.
 *
 * <p>Implementations: {@code dev.freshet.storage.memory} (tests, ephemeral runs) and
 * {@code dev.freshet.storage.rocksdb} ({@code EmbeddedStorage.open(dataDir)}, the default). Every
 * implementation passes the same contract tests. See {@code docs/STORAGE.md}.
 */
package dev.freshet.storage;
