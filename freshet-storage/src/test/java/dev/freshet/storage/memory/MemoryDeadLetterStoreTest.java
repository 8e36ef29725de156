package dev.freshet.storage.memory;

import dev.freshet.storage.DeadLetterStoreContractTest;
import dev.freshet.storage.Storage;
import java.nio.file.Path;

class MemoryDeadLetterStoreTest extends DeadLetterStoreContractTest {
    @Override
    protected Storage open(Path dir) {
        return new MemoryStorage();
    }

    @Override
    protected boolean durable() {
        return false;
    }
}
