package dev.freshet.aggregation.state;

import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;

/**
 * Encoding of one tile (format version 1): {@code stride} longs (header then slots, 8 bytes LE each),
 * then for each object aggregator a presence byte (0/1) followed by the aggregator's own encoding.
 */
final class TileCodec {
    private TileCodec() {
    }

    static void write(TileLayout layout, long[] d, int base, Object[] objs, int objBase, ByteWriter out) {
        for (int i = 0; i < layout.stride(); i++) {
            out.writeLong(d[base + i]);
        }
        for (int o = 0; o < layout.objects(); o++) {
            Object ir = objs[objBase + o];
            if (ir == null) {
                out.writeByte(0);
            } else {
                out.writeByte(1);
                layout.objectAggregator(o).write(ir, out);
            }
        }
    }

    static void read(TileLayout layout, long[] d, int base, Object[] objs, int objBase, ByteReader in) {
        for (int i = 0; i < layout.stride(); i++) {
            d[base + i] = in.readLong();
        }
        for (int o = 0; o < layout.objects(); o++) {
            objs[objBase + o] = in.readByte() == 0 ? null : layout.objectAggregator(o).read(in);
        }
    }
}
