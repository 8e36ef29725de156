package dev.freshet.aggregation.codec;

/** Serialized state that cannot be decoded: truncated, wrong magic, unknown version, bad lengths. */
public final class CorruptStateException extends RuntimeException {
    public CorruptStateException(String message) {
        super(message);
    }

    public CorruptStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
