package dev.freshet.offline.io;

/**
 * A spine file that cannot be used: missing, unreadable, or missing/mistyped columns, or a row with
 * a null timestamp. The message names the file, the column and, where it applies, the 1-based row.
 */
public final class SpineException extends RuntimeException {
    public SpineException(String message) {
        super(message);
    }

    public SpineException(String message, Throwable cause) {
        super(message, cause);
    }
}
