package dev.freshet.engine.checkpoint;

import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.state.TileTable;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One {@link TableCodec} image of a table as of a cut, encoded in steps while the table keeps
 * changing: copy before write.
 *
 * <p>Encoding a large table at once stalls its single writer (the engine thread) for the whole
 * encode: 100,000 fraud cards (200 MB) take ~0.6 s, so every periodic checkpoint held back applying
 * events, and with it freshness and held-event releases. Instead the cut fixes the key count and
 * the snapshot registers as the table's {@link TileTable.WriteListener}; the engine thread encodes a
 * few hundred keys per step between batches ({@link #advance}, in key-id order), and an event about
 * to change a key the cursor has not reached first encodes that key's state as of the cut, to be
 * put in place when the cursor gets there. Keys added after the cut (ids at or above the cut's
 * count) are not part of it. The image is byte for byte what {@link TableCodec#encode} would have
 * produced at the cut.
 *
 * <p>Nothing is copied in proportion to the whole state on the engine thread: each step's bytes
 * become one chunk (and feed the checksum), at most {@value #CHUNK_BYTES} bytes plus a key, and the
 * chunks are joined into parts by {@link Image#toParts}, which a checkpoint calls on its own thread.
 *
 * <p>Engine (writer) thread only, apart from {@link Image}. {@link #complete} (or {@link #abandon},
 * for a cut that failed) detaches the listener.
 * A table has at most one stepwise snapshot at a time.
 */
public final class TableSnapshot implements TileTable.WriteListener {
    /** A chunk ends once it holds this much: no single array grows with the table. */
    private static final int CHUNK_BYTES = 16 << 20;

    private final TileTable table;
    private final int keys;
    /** The table's latest event time at the cut: keys encoded later are written as of the cut. */
    private final long cutMaxEventTime;
    private final boolean listening;
    /** The current step's bytes; moved to {@link #chunks} after each step. */
    private final ByteWriter out = new ByteWriter(1 << 16);
    private final List<byte[]> chunks = new ArrayList<>();
    private final CRC32C crc = new CRC32C();
    private long imageBytes;
    /** Keys encoded ahead of the cursor, by id (null = not yet). */
    private byte[][] early;
    private ByteWriter earlyScratch;
    private int cursor;
    private int earlyKeys;
    private boolean finished;

    /**
     * Cuts {@code table} now for encoding in steps: its current keys, each with its state as of this
     * call, whatever events are applied before {@link #complete}.
     */
    public static TableSnapshot stepwise(TileTable table) {
        return new TableSnapshot(table, true);
    }

    /** An image encoded at once by {@link #finish} with no writes in between (no listener). */
    static TableSnapshot atOnce(TileTable table) {
        return new TableSnapshot(table, false);
    }

    private TableSnapshot(TileTable table, boolean listening) {
        this.table = table;
        this.keys = table.keyCount();
        this.cutMaxEventTime = table.maxEventTime();
        this.listening = listening;
        for (byte b : TableCodec.MAGIC) {
            out.writeByte(b);
        }
        out.writeInt(TableCodec.VERSION);
        out.writeString(table.view().name());
        out.writeString(table.view().fingerprint());
        out.writeVarLong(keys);
        endChunk();
        if (listening) {
            table.setWriteListener(this);
        }
    }

    @Override
    public void beforeWrite(int keyId) {
        if (keyId < cursor || keyId >= keys) {
            return; // already in the image, or not part of the cut
        }
        if (early == null) {
            early = new byte[keys][];
            earlyScratch = new ByteWriter(1 << 12);
        }
        if (early[keyId] == null) {
            earlyScratch.clear();
            encodeKey(keyId, earlyScratch);
            early[keyId] = earlyScratch.toByteArray();
            earlyKeys++;
        }
    }

    private void encodeKey(int id, ByteWriter to) {
        TableCodec.writeKey(table.key(id), to);
        table.writeKeyState(id, to, cutMaxEventTime);
    }

    /** Encodes up to {@code maxKeys} more keys; returns true once every key of the cut is encoded. */
    public boolean advance(int maxKeys) {
        if (finished) {
            throw new IllegalStateException("snapshot already finished");
        }
        for (int budget = maxKeys; cursor < keys && budget > 0; budget--, cursor++) {
            byte[] copied = early == null ? null : early[cursor];
            if (copied == null) {
                encodeKey(cursor, out);
            } else {
                out.writeRaw(copied);
                early[cursor] = null;
            }
            if (out.size() >= CHUNK_BYTES) {
                endChunk();
            }
        }
        endChunk();
        return cursor == keys;
    }

    private void endChunk() {
        if (out.size() > 0) {
            out.updateChecksum(crc);
            byte[] chunk = out.toByteArray();
            chunks.add(chunk);
            imageBytes += chunk.length;
            out.clear();
        }
    }

    /** Keys of the cut. */
    public int keys() {
        return keys;
    }

    /** Keys whose state an event was about to change before the cursor reached them. */
    public int keysCopiedBeforeWrite() {
        return earlyKeys;
    }

    /** Encodes whatever is left and detaches from the table; the image may be joined on any thread. */
    public Image complete() {
        advance(Integer.MAX_VALUE);
        out.writeInt((int) crc.getValue());
        byte[] trailer = out.toByteArray();
        chunks.add(trailer);
        imageBytes += trailer.length;
        detach();
        return new Image(List.copyOf(chunks), imageBytes);
    }

    /** {@link #complete} and join, on this thread. */
    public byte[] finish() {
        return complete().toByteArray();
    }

    /**
     * Detaches from the table without completing the image, for a cut that failed part-way: a
     * table has one listener at a time, so a snapshot left attached fails every later cut of it.
     */
    public void abandon() {
        detach();
    }

    private void detach() {
        finished = true;
        early = null;
        earlyScratch = null;
        if (listening) {
            table.setWriteListener(null);
        }
    }

    /** A completed image, in chunks. */
    public static final class Image {
        private final List<byte[]> chunks;
        private final long bytes;

        Image(List<byte[]> chunks, long bytes) {
            this.chunks = chunks;
            this.bytes = bytes;
        }

        /** The image as one array (at most 2 GB; see {@link #toParts}). */
        public byte[] toByteArray() {
            return join(chunks, bytes);
        }

        /**
         * The image cut into consecutive parts of at most about {@code maxPartBytes} each, at key
         * boundaries (every part after the first starts with a key; the 4-byte checksum ends the
         * last), for {@link TableCodec#decode(List, dev.freshet.aggregation.plan.CompiledView)}.
         * One part when the image fits.
         */
        public List<byte[]> toParts(long maxPartBytes) {
            List<byte[]> parts = new ArrayList<>();
            List<byte[]> current = new ArrayList<>();
            long size = 0;
            for (int i = 0; i < chunks.size(); i++) {
                byte[] c = chunks.get(i);
                boolean trailer = i == chunks.size() - 1;
                if (!current.isEmpty() && !trailer && size + c.length > maxPartBytes) {
                    parts.add(join(current, size));
                    current.clear();
                    size = 0;
                }
                current.add(c);
                size += c.length;
            }
            parts.add(join(current, size));
            return parts;
        }

        private static byte[] join(List<byte[]> pieces, long size) {
            if (size > MAX_PART) {
                throw new IllegalStateException("a table image part of " + size + " bytes exceeds one array: store it in smaller parts");
            }
            byte[] all = new byte[(int) size];
            int at = 0;
            for (byte[] c : pieces) {
                System.arraycopy(c, 0, all, at, c.length);
                at += c.length;
            }
            return all;
        }
    }

    /** Largest Java array we create. */
    private static final long MAX_PART = Integer.MAX_VALUE - 16;
}
