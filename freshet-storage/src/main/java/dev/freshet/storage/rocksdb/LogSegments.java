package dev.freshet.storage.rocksdb;

import dev.freshet.storage.CorruptStorageException;
import java.util.List;

/**
 * The value of a log segment: several consecutive records of one source stored under one RocksDB
 * key ({@link Keys#segmentKey}), so an append of a thousand events is one key, not a thousand.
 * Per-key costs — the memtable insert on the committer thread, index entries and key comparisons
 * in flushes, compactions and scans — are paid once per segment.
 *
 * <pre>
 *   byte     version (1)
 *   repeated count times (the count is in the key):
 *     varint record length, record bytes
 * </pre>
 *
 * <p>A segment holds at most {@value #MAX_RECORDS} records and is closed once it passes
 * {@value #MAX_BYTES} bytes, which bounds what a cursor reads ahead and what one value costs in
 * memory. Decoding checks every length against the value and that the value ends after the last
 * record, so a damaged segment is reported, never misread.
 */
final class LogSegments {
    static final byte VERSION = 1;
    static final int MAX_RECORDS = 4096;
    static final int MAX_BYTES = 1 << 20;

    private LogSegments() {
    }

    /** Records {@code from} (inclusive) up to the end of the segment that starts there (exclusive). */
    static int segmentEnd(List<byte[]> records, int from) {
        int end = from;
        long bytes = 0;
        while (end < records.size() && end - from < MAX_RECORDS && (end == from || bytes < MAX_BYTES)) {
            bytes += records.get(end).length;
            end++;
        }
        return end;
    }

    /** Encodes records {@code from..to-1}. */
    static byte[] encode(List<byte[]> records, int from, int to) {
        int size = 1;
        for (int i = from; i < to; i++) {
            int n = records.get(i).length;
            size = Math.addExact(size, varIntSize(n) + n);
        }
        byte[] out = new byte[size];
        out[0] = VERSION;
        int pos = 1;
        for (int i = from; i < to; i++) {
            byte[] r = records.get(i);
            pos = writeVarInt(out, pos, r.length);
            System.arraycopy(r, 0, out, pos, r.length);
            pos += r.length;
        }
        return out;
    }

    /** Position of the first record of a segment value (after the version byte, which it checks). */
    static int start(byte[] segment, String source, long firstOffset) {
        if (segment.length == 0 || segment[0] != VERSION) {
            throw corrupt(source, firstOffset, segment.length == 0 ? "empty value" : "unknown segment version " + segment[0]);
        }
        return 1;
    }

    /**
     * Reads the length of the record at {@code pos}: returns {@code (bytesStart << 32) | length},
     * where the record's bytes are {@code segment[bytesStart .. bytesStart + length)}; throws if the
     * length is malformed or the record would run past the value.
     */
    static long record(byte[] segment, int pos, String source, long offset) {
        int value = 0;
        for (int shift = 0; shift < 32; shift += 7) {
            if (pos >= segment.length) {
                throw corrupt(source, offset, "record length runs past the segment");
            }
            byte b = segment[pos++];
            value |= (b & 0x7f) << shift;
            if (b >= 0) {
                if (value < 0 || value > segment.length - pos) {
                    throw corrupt(source, offset, "record of " + Integer.toUnsignedString(value) + " bytes runs past the segment");
                }
                return ((long) pos << 32) | value;
            }
        }
        throw corrupt(source, offset, "record length is not a valid varint");
    }

    static CorruptStorageException corrupt(String source, long offset, String what) {
        return new CorruptStorageException("log of source " + source + ": segment at offset " + offset + ": " + what);
    }

    private static int varIntSize(int v) {
        int n = 1;
        while ((v & ~0x7f) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static int writeVarInt(byte[] out, int pos, int v) {
        while ((v & ~0x7f) != 0) {
            out[pos++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out[pos++] = (byte) v;
        return pos;
    }
}
