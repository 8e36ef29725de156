package dev.freshet.engine.embedded;

import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.codec.CorruptStateException;
import dev.freshet.aggregation.watermark.DropReason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The versioned binary layout of a {@link DriverState} (one blob per source in an embedded
 * checkpoint). This class owns the layout; golden files pin every version, which must keep decoding.
 *
 * <pre>
 * version 1 (integers little-endian; varint = unsigned LEB128; string/bytes = varint length + content)
 *   magic          8 bytes  "FRSHDRV1"
 *   version        int32    1
 *   source         string
 *   nextOffset     varint
 *   clock          int64
 *   appliedEvents  varint
 *   partitions     varint   p, then p × int64 max event time
 *   drops          varint   d, then d × (string reason name, varint count)   (non-zero counts only)
 *   held           varint   h, then h × (varint seq, int64 event time, bytes RowCodec record)
 *   crc            int32    CRC-32C of every preceding byte
 * </pre>
 */
final class DriverStateCodec {
    static final int VERSION = 1;
    private static final byte[] MAGIC = "FRSHDRV1".getBytes(StandardCharsets.US_ASCII);

    private DriverStateCodec() {
    }

    static byte[] encode(DriverState s) {
        ByteWriter out = new ByteWriter(256);
        for (byte b : MAGIC) {
            out.writeByte(b);
        }
        out.writeInt(VERSION);
        out.writeString(s.source());
        out.writeVarLong(s.nextOffset());
        out.writeLong(s.clock());
        out.writeVarLong(s.appliedEvents());
        out.writeVarLong(s.maxEventTimes().length);
        for (long m : s.maxEventTimes()) {
            out.writeLong(m);
        }
        List<Map.Entry<DropReason, Long>> drops = s.drops().entrySet().stream().filter(e -> e.getValue() != 0).toList();
        out.writeVarLong(drops.size());
        for (Map.Entry<DropReason, Long> e : drops) {
            out.writeString(e.getKey().name());
            out.writeVarLong(e.getValue());
        }
        out.writeVarLong(s.held().size());
        for (DriverState.HeldEvent h : s.held()) {
            out.writeVarLong(h.seq());
            out.writeLong(h.eventTime());
            out.writeBytes(h.record());
        }
        CRC32C crc = new CRC32C();
        byte[] body = out.toByteArray();
        crc.update(body);
        out.writeInt((int) crc.getValue());
        return out.toByteArray();
    }

    /** Decodes; {@link CorruptStateException} on damaged, truncated or malformed input. */
    static DriverState decode(byte[] bytes) {
        if (bytes.length < MAGIC.length + 8) {
            throw new CorruptStateException("driver state too short: " + bytes.length + " bytes");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if (new ByteReader(bytes, bytes.length - 4, 4).readInt() != (int) crc.getValue()) {
            throw new CorruptStateException("driver state checksum mismatch (corrupt or truncated)");
        }
        ByteReader in = new ByteReader(bytes, 0, bytes.length - 4);
        for (byte b : MAGIC) {
            if ((byte) in.readByte() != b) {
                throw new CorruptStateException("not a Freshet driver state (bad magic)");
            }
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new CorruptStateException("unsupported driver state version " + version + " (this build reads " + VERSION + ")");
        }
        String source = in.readString();
        long nextOffset = nonNegative(in.readVarLong(), "next offset");
        long clock = in.readLong();
        long applied = nonNegative(in.readVarLong(), "applied events");
        int partitions = in.readLength();
        if (partitions > (bytes.length - in.position()) / 8) {
            throw new CorruptStateException("partition count " + partitions + " cannot fit");
        }
        long[] max = new long[partitions];
        for (int p = 0; p < partitions; p++) {
            max[p] = in.readLong();
        }
        int reasons = in.readLength();
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        for (int i = 0; i < reasons; i++) {
            String name = in.readString();
            DropReason reason;
            try {
                reason = DropReason.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new CorruptStateException("unknown drop reason " + name, e);
            }
            if (drops.put(reason, nonNegative(in.readVarLong(), "drop count")) != null) {
                throw new CorruptStateException("drop reason " + name + " twice");
            }
        }
        int heldCount = in.readLength();
        List<DriverState.HeldEvent> held = new ArrayList<>(heldCount);
        for (int i = 0; i < heldCount; i++) {
            long seq = nonNegative(in.readVarLong(), "held seq");
            long eventTime = in.readLong();
            held.add(new DriverState.HeldEvent(seq, eventTime, in.readBytes()));
        }
        if (in.hasRemaining()) {
            throw new CorruptStateException("trailing bytes after driver state at offset " + in.position());
        }
        return new DriverState(source, nextOffset, clock, applied, max, drops, held);
    }

    private static long nonNegative(long v, String what) {
        if (v < 0) {
            throw new CorruptStateException(what + " out of range: " + Long.toUnsignedString(v));
        }
        return v;
    }
}
