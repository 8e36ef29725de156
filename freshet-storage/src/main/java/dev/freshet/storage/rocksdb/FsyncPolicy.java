package dev.freshet.storage.rocksdb;

/**
 * When the event log forces its write-ahead log (WAL) to the disk, i.e. what an acknowledged append
 * survives. Every policy writes the WAL (into the OS page cache) before acknowledging, so every
 * policy survives a process crash or SIGKILL; they differ on a power loss or kernel crash.
 *
 * <table>
 *   <caption>What an acknowledged append survives</caption>
 *   <tr><th>policy</th><th>process crash / SIGKILL</th><th>power loss / kernel crash</th><th>cost</th></tr>
 *   <tr><td>{@link #ALWAYS}</td><td>yes</td><td>yes</td><td>one fsync per group commit</td></tr>
 *   <tr><td>{@link #INTERVAL}</td><td>yes</td><td>loses at most the last interval</td><td>one fsync per interval</td></tr>
 *   <tr><td>{@link #NEVER}</td><td>yes</td><td>loses what the OS had not written back (typically up to ~30 s)</td><td>none</td></tr>
 * </table>
 *
 * <p>Checkpoints are always written synced, whatever the policy, and because the log and the
 * checkpoints share one WAL a synced checkpoint also makes every log record before it durable: a
 * power loss can lose the log tail after the last checkpoint but never leaves a checkpoint that
 * refers to records the log lost.
 */
public enum FsyncPolicy {
    /**
     * Every group commit is written with {@code WriteOptions.sync = true}: an append is acknowledged
     * only once on stable storage. The fsync is paid once per group, shared by every batch that
     * arrived while the previous group was syncing, so under load it is amortized over many
     * batches; an idle writer pays one fsync latency per acknowledgement. The default.
     */
    ALWAYS,
    /**
     * Each group is written to the WAL without sync and acknowledged; a background thread fsyncs the
     * WAL ({@code flushWal(true)}) every {@link StorageOptions#fsyncInterval()}.
     */
    INTERVAL,
    /** The WAL is written without sync and never fsynced by Freshet (only on a clean close). */
    NEVER
}
