package dev.freshet.aggregation.state;

import static dev.freshet.aggregation.state.TileLayout.EVENT_COUNT;
import static dev.freshet.aggregation.state.TileLayout.MAX_EVENT_TIME;
import static dev.freshet.aggregation.state.TileLayout.TILE_ID;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.time.WindowMath;
import java.util.Arrays;

/**
 * Hopping-window features sharing one hop {@code H}, stored as a fixed ring of {@code R} tiles per
 * key (R = largest W/H of the group) in one flat {@code long[]}: key k's tile for id i lives at
 * {@code ((k * R) + floorMod(i, R)) * stride}. Memory per key is fixed: {@code R * stride * 8} bytes
 * plus object IRs.
 *
 * <p>Invariant: a ring slot holds the newest tile id seen for its residue. An event whose tile id
 * is older than the slot's is at least R tiles behind the key's newest event and therefore outside
 * every window whose read time is after that event; it is skipped (exactly, not approximately).
 * A slot holding an older id is recycled for the newer one (eviction).
 *
 * <p>Rings allocated on first write ({@link #allocateOnWrite}, for a table's short windows whose
 * sparse keys never write them: see {@code TileTable}'s event tail): key k's ring is then ring
 * {@code ringOf[k]} of {@code data}, and ring 0 is an always-empty ring every key without its own
 * reads.
 */
final class DenseHopGroup implements DeferredGroup {
    private final TileLayout layout;
    private final long hop;
    private final int ring;
    private final int[] tilesPerFeature;
    private final int maxTiles;
    private final int stride;
    private final int objects;
    private long[] data = new long[0];
    private Object[] objs = new Object[0];
    private int capacity;
    /** Allocate-on-write rings: key → ring index (0 = the shared empty ring); null = key k owns ring k. */
    private int[] ringOf;
    /** Allocate-on-write rings: rings handed out so far (ring 0 excluded). */
    private int rings;
    // The last tile located: events arrive roughly in time order, so most events hit the same tile
    // and skip the two 64-bit divisions (floorDiv, floorMod) that locating one costs.
    private long cachedStart = 1;
    private long cachedEnd = 0;
    private long cachedTileId;
    private int cachedSlot;

    DenseHopGroup(TileLayout layout, long hop, long[] sizes) {
        this.layout = layout;
        this.hop = hop;
        this.tilesPerFeature = new int[sizes.length];
        int r = 1;
        for (int i = 0; i < sizes.length; i++) {
            tilesPerFeature[i] = Math.toIntExact(sizes[i] / hop);
            r = Math.max(r, tilesPerFeature[i]);
        }
        this.ring = r;
        this.maxTiles = r;
        this.stride = layout.stride();
        this.objects = layout.objects();
    }

    @Override
    public void ensureKeys(int keys) {
        if (keys <= capacity) {
            return;
        }
        int cap = Math.max(keys, Math.max(16, capacity * 2));
        if (ringOf != null) {
            ringOf = Arrays.copyOf(ringOf, cap);
            capacity = cap;
            return;
        }
        int oldLongs = capacity * ring * stride;
        // multiplyExact: a table too large for one Java array fails loudly instead of wrapping.
        data = Arrays.copyOf(data, Math.multiplyExact(Math.multiplyExact(cap, ring), stride));
        if (objects > 0) {
            objs = Arrays.copyOf(objs, Math.multiplyExact(Math.multiplyExact(cap, ring), objects));
        }
        // Mark new tiles empty (event count 0 is enough; ids are rewritten on first use).
        for (int i = oldLongs; i < data.length; i += stride) {
            data[i + EVENT_COUNT] = 0;
        }
        capacity = cap;
    }

    /**
     * Gives a key a ring only when something is written to it (an empty group only: call it before
     * any write). Memory per key without a ring: one int.
     */
    void allocateOnWrite() {
        if (objects > 0) {
            throw new IllegalStateException("rings with object IRs are allocated per key");
        }
        ringOf = new int[capacity];
        rings = 0;
        data = new long[ring * stride]; // ring 0: empty
    }

    /** The ring key {@code key} reads: its own, or the empty ring 0 if it has none. */
    private int readRing(int key) {
        return ringOf == null ? key : ringOf[key];
    }

    /** The ring key {@code key} writes, allocated first if it has none. */
    private int writeRing(int key) {
        if (ringOf == null) {
            return key;
        }
        int r = ringOf[key];
        if (r == 0) {
            r = ++rings;
            int longs = Math.multiplyExact(r + 1, ring * stride);
            if (longs > data.length) {
                data = Arrays.copyOf(data, Math.max(longs, (int) Math.min(Integer.MAX_VALUE - 8, data.length * 2L)));
            }
            ringOf[key] = r;
        }
        return r;
    }

    /** Locates the tile of {@code ts}: sets {@link #cachedTileId} and returns its ring position. */
    private int locate(long ts) {
        if (ts >= cachedStart && ts < cachedEnd) {
            return cachedSlot;
        }
        long tileId = WindowMath.tileId(ts, hop);
        cachedTileId = tileId;
        cachedSlot = (int) Math.floorMod(tileId, (long) ring);
        long start = tileId * hop;
        long end = start + hop;
        // only cache tiles whose bounds are representable; others take the slow path each time
        if (start / hop == tileId && end > start) {
            cachedStart = start;
            cachedEnd = end;
        } else {
            cachedStart = 1;
            cachedEnd = 0;
        }
        return cachedSlot;
    }

    @Override
    public long touch(int key, long eventTime) {
        int slot = readRing(key) * ring + locate(eventTime);
        int base = slot * stride;
        long sink = data[base + TILE_ID] + data[base + stride - 1]; // first and last cache line of the tile
        return objects == 0 ? sink : sink + layout.touchObjects(objs, slot * objects);
    }

    @Override
    public void apply(int key, EventContext ctx) {
        int slot = writeRing(key) * ring + locate(ctx.eventTime);
        long tileId = cachedTileId;
        int base = slot * stride;
        int objBase = slot * objects;
        if (data[base + EVENT_COUNT] == 0 || data[base + TILE_ID] < tileId) {
            layout.init(data, base, objs, objBase, tileId);
        } else if (data[base + TILE_ID] > tileId) {
            return; // older than every window that can still be read: see class comment
        }
        layout.apply(data, base, objs, objBase, ctx);
    }

    @Override
    public TileOverlay newOverlay(int tiles) {
        if (objects > 0) {
            throw new IllegalStateException("rings with object IRs have no overlay");
        }
        return new TileOverlay(ring, stride, tiles);
    }

    /** Exactly: folding an event outside the read's tiles changes none of them (see the class comment). */
    @Override
    public boolean visibleAt(long eventTime, long t) {
        long newest = WindowMath.lastTile(t, hop);
        long id = WindowMath.tileId(eventTime, hop);
        // id <= newest for every event before t; the difference then fits in 64 unsigned bits
        return id > newest || Long.compareUnsigned(newest - id, maxTiles) < 0;
    }

    /** Reads only this group's arrays (no tile cache), so concurrent readers with their own overlays are safe. */
    @Override
    public void applyTo(TileOverlay o, int key, EventContext ctx) {
        long tileId = WindowMath.tileId(ctx.eventTime, hop);
        int pos = (int) Math.floorMod(tileId, (long) ring);
        int base = o.copy(pos, data, (readRing(key) * ring + pos) * stride);
        if (o.data[base + EVENT_COUNT] == 0 || o.data[base + TILE_ID] < tileId) {
            layout.init(o.data, base, objs, 0, tileId);
        } else if (o.data[base + TILE_ID] > tileId) {
            return;
        }
        layout.apply(o.data, base, objs, 0, ctx);
    }

    @Override
    public void read(int key, long t, FeatureVector out, ReadScratch scratch) {
        read(key, t, out, scratch, null);
    }

    @Override
    public void read(int key, long t, FeatureVector out, ReadScratch scratch, TileOverlay overlay) {
        scratch.reset(layout);
        int own = readRing(key);
        long newest = WindowMath.lastTile(t, hop);
        // Ring positions walk down from the newest tile's, wrapping: one division per read, not per tile.
        int pos = (int) Math.floorMod(newest, (long) ring);
        for (int j = 0; j < maxTiles; j++, pos = pos == 0 ? ring - 1 : pos - 1) {
            long id = newest - j;
            if (id > newest) {
                break; // wrapped around Long.MIN_VALUE
            }
            int slot = own * ring + pos;
            long[] src = data;
            int base = slot * stride;
            if (overlay != null && overlay.baseOf(pos) >= 0) {
                src = overlay.data;
                base = overlay.baseOf(pos);
            }
            long count = src[base + EVENT_COUNT];
            if (count == 0 || src[base + TILE_ID] != id) {
                continue;
            }
            long maxTime = src[base + MAX_EVENT_TIME];
            for (int f = 0; f < tilesPerFeature.length; f++) {
                if (j < tilesPerFeature[f] && out.wants(layout.vectorIndex(f))) {
                    layout.mergeFeature(f, scratch.tile, 0, scratch.objects, 0, src, base, objs, slot * objects);
                    scratch.events[f] += count;
                    scratch.maxTime[f] = Math.max(scratch.maxTime[f], maxTime);
                }
            }
        }
        scratch.finish(layout, out);
    }

    @Override
    public void mergeFrom(int key, GroupState other, int otherKey) {
        DenseHopGroup o = (DenseHopGroup) other;
        int from = o.readRing(otherKey);
        int to = -1;
        for (int p = 0; p < ring; p++) {
            int src = from * ring + p;
            int sBase = src * stride;
            if (o.data[sBase + EVENT_COUNT] == 0) {
                continue;
            }
            long id = o.data[sBase + TILE_ID];
            if (to < 0) {
                to = writeRing(key);
            }
            int dst = to * ring + p;
            int dBase = dst * stride;
            if (data[dBase + EVENT_COUNT] == 0 || data[dBase + TILE_ID] < id) {
                layout.init(data, dBase, objs, dst * objects, id);
            } else if (data[dBase + TILE_ID] > id) {
                continue;
            }
            layout.mergeTile(data, dBase, objs, dst * objects, o.data, sBase, o.objs, src * objects);
        }
    }

    @Override
    public void write(int key, ByteWriter out) {
        writeFrom(key, out, Long.MIN_VALUE);
    }

    /**
     * Writes only the tiles a read after {@code maxEventTime} can merge (all if it is
     * Long.MIN_VALUE): a short window's state in a table with an event tail, whose other tiles
     * depend on which events the tail happened to drop (a table restored from a checkpoint and one
     * that never stopped then write the same bytes).
     */
    void writeVisible(int key, ByteWriter out, long maxEventTime) {
        writeFrom(key, out, maxEventTime);
    }

    private void writeFrom(int key, ByteWriter out, long maxEventTime) {
        int own = readRing(key);
        long newest = maxEventTime == Long.MIN_VALUE ? Long.MIN_VALUE : WindowMath.tileId(maxEventTime, hop);
        int n = 0;
        for (int p = 0; p < ring; p++) {
            if (written(own * ring + p, newest)) {
                n++;
            }
        }
        out.writeVarLong(n);
        for (int p = 0; p < ring; p++) {
            int slot = own * ring + p;
            if (written(slot, newest)) {
                TileCodec.write(layout, data, slot * stride, objs, slot * objects, out);
            }
        }
    }

    /** Whether a ring slot holds a tile to write: non-empty and, unless {@code newest} is Long.MIN_VALUE, readable. */
    private boolean written(int slot, long newest) {
        int base = slot * stride;
        if (data[base + EVENT_COUNT] == 0) {
            return false;
        }
        long id = data[base + TILE_ID];
        // id <= newest for every applied event; the difference then fits in 64 unsigned bits
        return newest == Long.MIN_VALUE || id > newest || Long.compareUnsigned(newest - id, maxTiles) < 0;
    }

    /** Latest event time in the key's tiles, Long.MIN_VALUE if none. */
    @Override
    public long maxEventTime(int key) {
        int own = readRing(key);
        long max = Long.MIN_VALUE;
        for (int p = 0; p < ring; p++) {
            int base = (own * ring + p) * stride;
            if (data[base + EVENT_COUNT] != 0) {
                max = Math.max(max, data[base + MAX_EVENT_TIME]);
            }
        }
        return max;
    }

    @Override
    public void read(int key, ByteReader in) {
        int n = in.readLength();
        long[] tile = new long[stride];
        Object[] tileObjs = new Object[objects];
        int own = n > 0 ? writeRing(key) : readRing(key);
        for (int i = 0; i < n; i++) {
            TileCodec.read(layout, tile, 0, tileObjs, 0, in);
            int slot = own * ring + (int) Math.floorMod(tile[TILE_ID], (long) ring);
            System.arraycopy(tile, 0, data, slot * stride, stride);
            if (objects > 0) {
                System.arraycopy(tileObjs, 0, objs, slot * objects, objects);
            }
        }
    }

    @Override
    public long bytes(int key) {
        if (ringOf != null) {
            return 4 + (ringOf[key] == 0 ? 0 : (long) ring * stride * 8);
        }
        long b = (long) ring * stride * 8 + (long) ring * objects * 8;
        for (int p = 0; p < ring && objects > 0; p++) {
            int slot = key * ring + p;
            if (data[slot * stride + EVENT_COUNT] != 0) {
                b += layout.objectBytes(objs, slot * objects);
            }
        }
        return b;
    }

    /** Copies the key's ring (tiles without object IRs only). */
    @Override
    public void copyKey(int key, DeferredGroup dst, int dstKey) {
        if (objects > 0) {
            throw new IllegalStateException("rings with object IRs are not copied");
        }
        DenseHopGroup d = (DenseHopGroup) dst;
        System.arraycopy(data, readRing(key) * ring * stride, d.data, d.writeRing(dstKey) * ring * stride, ring * stride);
    }

    /** Longs a key's ring takes (ring length × stride). */
    int ringLongs() {
        return ring * stride;
    }

    @Override
    public ReadScratch newScratch() {
        return new ReadScratch(stride, objects, tilesPerFeature.length);
    }

    @Override
    public TileLayout layout() {
        return layout;
    }
}
