package dev.freshet.serving.ingest;

/** The request holds more events than the configured batch limit (answered with 413). */
public final class TooManyEventsException extends RuntimeException {
    private final int limit;

    public TooManyEventsException(int limit) {
        super("request holds more than " + limit + " events; split it into smaller batches");
        this.limit = limit;
    }

    public int limit() {
        return limit;
    }
}
