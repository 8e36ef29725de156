package dev.freshet.storage.rocksdb;

import dev.freshet.storage.CorruptStorageException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/** Reads what {@link BinaryWriter} wrote; every failure is a {@link CorruptStorageException}. */
final class BinaryReader {
    private final ByteBuffer in;
    private final String what;

    private BinaryReader(ByteBuffer in, String what) {
        this.in = in;
        this.what = what;
    }

    /** Checks the trailing CRC-32C and returns a reader over the bytes before it. */
    static BinaryReader checked(byte[] bytes, String what) {
        if (bytes.length < 4) {
            throw new CorruptStorageException(what + ": " + bytes.length + " bytes, too short");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
        if (stored != (int) crc.getValue()) {
            throw new CorruptStorageException(what + ": checksum mismatch");
        }
        return new BinaryReader(ByteBuffer.wrap(bytes, 0, bytes.length - 4), what);
    }

    int int8() {
        try {
            return in.get();
        } catch (BufferUnderflowException e) {
            throw truncated(e);
        }
    }

    int int32() {
        try {
            return in.getInt();
        } catch (BufferUnderflowException e) {
            throw truncated(e);
        }
    }

    long int64() {
        try {
            return in.getLong();
        } catch (BufferUnderflowException e) {
            throw truncated(e);
        }
    }

    byte[] raw(int n) {
        if (n < 0 || n > in.remaining()) {
            throw new CorruptStorageException(what + ": length " + n + " beyond the end");
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    String string() {
        int n = int32();
        return n == -1 ? null : new String(raw(n), StandardCharsets.UTF_8);
    }

    String nonNullString() {
        String s = string();
        if (s == null) {
            throw new CorruptStorageException(what + ": missing string");
        }
        return s;
    }

    void expectEnd() {
        if (in.hasRemaining()) {
            throw new CorruptStorageException(what + ": " + in.remaining() + " unexpected trailing bytes");
        }
    }

    CorruptStorageException corrupt(String message) {
        return new CorruptStorageException(what + ": " + message);
    }

    private CorruptStorageException truncated(BufferUnderflowException e) {
        return new CorruptStorageException(what + ": truncated", e);
    }
}
