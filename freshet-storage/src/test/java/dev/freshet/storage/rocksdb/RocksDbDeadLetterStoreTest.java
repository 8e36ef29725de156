package dev.freshet.storage.rocksdb;

import dev.freshet.storage.DeadLetterStoreContractTest;
import dev.freshet.storage.Storage;
import java.nio.file.Path;

class RocksDbDeadLetterStoreTest extends DeadLetterStoreContractTest {
    @Override
    protected Storage open(Path dir) {
        return EmbeddedStorage.open(dir);
    }

    @Override
    protected boolean durable() {
        return true;
    }
}
