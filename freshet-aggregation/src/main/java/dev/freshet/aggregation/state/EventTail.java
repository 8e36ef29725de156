package dev.freshet.aggregation.state;

import dev.freshet.aggregation.ir.InputCell;
import java.util.Arrays;

/**
 * The latest events of every key that a table has not folded into its deferred groups' tiles yet
 * (see {@link TileTable}): per key a block of one header word and {@value #SLOTS} event slots in
 * one flat {@code long[]}, a ring in arrival order. A slot keeps what the deferred groups read of
 * an event: its time, its seq, the value of each numeric input they use and one word of null and
 * filter bits. Appending an event writes one slot beside its key's header, one or two cache lines,
 * where folding it at once would write a tile of every deferred group.
 *
 * <p>A key whose whole full tail is recent (a busy key) turns <em>direct</em>: its tail is folded and
 * its later events go straight to the groups, as without a tail. Direct keys are marked in a bitset
 * (12.5 KB per 100,000 keys, so it stays in cache): a busy key's event does not load its tail block.
 * The table turns every direct key back now and then ({@link #clearDirect}), since most bursts end.
 *
 * <p>Header word: start slot in the high 32 bits, number of events in the low 32.
 */
final class EventTail {
    /** Events kept per key before the oldest must be folded (or, if it can no longer be read, dropped). */
    static final int SLOTS = 16;

    private final int[] inputs;
    private final boolean[] integral;
    private final int[] filters;
    private final int slotLongs;
    private final int block;
    private long[] data = new long[0];
    private long[] direct = new long[0];
    private int capacity;

    /**
     * @param inputs   the view's input indexes the deferred groups read (numeric inputs only)
     * @param integral per input: int64/timestamp (restored with {@link InputCell#setLong}), else float64
     * @param filters  the view's filter indexes the deferred groups read
     */
    EventTail(int[] inputs, boolean[] integral, int[] filters) {
        if (inputs.length > 32 || filters.length > 32) {
            throw new IllegalArgumentException("at most 32 inputs and 32 filters per tail");
        }
        this.inputs = inputs.clone();
        this.integral = integral.clone();
        this.filters = filters.clone();
        this.slotLongs = 3 + inputs.length;
        this.block = 1 + SLOTS * slotLongs;
    }

    void ensureKeys(int keys) {
        if (keys <= capacity) {
            return;
        }
        int cap = Math.max(keys, Math.max(16, capacity * 2));
        data = Arrays.copyOf(data, Math.multiplyExact(cap, block));
        direct = Arrays.copyOf(direct, (cap + 63) >>> 6);
        capacity = cap;
    }

    int size(int key) {
        return (int) data[key * block];
    }

    boolean isFull(int key) {
        return size(key) == SLOTS;
    }

    /** Whether the key's events skip the tail (see class comment). */
    boolean isDirect(int key) {
        return (direct[key >>> 6] & (1L << key)) != 0;
    }

    /** Turns a key with an empty tail direct. */
    void setDirect(int key) {
        if (size(key) != 0) {
            throw new IllegalStateException("a key turns direct only with an empty tail");
        }
        direct[key >>> 6] |= 1L << key;
    }

    /** Turns every direct key back (their tails are empty). */
    void clearDirect() {
        Arrays.fill(direct, 0L);
    }

    /** Loads the key's header (a prefetch for staged application). */
    long touch(int key) {
        return data[key * block];
    }

    /** Loads the slot the key's next event goes to; its header should be in cache. */
    long touchNext(int key) {
        long h = data[key * block];
        return data[at(key, h, (int) h)];
    }

    /** Loads every cache line of the key's block (before its events are evicted). */
    long touchAll(int key) {
        int base = key * block;
        long sink = 0;
        for (int i = 8; i < block; i += 8) {
            sink += data[base + i];
        }
        return sink + data[base + block - 1];
    }

    private int at(int key, long header, int i) {
        int slot = (int) (header >>> 32) + i;
        if (slot >= SLOTS) {
            slot -= SLOTS;
        }
        return key * block + 1 + slot * slotLongs;
    }

    /** Appends the event in {@code ctx}; the key's tail must not be full. */
    void append(int key, EventContext ctx) {
        int base = key * block;
        long h = data[base];
        int at = at(key, h, (int) h);
        data[at] = ctx.eventTime;
        data[at + 1] = ctx.seq;
        long flags = 0;
        for (int i = 0; i < inputs.length; i++) {
            InputCell c = ctx.cells[inputs[i]];
            if (c.isNull) {
                flags |= 1L << i;
            } else {
                data[at + 2 + i] = integral[i] ? c.l : Double.doubleToRawLongBits(c.d);
            }
        }
        for (int f = 0; f < filters.length; f++) {
            if (ctx.filterPass[filters[f]]) {
                flags |= 1L << (32 + f);
            }
        }
        data[at + 2 + inputs.length] = flags;
        data[base] = h + 1;
    }

    /** Event time of the key's {@code i}-th event (0 = oldest). */
    long eventTime(int key, int i) {
        return data[at(key, data[key * block], i)];
    }

    /**
     * Fills {@code ctx} with the key's {@code i}-th event (0 = oldest) as the deferred groups read it
     * — time, seq, their inputs and filters — exactly as the table evaluated it.
     */
    void restore(int key, int i, EventContext ctx) {
        int at = at(key, data[key * block], i);
        ctx.eventTime = data[at];
        ctx.seq = data[at + 1];
        long flags = data[at + 2 + inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            InputCell c = ctx.cells[inputs[k]];
            if ((flags & (1L << k)) != 0) {
                c.setNull();
            } else if (integral[k]) {
                c.setLong(data[at + 2 + k]);
            } else {
                c.setDouble(Double.longBitsToDouble(data[at + 2 + k]));
            }
        }
        for (int f = 0; f < filters.length; f++) {
            ctx.filterPass[filters[f]] = (flags & (1L << (32 + f))) != 0;
        }
    }

    /** Removes the key's {@code k} oldest events. */
    void removeOldest(int key, int k) {
        int base = key * block;
        long h = data[base];
        int start = ((int) (h >>> 32) + k) % SLOTS;
        data[base] = ((long) start << 32) | ((int) h - k);
    }

    /** Removes every event of the key (a direct key stays direct). */
    void clear(int key) {
        data[key * block] = 0;
    }

    /** Heap bytes per key. */
    long bytesPerKey() {
        return block * 8L + 1; // and a bit, rounded up
    }
}
