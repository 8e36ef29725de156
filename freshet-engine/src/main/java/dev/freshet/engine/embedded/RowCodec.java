package dev.freshet.engine.embedded;

import dev.freshet.aggregation.codec.CorruptStateException;
import dev.freshet.engine.EventBatch;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The versioned binary layout of one event in the embedded event log: the row's values, driven by
 * the source schema, plus the coordinates the engine needs to apply it — its accept time
 * ({@code available_at}) and partition. This class owns the layout; golden files under
 * {@code src/test/resources/golden/embedded/} pin every version, which must keep decoding.
 *
 * <pre>
 * version 1 (integers little-endian; varint = unsigned LEB128; zigzag = signed varint)
 *   version      byte     1
 *   acceptTime   int64    available_at, epoch ms (fixed width at offset 1, so ingest can stamp it last)
 *   partition    varint
 *   fields       varint   number of schema fields n (must equal the decoding schema's)
 *   nulls        ceil(n / 8) bytes, bit i (LSB first) set = field i is null
 *   values       per non-null field, in schema order:
 *                  int64, timestamp  zigzag varint
 *                  float64           8 bytes, IEEE 754 raw bits
 *                  bool              1 byte (0 or 1)
 *                  string            varint byte length + UTF-8
 * </pre>
 *
 * A typical fraud event (two ids, an amount, a currency, a time, two coordinates) takes ~50 bytes,
 * against ~180 as JSON. Encoders are not thread-safe: one per thread ({@link #encodeBatch} makes
 * its own).
 */
public final class RowCodec {
    public static final int VERSION = 1;
    /** Offset of the fixed-width accept time. */
    static final int ACCEPT_TIME_OFFSET = 1;

    private RowCodec() {
    }

    /**
     * Encodes rows {@code 0..size-1} of {@code batch}, each with {@code acceptTime} and
     * {@code partition}. The accept time can be changed afterwards with {@link #stampAcceptTime}.
     */
    public static List<byte[]> encodeBatch(EventBatch batch, long acceptTime, int partition) {
        Encoder enc = new Encoder(batch.schema());
        List<byte[]> out = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            out.add(enc.encode(batch, r, acceptTime, partition));
        }
        return out;
    }

    /**
     * Makes each row of {@code batch} hold exactly what {@link #decodeInto} gives for its record:
     * a string that UTF-8 cannot carry — one holding an unpaired UTF-16 surrogate, which the
     * encoding writes as {@code '?'} — becomes the string its record decodes to, and a bool stored
     * as a number other than 0 or 1 becomes 1. Integers and raw double bits already round-trip.
     */
    public static void normalize(EventBatch batch) {
        for (int f = 0; f < batch.schema().size(); f++) {
            switch (batch.type(f)) {
                case STRING -> normalizeStrings(batch, f);
                case BOOL -> normalizeBools(batch, f);
                default -> {
                }
            }
        }
    }

    private static void normalizeStrings(EventBatch batch, int f) {
        for (int row = 0; row < batch.size(); row++) {
            if (batch.getObject(row, f) instanceof String s && hasSurrogate(s)) {
                String decoded = new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
                if (!decoded.equals(s)) {
                    batch.setString(row, f, decoded);
                }
            }
        }
    }

    private static void normalizeBools(EventBatch batch, int f) {
        for (int row = 0; row < batch.size(); row++) {
            long v = batch.getLong(row, f);
            if (!batch.isNull(row, f) && v != 0 && v != 1) {
                batch.setBool(row, f, true);
            }
        }
    }

    private static boolean hasSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** Overwrites the accept time of an encoded record in place. */
    public static void stampAcceptTime(byte[] record, long acceptTime) {
        checkHeader(record);
        for (int i = 0; i < 8; i++) {
            record[ACCEPT_TIME_OFFSET + i] = (byte) (acceptTime >>> (8 * i));
        }
    }

    /** The accept time of an encoded record. */
    public static long acceptTime(byte[] record) {
        checkHeader(record);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (record[ACCEPT_TIME_OFFSET + i] & 0xFFL) << (8 * i);
        }
        return v;
    }

    /** The partition of an encoded record. */
    public static int partition(byte[] record) {
        checkHeader(record);
        Reader in = new Reader(record, ACCEPT_TIME_OFFSET + 8);
        return in.partition();
    }

    private static void checkHeader(byte[] record) {
        if (record.length < ACCEPT_TIME_OFFSET + 8 + 2) {
            throw new CorruptStateException("event record too short: " + record.length + " bytes");
        }
        if (record[0] != VERSION) {
            throw new CorruptStateException("unsupported event record version " + record[0] + " (this build reads " + VERSION + ")");
        }
    }

    /**
     * Decodes a record into a new row of {@code batch} (whose schema must be the one it was written
     * with) and returns its position. Fails with {@link CorruptStateException} on a malformed record
     * or one written for a schema with another number of fields.
     */
    public static int decodeInto(byte[] record, EventBatch batch) {
        checkHeader(record);
        Schema schema = batch.schema();
        Reader in = new Reader(record, ACCEPT_TIME_OFFSET + 8);
        in.partition();
        int n = schema.size();
        long fields = in.varLong();
        if (fields != n) {
            throw new CorruptStateException("event record has " + fields + " fields, the schema has " + n);
        }
        int nullBytes = (n + 7) >>> 3;
        int nullsAt = in.pos;
        in.skip(nullBytes);
        int row = batch.addRow();
        try {
            for (int f = 0; f < n; f++) {
                if ((record[nullsAt + (f >>> 3)] & (1 << (f & 7))) != 0) {
                    continue;
                }
                switch (batch.type(f)) {
                    case INT64, TIMESTAMP -> batch.setLong(row, f, in.zigzag());
                    case FLOAT64 -> batch.setDouble(row, f, Double.longBitsToDouble(in.fixed64()));
                    case BOOL -> {
                        int b = in.byteValue();
                        if (b > 1) {
                            throw new CorruptStateException("bool field " + f + " holds " + b);
                        }
                        batch.setBool(row, f, b == 1);
                    }
                    case STRING -> batch.setString(row, f, in.string());
                }
            }
            if (in.pos != record.length) {
                throw new CorruptStateException("event record has " + (record.length - in.pos) + " trailing bytes");
            }
        } catch (RuntimeException e) {
            batch.removeLastRow();
            throw e;
        }
        return row;
    }

    /** Encodes single rows, reusing one buffer. Not thread-safe. */
    public static final class Encoder {
        private final Schema schema;
        private final FieldType[] types;
        private byte[] buf = new byte[128];
        private int pos;

        public Encoder(Schema schema) {
            this.schema = schema;
            this.types = new FieldType[schema.size()];
            for (int f = 0; f < types.length; f++) {
                types[f] = schema.field(f).type();
            }
        }

        public byte[] encode(EventBatch batch, int row, long acceptTime, int partition) {
            if (batch.schema() != schema && !batch.schema().equals(schema)) {
                throw new IllegalArgumentException("batch schema differs from the encoder's");
            }
            if (partition < 0) {
                throw new IllegalArgumentException("partition must be >= 0: " + partition);
            }
            int n = types.length;
            pos = 0;
            ensure(1 + 8 + 10 + 10 + ((n + 7) >>> 3));
            buf[pos++] = VERSION;
            for (int i = 0; i < 8; i++) {
                buf[pos++] = (byte) (acceptTime >>> (8 * i));
            }
            varLong(partition);
            varLong(n);
            int nullsAt = pos;
            int nullBytes = (n + 7) >>> 3;
            Arrays.fill(buf, pos, pos + nullBytes, (byte) 0);
            pos += nullBytes;
            for (int f = 0; f < n; f++) {
                if (batch.isNull(row, f)) {
                    buf[nullsAt + (f >>> 3)] |= (byte) (1 << (f & 7));
                    continue;
                }
                switch (types[f]) {
                    case INT64, TIMESTAMP -> {
                        long v = batch.getLong(row, f);
                        varLong((v << 1) ^ (v >> 63));
                    }
                    case FLOAT64 -> {
                        long bits = Double.doubleToRawLongBits(batch.getDouble(row, f));
                        ensure(8);
                        for (int i = 0; i < 8; i++) {
                            buf[pos++] = (byte) (bits >>> (8 * i));
                        }
                    }
                    case BOOL -> {
                        ensure(1);
                        buf[pos++] = (byte) (batch.getLong(row, f) != 0 ? 1 : 0);
                    }
                    case STRING -> string((String) batch.getObject(row, f));
                }
            }
            return Arrays.copyOf(buf, pos);
        }

        /**
         * Length and UTF-8 bytes. ASCII strings (ids, codes: nearly all) are copied char by char in
         * one pass, skipping the byte[] {@link String#getBytes} would allocate for every field of
         * every event; at the first other char the copy is undone and the string encoded as UTF-8.
         */
        private void string(String s) {
            int start = pos;
            int n = s.length();
            varLong(n);
            ensure(n);
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    pos = start;
                    byte[] b = s.getBytes(StandardCharsets.UTF_8);
                    varLong(b.length);
                    ensure(b.length);
                    System.arraycopy(b, 0, buf, pos, b.length);
                    pos += b.length;
                    return;
                }
                buf[pos++] = (byte) c;
            }
        }

        private void varLong(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        private void ensure(int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }
    }

    /** Bounds-checked reading of one record. */
    private static final class Reader {
        private final byte[] b;
        private int pos;

        Reader(byte[] b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        private void need(int n) {
            if (n < 0 || pos + n > b.length) {
                throw new CorruptStateException("event record truncated: need " + n + " bytes at offset " + pos + " of " + b.length);
            }
        }

        void skip(int n) {
            need(n);
            pos += n;
        }

        int byteValue() {
            need(1);
            return b[pos++] & 0xFF;
        }

        long varLong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int x = byteValue();
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new CorruptStateException("varint longer than 10 bytes at offset " + pos);
        }

        int partition() {
            long p = varLong();
            if (p < 0 || p > Integer.MAX_VALUE) {
                throw new CorruptStateException("partition out of range: " + p);
            }
            return (int) p;
        }

        long zigzag() {
            long v = varLong();
            return (v >>> 1) ^ -(v & 1);
        }

        long fixed64() {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v |= (b[pos++] & 0xFFL) << (8 * i);
            }
            return v;
        }

        String string() {
            long n = varLong();
            if (n < 0 || n > b.length - pos) {
                throw new CorruptStateException("string length " + n + " exceeds the record at offset " + pos);
            }
            String s = new String(b, pos, (int) n, StandardCharsets.UTF_8);
            pos += (int) n;
            return s;
        }
    }
}
