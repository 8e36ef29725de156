package dev.freshet.serving.ingest;

/** The request body as a whole cannot be parsed (bad JSON, wrong top-level shape); nothing is accepted. */
public final class MalformedRequestException extends RuntimeException {
    private final long line;
    private final long column;

    public MalformedRequestException(String message, long line, long column) {
        super(message);
        this.line = line;
        this.column = column;
    }

    public long line() {
        return line;
    }

    public long column() {
        return column;
    }
}
