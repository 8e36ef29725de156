package dev.freshet.storage.rocksdb;

import dev.freshet.storage.DeadLetterRecord;

/**
 * The versioned format of a stored dead letter (value of a {@code 'L' | id} key in
 * {@code dead_letters}). Golden files in the test resources pin every version, which must keep
 * decoding.
 *
 * <pre>
 * version 1 (big-endian; string = int32 byte length + UTF-8, length -1 = null)
 *   version     int8    1
 *   source      string
 *   partition   int32
 *   seq         int64
 *   eventTime   int64
 *   acceptTime  int64
 *   reason      string
 *   detail      string
 *   payload     string or null
 *   crc         int32   CRC-32C of every preceding byte
 * </pre>
 */
final class DeadLetterCodec {
    static final int VERSION = 1;

    private DeadLetterCodec() {
    }

    static byte[] encode(DeadLetterRecord d) {
        return new BinaryWriter().int8(VERSION).string(d.source()).int32(d.partition()).int64(d.seq())
                .int64(d.eventTime()).int64(d.acceptTime()).string(d.reason()).string(d.detail()).string(d.payload())
                .finishWithCrc();
    }

    static DeadLetterRecord decode(byte[] bytes) {
        BinaryReader r = BinaryReader.checked(bytes, "dead letter");
        int version = r.int8();
        if (version != VERSION) {
            throw r.corrupt("unsupported version " + version + " (this build reads " + VERSION + ")");
        }
        DeadLetterRecord d = new DeadLetterRecord(r.nonNullString(), r.int32(), r.int64(), r.int64(), r.int64(),
                r.nonNullString(), r.nonNullString(), r.string());
        r.expectEnd();
        return d;
    }
}
