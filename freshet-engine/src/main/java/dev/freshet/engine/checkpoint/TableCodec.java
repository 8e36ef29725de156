package dev.freshet.engine.checkpoint;

import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.codec.CorruptStateException;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.CompositeKey;
import dev.freshet.aggregation.state.TileTable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The versioned binary format of a {@link TileTable}, used by checkpoints. This class owns the
 * layout; golden files in the test resources pin every version, which must keep decoding.
 *
 * <pre>
 * version 2 (all integers little-endian; varint = unsigned LEB128; string = varint length + UTF-8)
 *   magic        8 bytes  "FRSHTBL1"
 *   version      int32    2 (or 1)
 *   view         string   view name
 *   fingerprint  string   CompiledView.fingerprint() of the layout that wrote it
 *   keys         varint   number of keys
 *   per key:
 *     key        tagged value: 1 string | 2 int64 | 3 float64 | 4 bool | 5 composite (varint n, n tagged values)
 *     per group, in plan order:
 *       tiles    varint   number of tiles (lifetime groups: exactly one tile, no count)
 *       per tile: stride int64 slots (header [tile id, max event time, event count] + aggregator slots),
 *                 then per object aggregator: 0 (empty) | 1 + the aggregator's own encoding
 *   crc          int32    CRC-32C of every preceding byte
 * </pre>
 *
 * <p>Version 2 differs from version 1 only inside approx_count_distinct IRs: besides the library's
 * updatable HLL image, such an IR may be a coupon list (its bytes begin with 0; see
 * {@code HllDistinctAggregator}), which version-1 readers cannot decode. Version 1 images still
 * decode: their HLL IRs come back as library unions, which answer and encode as before.</p>
 *
 * <p>An image may be stored in consecutive parts cut at key boundaries (the first holds the header,
 * the last ends with the checksum): {@link #decode(List, CompiledView)} reads them as one.</p>
 */
public final class TableCodec {
    public static final int VERSION = 2;
    /** The oldest version this build decodes. */
    static final int OLDEST_READABLE = 1;
    static final byte[] MAGIC = "FRSHTBL1".getBytes(StandardCharsets.US_ASCII);

    private TableCodec() {
    }

    /** The image of the table as it is now (engine thread; see {@link TableSnapshot} for one taken in steps). */
    public static byte[] encode(TileTable table) {
        return TableSnapshot.atOnce(table).finish();
    }

    /**
     * Decodes a table for {@code view}. Fails with {@link CorruptStateException} on a damaged or
     * truncated input, an unknown version, state written by a different view layout, and on
     * malformed content behind a valid checksum (impossible key counts, duplicate or nested keys,
     * aggregator images their decoder rejects) — never with another exception or a huge allocation.
     */
    public static TileTable decode(byte[] bytes, CompiledView view) {
        return decode(List.of(bytes), view);
    }

    /**
     * Decodes an image stored in consecutive parts ({@link TableSnapshot.Image#toParts}): the same
     * bytes as one image, cut at key boundaries, so no single array holds a table larger than 2 GB.
     * The checksum covers every part; a missing, extra or reordered part fails it.
     */
    public static TileTable decode(List<byte[]> parts, CompiledView view) {
        if (parts.isEmpty()) {
            throw new CorruptStateException("state has no parts");
        }
        long total = 0;
        for (byte[] p : parts) {
            total += p.length;
        }
        byte[] last = parts.getLast();
        if (total < MAGIC.length + 8 || last.length < 4) {
            throw new CorruptStateException("state too short: " + total + " bytes");
        }
        CRC32C crc = new CRC32C();
        for (int i = 0; i < parts.size(); i++) {
            byte[] p = parts.get(i);
            crc.update(p, 0, i == parts.size() - 1 ? p.length - 4 : p.length);
        }
        ByteReader tail = new ByteReader(last, last.length - 4, 4);
        if (tail.readInt() != (int) crc.getValue()) {
            throw new CorruptStateException("state checksum mismatch (corrupt or truncated)");
        }
        PartReader in = new PartReader(parts);
        ByteReader header = in.current();
        for (byte b : MAGIC) {
            if ((byte) header.readByte() != b) {
                throw new CorruptStateException("not a Freshet tile table (bad magic)");
            }
        }
        int version = header.readInt();
        if (version < OLDEST_READABLE || version > VERSION) {
            throw new CorruptStateException("unsupported tile table version " + version + " (this build reads "
                    + OLDEST_READABLE + " to " + VERSION + ")");
        }
        String name = header.readString();
        String fingerprint = header.readString();
        if (!name.equals(view.name()) || !fingerprint.equals(view.fingerprint())) {
            throw new CorruptStateException("state of view " + name + " layout " + fingerprint
                    + " does not match view " + view.name() + " layout " + view.fingerprint());
        }
        long keys = header.readVarLong();
        // Every key takes at least a tag, a value byte and one byte per group: bound the count (and
        // the table's pre-sizing) by the input before allocating anything for it.
        long remaining = total - 4 - header.position();
        if (keys < 0 || keys > remaining / (2 + view.groups().size())) {
            throw new CorruptStateException("key count " + Long.toUnsignedString(keys) + " cannot fit in the remaining "
                    + remaining + " bytes");
        }
        TileTable table = new TileTable(view, (int) Math.min(keys, 1 << 20));
        for (long k = 0; k < keys; k++) {
            ByteReader r = in.nextKey();
            Object key = readKey(r, false);
            if (table.keyId(key) >= 0) {
                throw new CorruptStateException("duplicate key " + key + " at " + in.where());
            }
            int id = table.internKey(key);
            try {
                table.readKeyState(id, r);
            } catch (CorruptStateException e) {
                throw e;
            } catch (RuntimeException e) {
                // An aggregator's own decoder (e.g. a DataSketches image) rejected its bytes.
                throw new CorruptStateException("corrupt state of key " + key + " before " + in.where() + ": " + e, e);
            }
        }
        if (in.hasRemaining()) {
            throw new CorruptStateException("trailing bytes after tile table at " + in.where());
        }
        return table;
    }

    /** Reads parts in order; a key never spans two parts (the last part's reader stops before the checksum). */
    private static final class PartReader {
        private final List<byte[]> parts;
        private int index;
        private ByteReader current;

        PartReader(List<byte[]> parts) {
            this.parts = parts;
            this.current = reader(0);
        }

        private ByteReader reader(int i) {
            byte[] p = parts.get(i);
            return new ByteReader(p, 0, i == parts.size() - 1 ? p.length - 4 : p.length);
        }

        ByteReader current() {
            return current;
        }

        /** The reader positioned at the next key: the next part's once this one is used up. */
        ByteReader nextKey() {
            while (!current.hasRemaining() && index < parts.size() - 1) {
                current = reader(++index);
            }
            return current;
        }

        boolean hasRemaining() {
            nextKey();
            return current.hasRemaining();
        }

        String where() {
            return "part " + index + " offset " + current.position();
        }
    }

    static void writeKey(Object key, ByteWriter out) {
        switch (key) {
            case String s -> out.writeByte(1).writeString(s);
            case Long l -> out.writeByte(2).writeLong(l);
            case Double d -> out.writeByte(3).writeDouble(d);
            case Boolean b -> out.writeByte(4).writeByte(b ? 1 : 0);
            case CompositeKey c -> {
                out.writeByte(5).writeVarLong(c.size());
                for (int i = 0; i < c.size(); i++) {
                    writeKey(c.part(i), out);
                }
            }
            default -> throw new IllegalArgumentException("unsupported key type " + key.getClass().getName());
        }
    }

    static Object readKey(ByteReader in, boolean insideComposite) {
        int tag = in.readByte();
        return switch (tag) {
            case 1 -> in.readString();
            case 2 -> in.readLong();
            case 3 -> in.readDouble();
            case 4 -> in.readByte() != 0;
            case 5 -> {
                if (insideComposite) {
                    throw new CorruptStateException("nested composite key at offset " + in.position());
                }
                int n = in.readLength();
                Object[] parts = new Object[n];
                for (int i = 0; i < n; i++) {
                    parts[i] = readKey(in, true);
                }
                yield new CompositeKey(parts);
            }
            default -> throw new CorruptStateException("unknown key tag " + tag);
        };
    }
}
