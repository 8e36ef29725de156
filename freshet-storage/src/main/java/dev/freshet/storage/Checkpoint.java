package dev.freshet.storage;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A consistent snapshot of engine state: named state blobs plus the log positions they include, so
 * that restoring the blobs and replaying each source from its position applies every logged event
 * exactly once.
 *
 * <p>Equality compares blob contents. Maps are copied into sorted, unmodifiable maps; the blob
 * arrays themselves are not copied (do not modify them after handing them in).
 *
 * @param createdAtMillis when the snapshot was taken (epoch millis, supplied by the caller's clock)
 * @param formatVersion   the caller's version of the blob encoding (e.g. the tile-table codec's), so a
 *                        restore can refuse or migrate an old format; the store does not interpret it
 * @param positions       source name → next log offset to replay from (every offset below it is
 *                        already in the blobs)
 * @param blobs           state name → encoded state; values may be hundreds of MB
 */
public record Checkpoint(long createdAtMillis, int formatVersion, Map<String, Long> positions,
                         Map<String, byte[]> blobs) {
    public Checkpoint {
        positions = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(positions, "positions")));
        blobs = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(blobs, "blobs")));
        positions.forEach((source, offset) -> {
            if (offset == null || offset < 0) {
                throw new IllegalArgumentException("position of " + source + " must be >= 0: " + offset);
            }
        });
        blobs.forEach((name, blob) -> Objects.requireNonNull(blob, () -> "blob " + name));
    }

    /** Total size of the blobs in bytes. */
    public long blobBytes() {
        long n = 0;
        for (byte[] b : blobs.values()) {
            n += b.length;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Checkpoint c) || createdAtMillis != c.createdAtMillis || formatVersion != c.formatVersion
                || !positions.equals(c.positions) || !blobs.keySet().equals(c.blobs.keySet())) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : blobs.entrySet()) {
            if (!Arrays.equals(e.getValue(), c.blobs.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(createdAtMillis, formatVersion, positions);
        for (Map.Entry<String, byte[]> e : blobs.entrySet()) {
            h = 31 * h + e.getKey().hashCode() * 17 + Arrays.hashCode(e.getValue());
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Checkpoint[createdAtMillis=").append(createdAtMillis)
                .append(", formatVersion=").append(formatVersion).append(", positions=").append(positions)
                .append(", blobs={");
        String sep = "";
        for (Map.Entry<String, byte[]> e : blobs.entrySet()) {
            s.append(sep).append(e.getKey()).append('=').append(e.getValue().length).append(" bytes");
            sep = ", ";
        }
        return s.append("}]").toString();
    }
}
