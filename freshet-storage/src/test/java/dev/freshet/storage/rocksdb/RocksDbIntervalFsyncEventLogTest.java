package dev.freshet.storage.rocksdb;

import java.time.Duration;

/** The event-log contract with {@link FsyncPolicy#INTERVAL} (a background WAL fsync every 5 ms). */
class RocksDbIntervalFsyncEventLogTest extends RocksDbEventLogTest {
    @Override
    protected StorageOptions options() {
        return StorageOptions.defaults().withFsync(FsyncPolicy.INTERVAL, Duration.ofMillis(5));
    }
}
