package dev.freshet.engine.embedded;

/**
 * An acknowledged append: the events are durable in the log at offsets
 * {@code firstOffset .. firstOffset + count - 1} of {@code source}, all accepted at
 * {@code acceptTime}. They are applied to the online state shortly after (see
 * {@link EmbeddedEngine#awaitApplied}).
 *
 * @param source      source name
 * @param firstOffset log offset of the first event
 * @param count       number of events
 * @param acceptTime  their {@code available_at}, epoch ms
 */
public record IngestReceipt(String source, long firstOffset, int count, long acceptTime) {
    /** The offset after the last event: {@code awaitApplied(source, endOffset())} waits for all of them. */
    public long endOffset() {
        return firstOffset + count;
    }
}
