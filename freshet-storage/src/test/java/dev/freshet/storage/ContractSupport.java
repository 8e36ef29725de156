package dev.freshet.storage;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared lifecycle of the contract tests: opens a {@link Storage} on a fresh temporary directory
 * before each test and closes it after. Subclasses say how to open their implementation and
 * whether it keeps data across close and reopen.
 */
public abstract class ContractSupport {
    @TempDir
    protected Path dir;
    protected Storage storage;

    /** Opens the implementation under test on {@code dir}. */
    protected abstract Storage open(Path dir);

    /** Whether data survives {@link #reopen()} (RocksDB yes, memory no). */
    protected abstract boolean durable();

    @BeforeEach
    void openStorage() {
        storage = open(dir);
    }

    @AfterEach
    void closeStorage() {
        if (storage != null) {
            storage.close();
        }
    }

    /** Closes the storage and opens it again on the same directory, like a restart. */
    protected Storage reopen() {
        Assumptions.assumeTrue(durable(), "implementation keeps nothing across a restart");
        storage.close();
        storage = null;
        storage = open(dir);
        return storage;
    }
}
