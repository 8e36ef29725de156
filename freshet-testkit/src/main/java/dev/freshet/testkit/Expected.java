package dev.freshet.testkit;

/**
 * What the oracle says a feature should read.
 *
 * @param status    PRESENT, NULL_VALUE or NOT_FOUND (names of the serving statuses)
 * @param value     the value (Long, Double, String, Boolean, List) when PRESENT, else null
 * @param eventTime the event timestamp reported with it, or Long.MIN_VALUE for none
 */
public record Expected(String status, Object value, long eventTime) {
    public static Expected present(Object value, long eventTime) {
        return new Expected("PRESENT", value, eventTime);
    }

    public static Expected absent(String status, long eventTime) {
        return new Expected(status, null, eventTime);
    }
}
