package dev.freshet.storage;

/**
 * Where an appended batch landed: offsets {@code firstOffset .. firstOffset + count - 1} of its
 * source, in the order the records were given.
 *
 * @param firstOffset offset of the batch's first record (for an empty batch: the source's end offset)
 * @param count       number of records in the batch
 */
public record AppendResult(long firstOffset, int count) {
    public AppendResult {
        if (firstOffset < 0 || count < 0) {
            throw new IllegalArgumentException("firstOffset and count must be >= 0: " + firstOffset + ", " + count);
        }
    }

    /** The offset after the batch's last record (the source's end offset right after the batch). */
    public long endOffset() {
        return firstOffset + count;
    }
}
