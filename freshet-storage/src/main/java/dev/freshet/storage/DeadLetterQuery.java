package dev.freshet.storage;

/**
 * Which dead letters to list: newest first, at most {@code limit}, optionally only one reason or one
 * source, optionally only ids below {@code beforeId} (for paging: pass the last id of the previous
 * page).
 *
 * <pre>{@code
 * store.list(DeadLetterQuery.newest(50).withReason("TOO_LATE"));
 * }</pre>
 *
 * @param reason   only letters with this reason, or {@code null} for all
 * @param source   only letters of this source, or {@code null} for all
 * @param beforeId only letters with {@code id < beforeId}
 * @param limit    at most this many letters (>= 0)
 */
public record DeadLetterQuery(String reason, String source, long beforeId, int limit) {
    public DeadLetterQuery {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0: " + limit);
        }
    }

    /** The newest {@code limit} letters of any reason and source. */
    public static DeadLetterQuery newest(int limit) {
        return new DeadLetterQuery(null, null, Long.MAX_VALUE, limit);
    }

    public DeadLetterQuery withReason(String onlyReason) {
        return new DeadLetterQuery(onlyReason, source, beforeId, limit);
    }

    public DeadLetterQuery withSource(String onlySource) {
        return new DeadLetterQuery(reason, onlySource, beforeId, limit);
    }

    public DeadLetterQuery before(long id) {
        return new DeadLetterQuery(reason, source, id, limit);
    }

    /** Whether {@code letter} passes the reason and source filters (not the id bound or limit). */
    public boolean matches(DeadLetterRecord letter) {
        return (reason == null || reason.equals(letter.reason())) && (source == null || source.equals(letter.source()));
    }
}
