package dev.freshet.storage;

/**
 * A data directory could not be opened because another process (or another open storage in this
 * process) holds it. Two writers on one directory would corrupt it, so this is never retried.
 */
public final class StorageLockedException extends StorageException {
    public StorageLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
