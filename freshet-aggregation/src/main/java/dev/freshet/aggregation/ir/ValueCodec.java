package dev.freshet.aggregation.ir;

import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.codec.CorruptStateException;

/**
 * Tagged encoding of the scalar values object IRs hold. Layout: one tag byte, then
 * {@code 1}=String (varint length + UTF-8), {@code 2}=Long (8 bytes LE), {@code 3}=Double (8 bytes LE raw bits),
 * {@code 4}=Boolean (1 byte).
 */
final class ValueCodec {
    private ValueCodec() {
    }

    static void write(Object v, ByteWriter out) {
        switch (v) {
            case String s -> out.writeByte(1).writeString(s);
            case Long l -> out.writeByte(2).writeLong(l);
            case Double d -> out.writeByte(3).writeDouble(d);
            case Boolean b -> out.writeByte(4).writeByte(b ? 1 : 0);
            default -> throw new IllegalArgumentException("unsupported value type " + v.getClass().getName());
        }
    }

    static Object read(ByteReader in) {
        int tag = in.readByte();
        return switch (tag) {
            case 1 -> in.readString();
            case 2 -> in.readLong();
            case 3 -> in.readDouble();
            case 4 -> in.readByte() != 0;
            default -> throw new CorruptStateException("unknown value tag " + tag);
        };
    }

    /** Rough heap size of a boxed value. */
    static long sizeBytes(Object v) {
        return v instanceof String s ? 40 + s.length() : 16;
    }
}
