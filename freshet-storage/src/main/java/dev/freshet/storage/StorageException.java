package dev.freshet.storage;

/** A storage operation failed: an I/O error of the backend, a corrupt value, a locked directory. */
public class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
