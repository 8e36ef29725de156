package dev.freshet.aggregation.state;

import java.util.Arrays;

/**
 * A reader's own copies of the few tiles of one key that events still in the key's
 * {@link EventTail} land in: a read folds those events into the copies and merges a copy instead
 * of the stored tile at that ring position. Ring-sized index, room for a fixed number of tiles.
 */
final class TileOverlay {
    private final int[] tileOf;
    private final int[] positions;
    final long[] data;
    private final int stride;
    private int used;

    TileOverlay(int ring, int stride, int tiles) {
        this.tileOf = new int[ring];
        Arrays.fill(tileOf, -1);
        this.positions = new int[tiles];
        this.data = new long[tiles * stride];
        this.stride = stride;
    }

    boolean isEmpty() {
        return used == 0;
    }

    /** Base in {@link #data} of the copy of ring position {@code pos}, or -1 if it has none. */
    int baseOf(int pos) {
        int k = tileOf[pos];
        return k < 0 ? -1 : k * stride;
    }

    /** Base in {@link #data} of the copy of ring position {@code pos}, copying it from {@code src} first if new. */
    int copy(int pos, long[] src, int srcBase) {
        int k = tileOf[pos];
        if (k < 0) {
            k = used++;
            positions[k] = pos;
            tileOf[pos] = k;
            System.arraycopy(src, srcBase, data, k * stride, stride);
        }
        return k * stride;
    }

    void clear() {
        for (int i = 0; i < used; i++) {
            tileOf[positions[i]] = -1;
        }
        used = 0;
    }
}
