package dev.freshet.serving.features;

/** A feature request that cannot be served as asked (answered 400 or 404 with problem+json). */
public final class RequestException extends RuntimeException {
    private final int status;
    private final String pointer;

    /**
     * @param status  HTTP status (400 bad request, 404 unknown feature/service/source)
     * @param pointer where in the request the problem is (a JSON pointer such as {@code /features/2}), or null
     */
    public RequestException(int status, String message, String pointer) {
        super(message);
        this.status = status;
        this.pointer = pointer;
    }

    public int status() {
        return status;
    }

    public String pointer() {
        return pointer;
    }
}
