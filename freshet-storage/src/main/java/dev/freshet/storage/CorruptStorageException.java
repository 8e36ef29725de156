package dev.freshet.storage;

/** Stored bytes failed their checksum or do not decode: a damaged disk or an incompatible format. */
public final class CorruptStorageException extends StorageException {
    public CorruptStorageException(String message) {
        super(message);
    }

    public CorruptStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
