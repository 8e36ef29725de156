package dev.freshet.aggregation.state;

import static dev.freshet.aggregation.state.TileLayout.EVENT_COUNT;
import static dev.freshet.aggregation.state.TileLayout.MAX_EVENT_TIME;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import java.util.Arrays;

/**
 * Lifetime features: one accumulator tile per key that every applied event folds into and nothing
 * evicts. Memory per key: {@code stride * 8} bytes plus object IRs.
 */
final class LifetimeGroup implements DeferredGroup {
    private final TileLayout layout;
    private final int stride;
    private final int objects;
    private long[] data = new long[0];
    private Object[] objs = new Object[0];
    private int capacity;

    LifetimeGroup(TileLayout layout) {
        this.layout = layout;
        this.stride = layout.stride();
        this.objects = layout.objects();
    }

    @Override
    public void ensureKeys(int keys) {
        if (keys <= capacity) {
            return;
        }
        int cap = Math.max(keys, Math.max(16, capacity * 2));
        data = Arrays.copyOf(data, Math.multiplyExact(cap, stride));
        objs = Arrays.copyOf(objs, Math.multiplyExact(cap, objects));
        for (int k = capacity; k < cap; k++) {
            layout.init(data, k * stride, objs, k * objects, 0);
        }
        capacity = cap;
    }

    @Override
    public long touch(int key, long eventTime) {
        return data[key * stride] + data[key * stride + stride - 1];
    }

    @Override
    public void apply(int key, EventContext ctx) {
        layout.apply(data, key * stride, objs, key * objects, ctx);
    }

    @Override
    public void read(int key, long t, FeatureVector out, ReadScratch scratch) {
        read(key, t, out, scratch, null);
    }

    @Override
    public void read(int key, long t, FeatureVector out, ReadScratch scratch, TileOverlay overlay) {
        long[] src = data;
        int base = key * stride;
        if (overlay != null && overlay.baseOf(0) >= 0) {
            src = overlay.data;
            base = overlay.baseOf(0);
        }
        boolean has = src[base + EVENT_COUNT] > 0;
        long ts = has ? src[base + MAX_EVENT_TIME] : FeatureVector.NO_TIMESTAMP;
        for (int f = 0; f < layout.features().length; f++) {
            layout.result(f, src, base, objs, key * objects, has, out, ts);
        }
    }

    @Override
    public void copyKey(int key, DeferredGroup dst, int dstKey) {
        if (objects > 0) {
            throw new IllegalStateException("tiles with object IRs are not copied");
        }
        System.arraycopy(data, key * stride, ((LifetimeGroup) dst).data, dstKey * stride, stride);
    }

    @Override
    public long maxEventTime(int key) {
        int base = key * stride;
        return data[base + EVENT_COUNT] > 0 ? data[base + MAX_EVENT_TIME] : Long.MIN_VALUE;
    }

    @Override
    public TileOverlay newOverlay(int tiles) {
        return new TileOverlay(1, stride, 1);
    }

    /** Every event counts for a lifetime feature. */
    @Override
    public boolean visibleAt(long eventTime, long t) {
        return true;
    }

    @Override
    public void applyTo(TileOverlay overlay, int key, EventContext ctx) {
        layout.apply(overlay.data, overlay.copy(0, data, key * stride), objs, 0, ctx);
    }

    @Override
    public void mergeFrom(int key, GroupState other, int otherKey) {
        LifetimeGroup o = (LifetimeGroup) other;
        layout.mergeTile(data, key * stride, objs, key * objects, o.data, otherKey * stride, o.objs, otherKey * objects);
    }

    @Override
    public void write(int key, ByteWriter out) {
        TileCodec.write(layout, data, key * stride, objs, key * objects, out);
    }

    @Override
    public void read(int key, ByteReader in) {
        TileCodec.read(layout, data, key * stride, objs, key * objects, in);
    }

    @Override
    public long bytes(int key) {
        return stride * 8L + objects * 8L + layout.objectBytes(objs, key * objects);
    }

    @Override
    public ReadScratch newScratch() {
        return new ReadScratch(stride, objects, layout.features().length);
    }

    @Override
    public TileLayout layout() {
        return layout;
    }
}
