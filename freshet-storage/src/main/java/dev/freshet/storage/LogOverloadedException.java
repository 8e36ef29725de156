package dev.freshet.storage;

/**
 * An append was refused because the log's bounded queue of pending appends is full (by request
 * count or by bytes): the writer is faster than the disk. Nothing of the batch was written, so the
 * caller may retry it later; an HTTP ingest endpoint answers {@code 429 Too Many Requests}.
 */
public final class LogOverloadedException extends StorageException {
    public LogOverloadedException(String message) {
        super(message);
    }
}
