/**
 * Embedded-mode storage on RocksDB: {@link dev.freshet.storage.rocksdb.EmbeddedStorage} opens the
 * event log (with group commit and a configurable {@link dev.freshet.storage.rocksdb.FsyncPolicy}),
 * the checkpoint store and the dead-letter store of one data directory in one RocksDB instance.
 * Layouts: {@code Keys}, {@code ManifestCodec}, {@code DeadLetterCodec}; tuning:
 * {@code RocksDbTuning}. See {@code docs/STORAGE.md}.
 */
package dev.freshet.storage.rocksdb;
