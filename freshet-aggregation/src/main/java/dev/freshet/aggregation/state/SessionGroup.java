package dev.freshet.aggregation.state;

import static dev.freshet.aggregation.state.TileLayout.EVENT_COUNT;
import static dev.freshet.aggregation.state.TileLayout.MAX_EVENT_TIME;
import static dev.freshet.aggregation.state.TileLayout.TILE_ID;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import java.util.Arrays;

/**
 * Session-window features with gap G (DESIGN §3): each key keeps its sessions, maximal runs of
 * events each within G of the previous one, as tiles sorted by start. In a session tile the tile-id
 * slot holds the session start and the max-event-time slot its end (last event).
 *
 * <p>An event joins every session it lies within G of (start - G &lt;= x &lt;= end + G); if it
 * bridges several, they merge. Out-of-order events within allowed lateness L can only reach
 * sessions ending at or after (key's newest event - L - G), so older sessions, except the newest,
 * are evicted. A read at t returns the newest session if its end is at or after t - G, else empty.
 */
final class SessionGroup implements GroupState {
    private final TileLayout layout;
    private final long gap;
    private final long lateness;
    private TileList[] keys = new TileList[0];

    SessionGroup(TileLayout layout, long gap, long lateness) {
        this.layout = layout;
        this.gap = gap;
        this.lateness = lateness;
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

    private static long start(TileList l, int i) {
        return l.data[i * l.stride + TILE_ID];
    }

    private static long end(TileList l, int i) {
        return l.data[i * l.stride + MAX_EVENT_TIME];
    }

    /** x is within the gap of [s, e]: s - G <= x <= e + G, computed without overflow. */
    private boolean touches(long s, long e, long x) {
        return (x >= s || s - x <= gap && s - x >= 0) && (x <= e || x - e <= gap && x - e >= 0);
    }

    /**
     * Makes the key hold a session covering [s, e] and returns its index: joins every session the
     * interval touches (merging them) or inserts a fresh empty one.
     */
    private int sessionFor(TileList l, long s, long e) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < l.size; i++) {
            if (touches(start(l, i), end(l, i), s) || touches(start(l, i), end(l, i), e)
                    || (s <= start(l, i) && end(l, i) <= e)) {
                if (first < 0) {
                    first = i;
                }
                last = i;
            } else if (start(l, i) > e) {
                break;
            }
        }
        if (first < 0) {
            int at = 0;
            while (at < l.size && start(l, at) < s) {
                at++;
            }
            at = l.insertAt(at);
            layout.init(l.data, at * l.stride, l.objs, at * l.objects, s);
            l.data[at * l.stride + MAX_EVENT_TIME] = e;
            return at;
        }
        int base = first * l.stride;
        for (int j = first + 1; j <= last; j++) {
            layout.mergeTile(l.data, base, l.objs, first * l.objects, l.data, j * l.stride, l.objs, j * l.objects);
        }
        l.data[base + TILE_ID] = Math.min(Math.min(start(l, first), start(l, last)), s);
        l.data[base + MAX_EVENT_TIME] = Math.max(l.data[base + MAX_EVENT_TIME], e);
        l.remove(first + 1, last + 1);
        return first;
    }

    private void evict(TileList l) {
        long newest = end(l, l.size - 1);
        long horizon = newest - lateness - gap;
        if (horizon > newest) {
            return; // underflow: nothing is old enough
        }
        int drop = 0;
        while (drop < l.size - 1 && end(l, drop) < horizon) {
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
        long x = ctx.eventTime;
        int at = sessionFor(l, x, x);
        layout.apply(l.data, at * l.stride, l.objs, at * l.objects, ctx);
        evict(l);
    }

    @Override
    public void read(int key, long t, FeatureVector out, ReadScratch scratch) {
        TileList l = keys.length > key ? keys[key] : null;
        int i = l == null ? -1 : l.size - 1;
        boolean live = i >= 0 && l.data[i * l.stride + EVENT_COUNT] > 0 && end(l, i) < t
                && (t - end(l, i) <= gap && t - end(l, i) >= 0);
        if (live) {
            long ts = end(l, i);
            for (int f = 0; f < layout.features().length; f++) {
                layout.result(f, l.data, i * l.stride, l.objs, i * l.objects, true, out, ts);
            }
        } else {
            scratch.reset(layout);
            scratch.finish(layout, out);
        }
    }

    @Override
    public void mergeFrom(int key, GroupState other, int otherKey) {
        SessionGroup o = (SessionGroup) other;
        TileList src = o.keys.length > otherKey ? o.keys[otherKey] : null;
        if (src == null || src.size == 0) {
            return;
        }
        TileList l = list(key);
        for (int i = 0; i < src.size; i++) {
            int base = i * src.stride;
            long s = src.data[base + TILE_ID];
            long e = src.data[base + MAX_EVENT_TIME];
            int at = sessionFor(l, s, e);
            int dBase = at * l.stride;
            long keepStart = l.data[dBase + TILE_ID];
            long keepEnd = l.data[dBase + MAX_EVENT_TIME];
            layout.mergeTile(l.data, dBase, l.objs, at * l.objects, src.data, base, src.objs, i * src.objects);
            l.data[dBase + TILE_ID] = keepStart;
            l.data[dBase + MAX_EVENT_TIME] = Math.max(keepEnd, e);
        }
        evict(l);
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
        return new ReadScratch(layout.stride(), layout.objects(), layout.features().length);
    }

    @Override
    public TileLayout layout() {
        return layout;
    }
}
