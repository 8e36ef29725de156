package dev.freshet.storage.rocksdb;

/** The event-log contract with {@link FsyncPolicy#NEVER}. */
class RocksDbNeverFsyncEventLogTest extends RocksDbEventLogTest {
    @Override
    protected StorageOptions options() {
        return StorageOptions.defaults().withFsync(FsyncPolicy.NEVER);
    }
}
