package dev.freshet.aggregation.state;

import java.util.Arrays;

/**
 * Open-addressing (linear probing) map from entity key objects to dense int ids 0, 1, 2, ...
 * Ids index every primitive state array, so a key's tiles are found with one hash lookup and no
 * per-event allocation. Keys are never removed (ids stay stable for the life of the table).
 *
 * <p>Each slot holds {@code hash << 32 | (id + 1)} in a {@code long[]} (0 = empty) beside the key
 * reference, so a probe compares hashes without dereferencing keys and {@link #touch} can pull a
 * key's slot into cache ahead of use. Single-writer; not thread-safe.
 */
public final class KeyIndex {
    private static final int MISSING = -1;

    private long[] entries;
    private Object[] slotKeys;
    private Object[] byId;
    private int size;
    private int mask;
    private int resizeAt;

    public KeyIndex(int expectedKeys) {
        int cap = Integer.highestOneBit(Math.max(16, expectedKeys * 2 - 1)) << 1;
        entries = new long[cap];
        slotKeys = new Object[cap];
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
        int h = mix(key.hashCode());
        int i = h & mask;
        while (true) {
            long e = entries[i];
            if (e == 0) {
                return MISSING;
            }
            if ((int) (e >>> 32) == h) {
                Object k = slotKeys[i];
                if (k == key || k.equals(key)) {
                    return (int) e - 1;
                }
            }
            i = (i + 1) & mask;
        }
    }

    /** Id of {@code key}, assigning the next id if it is new. */
    public int findOrAdd(Object key) {
        int h = mix(key.hashCode());
        int i = h & mask;
        while (true) {
            long e = entries[i];
            if (e == 0) {
                break;
            }
            if ((int) (e >>> 32) == h) {
                Object k = slotKeys[i];
                if (k == key || k.equals(key)) {
                    return (int) e - 1;
                }
            }
            i = (i + 1) & mask;
        }
        int id = size++;
        entries[i] = ((long) h << 32) | (id + 1L);
        slotKeys[i] = key;
        if (id == byId.length) {
            byId = Arrays.copyOf(byId, byId.length * 2);
        }
        byId[id] = key;
        if (size > resizeAt) {
            rehash();
        }
        return id;
    }

    /**
     * Loads the key's home slot (a software prefetch: callers touch a batch of keys before using
     * them so the cache misses overlap). Returns a value only to keep the loads alive.
     */
    public long touch(Object key) {
        int i = mix(key.hashCode()) & mask;
        return entries[i] + (slotKeys[i] == null ? 0 : 1);
    }

    private void rehash() {
        long[] oldEntries = entries;
        Object[] oldKeys = slotKeys;
        int cap = oldEntries.length * 2;
        entries = new long[cap];
        slotKeys = new Object[cap];
        mask = cap - 1;
        resizeAt = cap / 2;
        for (int j = 0; j < oldEntries.length; j++) {
            long e = oldEntries[j];
            if (e != 0) {
                int i = (int) (e >>> 32) & mask;
                while (entries[i] != 0) {
                    i = (i + 1) & mask;
                }
                entries[i] = e;
                slotKeys[i] = oldKeys[j];
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
        return 16L + entries.length * 8L + slotKeys.length * 8L + byId.length * 8L;
    }
}
