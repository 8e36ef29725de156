package dev.freshet.engine.embedded;

import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.codec.CorruptStateException;
import dev.freshet.model.spec.SourceSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The {@code meta} blob of an embedded checkpoint: per source, a signature of everything that
 * shapes how its events are judged and decoded, and the layout fingerprint of each of its views. A
 * restart restores a source from the checkpoint only if both still match the definitions; otherwise
 * it rebuilds that source by replaying its whole log (sources are independent: each has its own
 * driver and views).
 *
 * <pre>
 * version 1 (integers little-endian; varint = unsigned LEB128; string = varint length + UTF-8)
 *   magic      8 bytes  "FRSHCKM1"
 *   version    int32    1
 *   sources    varint   n, then per source (sorted by name):
 *     name        string
 *     signature   string   {@link #signature(SourceSpec)}
 *     views       varint   m, then m × (string view name, string CompiledView fingerprint), sorted by name
 *   crc        int32    CRC-32C of every preceding byte
 * </pre>
 *
 * @param sources source name → its entry
 */
record CheckpointMeta(Map<String, SourceEntry> sources) {
    static final int VERSION = 1;
    private static final byte[] MAGIC = "FRSHCKM1".getBytes(StandardCharsets.US_ASCII);

    CheckpointMeta {
        sources = java.util.Collections.unmodifiableMap(new TreeMap<>(sources));
    }

    /**
     * @param signature {@link #signature(SourceSpec)}
     * @param views     view name → layout fingerprint
     */
    record SourceEntry(String signature, Map<String, String> views) {
        SourceEntry {
            views = java.util.Collections.unmodifiableMap(new TreeMap<>(views));
        }
    }

    /**
     * Hash of what decides how a source's log is decoded and judged: schema, event-time field,
     * allowed lateness, max future skew, and the log record version.
     */
    static String signature(SourceSpec s) {
        String text = "v1|" + RowCodec.VERSION + "|" + s.schema().fields() + "|" + s.eventTimeField() + "|"
                + s.allowedLateness().toMillis() + "|" + s.maxFutureSkew().toMillis();
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    byte[] encode() {
        ByteWriter out = new ByteWriter(256);
        for (byte b : MAGIC) {
            out.writeByte(b);
        }
        out.writeInt(VERSION);
        out.writeVarLong(sources.size());
        sources.forEach((name, entry) -> {
            out.writeString(name);
            out.writeString(entry.signature());
            out.writeVarLong(entry.views().size());
            entry.views().forEach((view, fingerprint) -> {
                out.writeString(view);
                out.writeString(fingerprint);
            });
        });
        CRC32C crc = new CRC32C();
        crc.update(out.toByteArray());
        out.writeInt((int) crc.getValue());
        return out.toByteArray();
    }

    static CheckpointMeta decode(byte[] bytes) {
        if (bytes.length < MAGIC.length + 8) {
            throw new CorruptStateException("checkpoint meta too short: " + bytes.length + " bytes");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if (new ByteReader(bytes, bytes.length - 4, 4).readInt() != (int) crc.getValue()) {
            throw new CorruptStateException("checkpoint meta checksum mismatch");
        }
        ByteReader in = new ByteReader(bytes, 0, bytes.length - 4);
        for (byte b : MAGIC) {
            if ((byte) in.readByte() != b) {
                throw new CorruptStateException("not a Freshet checkpoint meta (bad magic)");
            }
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new CorruptStateException("unsupported checkpoint meta version " + version + " (this build reads " + VERSION + ")");
        }
        int n = in.readLength();
        Map<String, SourceEntry> sources = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String name = in.readString();
            String signature = in.readString();
            int m = in.readLength();
            Map<String, String> views = new TreeMap<>();
            for (int j = 0; j < m; j++) {
                views.put(in.readString(), in.readString());
            }
            sources.put(name, new SourceEntry(signature, views));
        }
        if (in.hasRemaining()) {
            throw new CorruptStateException("trailing bytes after checkpoint meta at offset " + in.position());
        }
        return new CheckpointMeta(sources);
    }
}
