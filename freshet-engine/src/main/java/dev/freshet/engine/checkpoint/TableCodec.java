package dev.freshet.engine.checkpoint;

import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.codec.CorruptStateException;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.CompositeKey;
import dev.freshet.aggregation.state.TileTable;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The versioned binary format of a {@link TileTable}, used by checkpoints. This class owns the
 * layout; golden files in the test resources pin every version, which must keep decoding.
 *
 * <pre>
 * version 1 (all integers little-endian; varint = unsigned LEB128; string = varint length + UTF-8)
 *   magic        8 bytes  "FRSHTBL1"
 *   version      int32    1
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
 */
public final class TableCodec {
    public static final int VERSION = 1;
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
        if (bytes.length < MAGIC.length + 8) {
            throw new CorruptStateException("state too short: " + bytes.length + " bytes");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteReader tail = new ByteReader(bytes, bytes.length - 4, 4);
        if (tail.readInt() != (int) crc.getValue()) {
            throw new CorruptStateException("state checksum mismatch (corrupt or truncated)");
        }
        ByteReader in = new ByteReader(bytes, 0, bytes.length - 4);
        for (byte b : MAGIC) {
            if ((byte) in.readByte() != b) {
                throw new CorruptStateException("not a Freshet tile table (bad magic)");
            }
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new CorruptStateException("unsupported tile table version " + version + " (this build reads " + VERSION + ")");
        }
        String name = in.readString();
        String fingerprint = in.readString();
        if (!name.equals(view.name()) || !fingerprint.equals(view.fingerprint())) {
            throw new CorruptStateException("state of view " + name + " layout " + fingerprint
                    + " does not match view " + view.name() + " layout " + view.fingerprint());
        }
        long keys = in.readVarLong();
        // Every key takes at least a tag, a value byte and one byte per group: bound the count (and
        // the table's pre-sizing) by the input before allocating anything for it.
        long remaining = bytes.length - 4 - in.position();
        if (keys < 0 || keys > remaining / (2 + view.groups().size())) {
            throw new CorruptStateException("key count " + Long.toUnsignedString(keys) + " cannot fit in the remaining "
                    + remaining + " bytes");
        }
        TileTable table = new TileTable(view, (int) Math.min(keys, 1 << 20));
        for (long k = 0; k < keys; k++) {
            Object key = readKey(in, false);
            if (table.keyId(key) >= 0) {
                throw new CorruptStateException("duplicate key " + key + " at offset " + in.position());
            }
            int id = table.internKey(key);
            try {
                table.readKeyState(id, in);
            } catch (CorruptStateException e) {
                throw e;
            } catch (RuntimeException e) {
                // An aggregator's own decoder (e.g. a DataSketches image) rejected its bytes.
                throw new CorruptStateException("corrupt state of key " + key + " before offset " + in.position() + ": " + e, e);
            }
        }
        if (in.hasRemaining()) {
            throw new CorruptStateException("trailing bytes after tile table at offset " + in.position());
        }
        return table;
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
