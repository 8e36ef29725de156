package dev.freshet.aggregation.state;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.time.WindowMath;
import java.util.Arrays;

/**
 * Hopping-window features whose windows span too many hops for a dense ring (exact sliding windows
 * with hop 1 ms, or very fine hops): each key holds a {@link TileList} of its non-empty tiles.
 * Tiles more than R hops behind the key's newest tile are evicted, by the same exactness argument
 * as {@link DenseHopGroup}. Memory per key: one tile per distinct hop with events in the last R hops.
 */
final class SparseHopGroup implements GroupState {
    private final TileLayout layout;
    private final long hop;
    private final long[] tilesPerFeature;
    private final long ring;
    private TileList[] keys = new TileList[0];

    SparseHopGroup(TileLayout layout, long hop, long[] sizes) {
        this.layout = layout;
        this.hop = hop;
        this.tilesPerFeature = new long[sizes.length];
        long r = 1;
        for (int i = 0; i < sizes.length; i++) {
            tilesPerFeature[i] = sizes[i] / hop;
            r = Math.max(r, tilesPerFeature[i]);
        }
        this.ring = r;
    }

    @Override
    public void ensureKeys(int n) {
        if (n > keys.length) {
            keys = Arrays.copyOf(keys, Math.max(n, Math.max(16, keys.length * 2)));
        }
    }

    private TileList list(int key) {
        TileList l = keys[key];
        if (l == null) {
            l = new TileList(layout.stride(), layout.objects());
            keys[key] = l;
        }
        return l;
    }

    /** Returns the index of the tile for {@code id}, creating it; -1 if it is already evicted. */
    private int tileFor(TileList l, long id) {
        if (l.size > 0 && WindowMath.olderBy(id, l.id(l.size - 1), ring)) {
            return -1;
        }
        int at = l.search(id);
        if (at >= 0) {
            return at;
        }
        at = l.insertAt(-at - 1);
        layout.init(l.data, at * l.stride, l.objs, at * l.objects, id);
        evict(l);
        return l.search(id);
    }

    private void evict(TileList l) {
        long newest = l.id(l.size - 1);
        int drop = 0;
        while (drop < l.size && WindowMath.olderBy(l.id(drop), newest, ring)) {
            drop++;
        }
        l.remove(0, drop);
    }

    @Override
    public long touch(int key, long eventTime) {
        TileList l = keys[key];
        return l == null ? 0 : l.size;
    }

    @Override
    public void apply(int key, EventContext ctx) {
        TileList l = list(key);
        int at = tileFor(l, WindowMath.tileId(ctx.eventTime, hop));
        if (at >= 0) {
            layout.apply(l.data, at * l.stride, l.objs, at * l.objects, ctx);
        }
    }

    @Override
    public void read(int key, long t, FeatureVector out, ReadScratch scratch) {
        scratch.reset(layout);
        TileList l = keys.length > key ? keys[key] : null;
        if (l != null) {
            long newest = WindowMath.lastTile(t, hop);
            int i = l.search(newest);
            i = i >= 0 ? i : -i - 2; // last tile with id <= newest
            for (; i >= 0; i--) {
                long id = l.id(i);
                if (WindowMath.olderBy(id, newest, ring)) {
                    break;
                }
                long age = newest - id; // in [0, ring)
                int base = i * l.stride;
                long count = l.data[base + TileLayout.EVENT_COUNT];
                long maxTime = l.data[base + TileLayout.MAX_EVENT_TIME];
                for (int f = 0; f < tilesPerFeature.length; f++) {
                    if (age < tilesPerFeature[f]) {
                        layout.mergeFeature(f, scratch.tile, 0, scratch.objects, 0, l.data, base, l.objs, i * l.objects);
                        scratch.events[f] += count;
                        scratch.maxTime[f] = Math.max(scratch.maxTime[f], maxTime);
                    }
                }
            }
        }
        scratch.finish(layout, out);
    }

    @Override
    public void mergeFrom(int key, GroupState other, int otherKey) {
        TileList src = ((SparseHopGroup) other).keys.length > otherKey ? ((SparseHopGroup) other).keys[otherKey] : null;
        if (src == null) {
            return;
        }
        TileList l = list(key);
        for (int i = 0; i < src.size; i++) {
            int at = tileFor(l, src.id(i));
            if (at >= 0) {
                layout.mergeTile(l.data, at * l.stride, l.objs, at * l.objects, src.data, i * src.stride, src.objs, i * src.objects);
            }
        }
    }

    @Override
    public void write(int key, ByteWriter out) {
        TileList l = keys.length > key ? keys[key] : null;
        int n = l == null ? 0 : l.size;
        out.writeVarLong(n);
        for (int i = 0; i < n; i++) {
            TileCodec.write(layout, l.data, i * l.stride, l.objs, i * l.objects, out);
        }
    }

    @Override
    public void read(int key, ByteReader in) {
        int n = in.readLength();
        TileList l = list(key);
        for (int i = 0; i < n; i++) {
            int at = l.insertAt(l.size);
            TileCodec.read(layout, l.data, at * l.stride, l.objs, at * l.objects, in);
        }
    }

    @Override
    public long bytes(int key) {
        TileList l = keys.length > key ? keys[key] : null;
        return 8 + (l == null ? 0 : l.bytes(layout));
    }

    @Override
    public ReadScratch newScratch() {
        return new ReadScratch(layout.stride(), layout.objects(), tilesPerFeature.length);
    }

    @Override
    public TileLayout layout() {
        return layout;
    }
}
