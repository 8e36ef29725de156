package dev.freshet.storage.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/** Argument checks shared by the storage implementations, so they reject the same inputs. */
public final class Checks {
    /** Longest source name in UTF-8 bytes. */
    public static final int MAX_SOURCE_BYTES = 1024;

    private Checks() {
    }

    /** Checks a source name and returns its UTF-8 bytes. */
    public static byte[] source(String source) {
        Objects.requireNonNull(source, "source");
        if (source.isBlank()) {
            throw new IllegalArgumentException("source must not be blank");
        }
        byte[] utf8 = source.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_SOURCE_BYTES) {
            throw new IllegalArgumentException("source name longer than " + MAX_SOURCE_BYTES + " bytes: " + source);
        }
        return utf8;
    }

    /** Checks a batch of records and returns its total size in bytes. */
    public static long records(List<byte[]> records) {
        Objects.requireNonNull(records, "records");
        long bytes = 0;
        for (int i = 0; i < records.size(); i++) {
            bytes += Objects.requireNonNull(records.get(i), () -> "records contains null").length;
        }
        return bytes;
    }

    public static long fromOffset(long fromOffset) {
        if (fromOffset < 0) {
            throw new IllegalArgumentException("fromOffset must be >= 0: " + fromOffset);
        }
        return fromOffset;
    }

    /** Longest dead-letter reason in UTF-8 bytes. */
    public static final int MAX_REASON_BYTES = 256;

    public static void reason(String reason) {
        if (reason.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
            throw new IllegalArgumentException("reason longer than " + MAX_REASON_BYTES + " bytes: " + reason);
        }
    }

    public static int checkpointsToKeep(int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("checkpoints to keep must be >= 1: " + keep);
        }
        return keep;
    }
}
