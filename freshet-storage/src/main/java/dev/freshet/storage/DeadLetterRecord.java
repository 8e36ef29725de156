package dev.freshet.storage;

import java.util.Objects;

/**
 * A dropped event with its coordinates, as stored in a {@link DeadLetterStore}.
 *
 * @param source     source name
 * @param partition  source partition
 * @param seq        the event's log offset, or a negative number if it never reached the log; the
 *                   triple (source, partition, seq) with {@code seq >= 0} identifies the event, so
 *                   storing it again (a replay after a crash) is a no-op
 * @param eventTime  the event's event time in epoch millis ({@link Long#MIN_VALUE} if unknown)
 * @param acceptTime when Freshet accepted it ({@code available_at}), epoch millis
 * @param reason     machine-readable reason, e.g. {@code TOO_LATE}; counted and filterable
 * @param detail     human-readable detail, e.g. the watermark it missed (may be empty)
 * @param payload    the event as received (JSON text), or {@code null} if not available
 */
public record DeadLetterRecord(String source, int partition, long seq, long eventTime, long acceptTime,
                               String reason, String detail, String payload) {
    public DeadLetterRecord {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(reason, "reason");
        if (reason.isEmpty()) {
            throw new IllegalArgumentException("reason must not be empty");
        }
        detail = detail == null ? "" : detail;
    }
}
