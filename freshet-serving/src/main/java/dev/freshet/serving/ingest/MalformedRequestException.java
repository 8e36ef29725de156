package dev.freshet.serving.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.regex.Pattern;

/** The request body as a whole cannot be parsed (bad JSON, wrong top-level shape); nothing is accepted. */
public final class MalformedRequestException extends RuntimeException {
    /** A location inside Jackson's message, e.g. a start marker's: {@code [Source: REDACTED (...); line: 1, column: 2]}. */
    private static final Pattern SOURCE_LOCATION = Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)]");
    /** Where a limit of Jackson's comes from, e.g. {@code , from `StreamReadConstraints.getMaxNestingDepth()`}. */
    private static final Pattern LIMIT_ORIGIN = Pattern.compile(", from `[^`]*`");

    private final long line;
    private final long column;

    public MalformedRequestException(String message, long line, long column) {
        super(message);
        this.line = line;
        this.column = column;
    }

    /**
     * The exception for JSON Jackson could not read: "malformed JSON: " and Jackson's own message
     * without its internals (the description of the input, the names of its settings), with the
     * line and column where it stopped (0 when unknown).
     */
    public static MalformedRequestException of(JsonProcessingException e) {
        String message = SOURCE_LOCATION.matcher(String.valueOf(e.getOriginalMessage())).replaceAll("line $1, column $2");
        JsonLocation at = e.getLocation();
        return new MalformedRequestException("malformed JSON: " + LIMIT_ORIGIN.matcher(message).replaceAll(""),
                at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr());
    }

    public long line() {
        return line;
    }

    public long column() {
        return column;
    }

    /** The message with the line and column, as answered to clients: {@code ... (line 1, column 14)}. */
    public String describe() {
        return line > 0 ? getMessage() + " (line " + line + ", column " + column + ")" : getMessage();
    }
}
