package dev.freshet.aggregation.state;

import static dev.freshet.aggregation.state.TileLayout.TILE_ID;

import java.util.Arrays;

/**
 * A per-key growable list of tiles sorted by tile id (ascending), for groups whose tiles are sparse:
 * exact sliding windows (hop 1 ms) and session runs. Holds only non-empty tiles, so memory follows
 * the number of distinct tiles with events rather than the window length.
 */
final class TileList {
    final int stride;
    final int objects;
    long[] data;
    Object[] objs;
    int size;

    TileList(int stride, int objects) {
        this.stride = stride;
        this.objects = objects;
        this.data = new long[stride * 2];
        this.objs = new Object[objects * 2];
    }

    long id(int i) {
        return data[i * stride + TILE_ID];
    }

    /** Index of the tile with this id, or {@code -(insertion point) - 1}. */
    int search(long id) {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long m = id(mid);
            if (m < id) {
                lo = mid + 1;
            } else if (m > id) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /** Opens a gap at {@code at} and returns it; the caller initializes the tile. */
    int insertAt(int at) {
        if (size * stride == data.length) {
            int cap = Math.max(2, size * 2);
            data = Arrays.copyOf(data, cap * stride);
            objs = Arrays.copyOf(objs, cap * objects);
        }
        System.arraycopy(data, at * stride, data, (at + 1) * stride, (size - at) * stride);
        System.arraycopy(objs, at * objects, objs, (at + 1) * objects, (size - at) * objects);
        size++;
        return at;
    }

    /** Removes tiles {@code [from, to)}. */
    void remove(int from, int to) {
        if (from >= to) {
            return;
        }
        System.arraycopy(data, to * stride, data, from * stride, (size - to) * stride);
        System.arraycopy(objs, to * objects, objs, from * objects, (size - to) * objects);
        Arrays.fill(objs, (size - (to - from)) * objects, size * objects, null);
        size -= to - from;
        if (size * 4 < data.length / stride && data.length > stride * 8) {
            int cap = Math.max(2, size * 2);
            data = Arrays.copyOf(data, cap * stride);
            objs = Arrays.copyOf(objs, cap * objects);
        }
    }

    long bytes(TileLayout layout) {
        long b = 48 + data.length * 8L + objs.length * 8L;
        for (int i = 0; i < size && objects > 0; i++) {
            b += layout.objectBytes(objs, i * objects);
        }
        return b;
    }
}
