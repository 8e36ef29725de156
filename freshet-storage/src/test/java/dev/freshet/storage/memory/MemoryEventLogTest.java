package dev.freshet.storage.memory;

import dev.freshet.storage.EventLogContractTest;
import dev.freshet.storage.Storage;
import java.nio.file.Path;

class MemoryEventLogTest extends EventLogContractTest {
    @Override
    protected Storage open(Path dir) {
        return new MemoryStorage();
    }

    @Override
    protected boolean durable() {
        return false;
    }
}
