package dev.freshet.storage.rocksdb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Owns every key layout of the data directory. All integers are big-endian so that RocksDB's
 * bytewise key order is numeric order (ids and offsets are never negative).
 *
 * <pre>
 * column family       key                                                    value
 * default             "freshet.storage.format"                               int32 storage format version (1)
 * log_sources         source name, UTF-8                                     int32 source id (1, 2, ...)
 * log                 int32 source id | int64 first offset | int32 count     segment of count records ({@link LogSegments})
 *                     int32 source id | int64 offset                         one record (written before segments; still read)
 * checkpoints         int64 checkpoint id                                    manifest ({@link ManifestCodec})
 * checkpoint_chunks   int64 checkpoint id | int32 blob index | int32 chunk   chunk of a blob
 * dead_letters        'L' | int64 id                                         letter ({@link DeadLetterCodec})
 *                     'R' | uint16 n | reason (n bytes UTF-8) | int64 id      empty (index by reason)
 *                     'E' | uint16 n | source (n bytes UTF-8) | int32 partition | int64 seq
 *                                                                            int64 id (deduplication)
 *                     'C' | reason UTF-8                                     int64 count of that reason
 *                     'N'                                                    int64 largest id ever assigned
 * </pre>
 */
final class Keys {
    static final byte[] FORMAT_KEY = "freshet.storage.format".getBytes(StandardCharsets.US_ASCII);
    static final int LOG_KEY_BYTES = 12;
    static final int SEGMENT_KEY_BYTES = 16;
    static final int CHUNK_KEY_BYTES = 16;
    static final byte LETTER = 'L';
    static final byte BY_REASON = 'R';
    static final byte BY_EVENT = 'E';
    static final byte COUNT = 'C';
    /** The largest letter id ever assigned: removed letters must not give their ids back. */
    static final byte[] LAST_LETTER_ID = {'N'};

    private Keys() {
    }

    static byte[] int32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    static int int32(byte[] b) {
        return ByteBuffer.wrap(b).getInt();
    }

    static byte[] int64(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    static long int64(byte[] b) {
        return ByteBuffer.wrap(b).getLong();
    }

    static byte[] logKey(int sourceId, long offset) {
        return ByteBuffer.allocate(LOG_KEY_BYTES).putInt(sourceId).putLong(offset).array();
    }

    /**
     * The key of a segment of {@code count} records from {@code firstOffset}. It shares its first
     * 12 bytes with {@link #logKey}, so segments and single-record keys sort together by offset.
     */
    static byte[] segmentKey(int sourceId, long firstOffset, int count) {
        return ByteBuffer.allocate(SEGMENT_KEY_BYTES).putInt(sourceId).putLong(firstOffset).putInt(count).array();
    }

    /** Records under a log key: the count of a segment key, 1 for a single-record key. */
    static int logKeyCount(byte[] key) {
        return key.length == SEGMENT_KEY_BYTES ? ByteBuffer.wrap(key).getInt(LOG_KEY_BYTES) : 1;
    }

    static boolean isSegmentKey(byte[] key) {
        return key.length == SEGMENT_KEY_BYTES;
    }

    static int logKeySource(byte[] key) {
        return ByteBuffer.wrap(key).getInt(0);
    }

    static long logKeyOffset(byte[] key) {
        return ByteBuffer.wrap(key).getLong(4);
    }

    static byte[] checkpointKey(long id) {
        return int64(id);
    }

    static byte[] chunkKey(long checkpointId, int blob, int chunk) {
        return ByteBuffer.allocate(CHUNK_KEY_BYTES).putLong(checkpointId).putInt(blob).putInt(chunk).array();
    }

    static long chunkKeyCheckpoint(byte[] key) {
        return ByteBuffer.wrap(key).getLong(0);
    }

    static int chunkKeyBlob(byte[] key) {
        return ByteBuffer.wrap(key).getInt(8);
    }

    static int chunkKeyChunk(byte[] key) {
        return ByteBuffer.wrap(key).getInt(12);
    }

    static byte[] letterKey(long id) {
        return ByteBuffer.allocate(9).put(LETTER).putLong(id).array();
    }

    static long letterKeyId(byte[] key) {
        return ByteBuffer.wrap(key).getLong(1);
    }

    /** 'R' | uint16 n | reason: the prefix of every index key of one reason. */
    static byte[] reasonPrefix(String reason) {
        byte[] r = shortString(reason);
        return ByteBuffer.allocate(3 + r.length).put(BY_REASON).putShort((short) r.length).put(r).array();
    }

    static byte[] reasonKey(byte[] reasonPrefix, long id) {
        return ByteBuffer.allocate(reasonPrefix.length + 8).put(reasonPrefix).putLong(id).array();
    }

    static long reasonKeyId(byte[] key) {
        return ByteBuffer.wrap(key).getLong(key.length - 8);
    }

    static byte[] eventKey(String source, int partition, long seq) {
        byte[] prefix = eventKeyPrefix(source);
        return ByteBuffer.allocate(prefix.length + 12).put(prefix).putInt(partition).putLong(seq).array();
    }

    /** The first bytes of every deduplication key of {@code source} ({@code 'E'} · length · source). */
    static byte[] eventKeyPrefix(String source) {
        byte[] s = shortString(source);
        return ByteBuffer.allocate(3 + s.length).put(BY_EVENT).putShort((short) s.length).put(s).array();
    }

    static byte[] countKey(String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + r.length).put(COUNT).put(r).array();
    }

    static String countKeyReason(byte[] key) {
        return new String(key, 1, key.length - 1, StandardCharsets.UTF_8);
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] shortString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException("longer than 65535 bytes in UTF-8: " + s.substring(0, 40) + "...");
        }
        return b;
    }
}
