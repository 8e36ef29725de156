package dev.freshet.aggregation.state;

import java.util.Arrays;

/**
 * Open-addressing (linear probing) map from entity key objects to dense int ids 0, 1, 2, ...
 * Ids index every primitive state array, so a key's tiles are found with one hash lookup and no
 * per-event allocation. Keys are never removed (ids stay stable for the life of the table).
 * Single-writer; not thread-safe.
 */
public final class KeyIndex {
    private static final int MISSING = -1;

    private Object[] slots;
    private int[] ids;
    private Object[] byId;
    private int size;
    private int mask;
    private int resizeAt;

    public KeyIndex(int expectedKeys) {
        int cap = Integer.highestOneBit(Math.max(16, expectedKeys * 2 - 1)) << 1;
        slots = new Object[cap];
        ids = new int[cap];
        byId = new Object[Math.max(16, expectedKeys)];
        mask = cap - 1;
        resizeAt = cap / 2;
    }

    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** Id of {@code key}, or -1 if unknown. */
    public int find(Object key) {
        int i = mix(key.hashCode()) & mask;
        while (true) {
            Object k = slots[i];
            if (k == null) {
                return MISSING;
            }
            if (k.equals(key)) {
                return ids[i];
            }
            i = (i + 1) & mask;
        }
    }

    /** Id of {@code key}, assigning the next id if it is new. */
    public int findOrAdd(Object key) {
        int i = mix(key.hashCode()) & mask;
        while (true) {
            Object k = slots[i];
            if (k == null) {
                break;
            }
            if (k.equals(key)) {
                return ids[i];
            }
            i = (i + 1) & mask;
        }
        int id = size++;
        slots[i] = key;
        ids[i] = id;
        if (id == byId.length) {
            byId = Arrays.copyOf(byId, byId.length * 2);
        }
        byId[id] = key;
        if (size > resizeAt) {
            rehash();
        }
        return id;
    }

    private void rehash() {
        Object[] oldSlots = slots;
        int[] oldIds = ids;
        int cap = oldSlots.length * 2;
        slots = new Object[cap];
        ids = new int[cap];
        mask = cap - 1;
        resizeAt = cap / 2;
        for (int j = 0; j < oldSlots.length; j++) {
            Object k = oldSlots[j];
            if (k != null) {
                int i = mix(k.hashCode()) & mask;
                while (slots[i] != null) {
                    i = (i + 1) & mask;
                }
                slots[i] = k;
                ids[i] = oldIds[j];
            }
        }
    }

    public int size() {
        return size;
    }

    /** The key with id {@code id}. */
    public Object key(int id) {
        return byId[id];
    }

    /** Bytes of the index arrays (keys themselves are counted by the caller). */
    public long indexBytes() {
        return 16L + slots.length * 8L + ids.length * 4L + byId.length * 8L;
    }
}
