package dev.freshet.app.imports;

/** An import or export cannot proceed; the message says why in words a user can act on. */
public class ImportException extends RuntimeException {
    public ImportException(String message) {
        super(message);
    }

    public ImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
