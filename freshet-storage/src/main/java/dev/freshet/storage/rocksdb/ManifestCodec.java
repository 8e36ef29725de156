package dev.freshet.storage.rocksdb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The versioned format of a checkpoint manifest, the value under a checkpoint id in the
 * {@code checkpoints} column family. A checkpoint exists if and only if its manifest does; the
 * manifest lists the blobs whose chunks live in {@code checkpoint_chunks}. Golden files in the test
 * resources pin every version, which must keep decoding.
 *
 * <pre>
 * version 1 (big-endian; string = int32 byte length + UTF-8)
 *   magic           4 bytes  "FCKP"
 *   version         int32    1
 *   id              int64    checkpoint id (equals the key)
 *   createdAtMillis int64    as given by the caller
 *   formatVersion   int32    the caller's blob format version
 *   chunkBytes      int32    chunk size the blobs were cut into
 *   positions       int32 n, then n × (string source, int64 next offset), sorted by source
 *   blobs           int32 n, then n × (string name, int64 length, int32 chunk count, int32 CRC-32C
 *                   of the blob), sorted by name; blob i's chunks are keys (id, i, 0 .. count-1)
 *   crc             int32    CRC-32C of every preceding byte
 * </pre>
 */
final class ManifestCodec {
    static final int VERSION = 1;
    private static final byte[] MAGIC = "FCKP".getBytes(StandardCharsets.US_ASCII);

    private ManifestCodec() {
    }

    /** One blob of a checkpoint: its name, length, number of chunks and CRC-32C. */
    record BlobEntry(String name, long length, int chunks, int crc) {
    }

    /** A decoded manifest. */
    record Manifest(long id, long createdAtMillis, int formatVersion, int chunkBytes, Map<String, Long> positions,
                    List<BlobEntry> blobs) {
    }

    static byte[] encode(Manifest m) {
        BinaryWriter w = new BinaryWriter().raw(MAGIC).int32(VERSION).int64(m.id()).int64(m.createdAtMillis())
                .int32(m.formatVersion()).int32(m.chunkBytes()).int32(m.positions().size());
        m.positions().forEach((source, offset) -> w.string(source).int64(offset));
        w.int32(m.blobs().size());
        for (BlobEntry b : m.blobs()) {
            w.string(b.name()).int64(b.length()).int32(b.chunks()).int32(b.crc());
        }
        return w.finishWithCrc();
    }

    static Manifest decode(byte[] bytes) {
        BinaryReader r = BinaryReader.checked(bytes, "checkpoint manifest");
        if (!Arrays.equals(r.raw(MAGIC.length), MAGIC)) {
            throw r.corrupt("bad magic");
        }
        int version = r.int32();
        if (version != VERSION) {
            throw r.corrupt("unsupported version " + version + " (this build reads " + VERSION + ")");
        }
        long id = r.int64();
        long created = r.int64();
        int formatVersion = r.int32();
        int chunkBytes = r.int32();
        int npos = count(r);
        Map<String, Long> positions = new LinkedHashMap<>();
        for (int i = 0; i < npos; i++) {
            positions.put(r.nonNullString(), r.int64());
        }
        int nblobs = count(r);
        List<BlobEntry> blobs = new ArrayList<>(nblobs);
        for (int i = 0; i < nblobs; i++) {
            blobs.add(new BlobEntry(r.nonNullString(), r.int64(), r.int32(), r.int32()));
        }
        r.expectEnd();
        return new Manifest(id, created, formatVersion, chunkBytes, positions, blobs);
    }

    private static int count(BinaryReader r) {
        int n = r.int32();
        if (n < 0) {
            throw r.corrupt("negative count " + n);
        }
        return n;
    }
}
