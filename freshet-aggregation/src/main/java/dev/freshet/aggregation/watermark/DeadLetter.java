package dev.freshet.aggregation.watermark;

/**
 * A dropped event with its coordinates, so it can be found, inspected and replayed.
 *
 * @param source        source name
 * @param partition     source partition
 * @param seq           arrival sequence (log offset) of the event
 * @param eventTime     its event time (Long.MIN_VALUE if unknown)
 * @param acceptTime    when it arrived (available_at)
 * @param reason        why it was dropped
 * @param detail        human-readable detail, e.g. the watermark it missed
 * @param payload       the event as received (JSON text), if available
 */
public record DeadLetter(String source, int partition, long seq, long eventTime, long acceptTime,
                         DropReason reason, String detail, String payload) {
}
