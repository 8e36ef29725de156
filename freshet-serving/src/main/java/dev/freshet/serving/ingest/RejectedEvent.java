package dev.freshet.serving.ingest;

/**
 * One event of a request that failed validation.
 *
 * @param index  position of the event in the request (0-based: array element or NDJSON line)
 * @param field  the offending field, or null when the problem is the event as a whole
 * @param reason what is wrong, in words a client developer can act on
 */
public record RejectedEvent(int index, String field, String reason) {
}
