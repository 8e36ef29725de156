package dev.freshet.storage.rocksdb;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/** Big-endian writer for the value codecs: strings are int32 length (-1 = null) + UTF-8. */
final class BinaryWriter {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private final DataOutputStream out = new DataOutputStream(bytes);

    BinaryWriter int8(int v) {
        return run(() -> out.writeByte(v));
    }

    BinaryWriter int32(int v) {
        return run(() -> out.writeInt(v));
    }

    BinaryWriter int64(long v) {
        return run(() -> out.writeLong(v));
    }

    BinaryWriter raw(byte[] b) {
        return run(() -> out.write(b));
    }

    BinaryWriter string(String s) {
        if (s == null) {
            return int32(-1);
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return int32(b.length).raw(b);
    }

    /** Appends the CRC-32C of everything written so far and returns the bytes. */
    byte[] finishWithCrc() {
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        int32((int) crc.getValue());
        return bytes.toByteArray();
    }

    private interface Write {
        void run() throws IOException;
    }

    private BinaryWriter run(Write w) {
        try {
            w.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
