/**
 * In-memory implementations of the storage SPIs, for tests and ephemeral runs: same contracts as
 * RocksDB except that nothing survives the process. {@link dev.freshet.storage.memory.MemoryStorage}
 * bundles them.
 */
package dev.freshet.storage.memory;
