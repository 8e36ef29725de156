package dev.freshet.serving.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.freshet.serving.ingest.MalformedRequestException;
import java.util.List;

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

    /** The 400 for a body Jackson could not read, as ingest reports it: Jackson's message, line and column. */
    public static RequestException malformed(JsonProcessingException e) {
        return new RequestException(400, MalformedRequestException.of(e).describe(), "");
    }

    /** The 400 for a request member the endpoint does not know (a typo would otherwise read as a missing member). */
    public static RequestException unknownMember(String name, List<String> members) {
        return new RequestException(400, "unknown member '" + name + "'; a request has " + String.join(", ", members), "/" + name);
    }

    public int status() {
        return status;
    }

    public String pointer() {
        return pointer;
    }
}
