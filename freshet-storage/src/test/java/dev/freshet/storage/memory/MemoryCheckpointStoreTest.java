package dev.freshet.storage.memory;

import dev.freshet.storage.CheckpointStoreContractTest;
import dev.freshet.storage.Storage;
import java.nio.file.Path;

class MemoryCheckpointStoreTest extends CheckpointStoreContractTest {
    @Override
    protected Storage open(Path dir) {
        return new MemoryStorage(KEEP);
    }

    @Override
    protected boolean durable() {
        return false;
    }
}
