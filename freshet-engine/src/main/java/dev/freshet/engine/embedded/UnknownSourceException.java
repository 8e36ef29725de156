package dev.freshet.engine.embedded;

/** An append named a source the feature repository does not define (HTTP: 404). */
public final class UnknownSourceException extends IllegalArgumentException {
    private final String source;

    public UnknownSourceException(String source) {
        super("unknown source '" + source + "'");
        this.source = source;
    }

    public String source() {
        return source;
    }
}
