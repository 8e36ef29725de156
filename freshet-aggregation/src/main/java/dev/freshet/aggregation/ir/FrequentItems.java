package dev.freshet.aggregation.ir;

import java.util.Arrays;

/**
 * top_k's IR: a bounded frequent-items summary (Misra-Gries with a median purge) whose state and
 * answers are functions of its contents only — the multiset of (item, count) entries plus the
 * offset — never of the order of its hash table.
 *
 * <p>Each entry's {@code count} is a lower bound of the item's frequency and {@code count + offset}
 * an upper bound (an item without an entry counts 0); {@code offset} is the sum of the purge
 * decrements. While the summary has never held more than {@code capacity} entries, offset is 0 and
 * the counts are exact.
 *
 * <ul>
 *   <li><b>Purge.</b> Entries are ranked by count descending, then item ascending
 *       ({@link String#compareTo}), a total order. A purge keeping {@code keep} entries drops the
 *       entries ranked after {@code keep}, subtracts the count {@code v} of the best dropped entry from
 *       the kept ones (they hold at least {@code v}; those holding exactly {@code v} stay, at 0, so a
 *       summary of a non-empty stream never empties) and adds {@code v} to offset.</li>
 *   <li><b>Update.</b> The {@code capacity + 1}-th entry triggers a purge keeping
 *       {@code (capacity + 1) / 2} (the median).</li>
 *   <li><b>Merge.</b> Counts of equal items add, offsets and weights add, then a purge keeps
 *       {@code capacity} entries if there are more: the result depends on the two entry multisets
 *       only (merge is commutative; merging into an empty summary copies).</li>
 * </ul>
 *
 * Entries live densely in {@link #items}/{@link #counts} (insertion order, which nothing observable
 * depends on) with an open-addressing {@link #index} of entry positions; an update of a present item
 * and a purge allocate nothing.
 */
final class FrequentItems {
    private static final int MIN_ENTRIES = 4;

    /** Most entries kept between events (3/4 of the map size). */
    final int capacity;
    String[] items;
    long[] counts;
    /** Open addressing, linear probing: entry position + 1, 0 = empty; twice as long as {@link #items}. */
    private int[] index;
    private int shift;
    int size;
    /** Sum of the purge decrements: the maximum error of every count. */
    long offset;
    /** Total weight (events) summarized. */
    long weight;

    FrequentItems(int capacity, int entries) {
        this.capacity = capacity;
        int n = Math.max(MIN_ENTRIES, Integer.highestOneBit(Math.max(1, entries) - 1) << 1);
        allocate(n);
    }

    private void allocate(int entries) {
        items = new String[entries];
        counts = new long[entries];
        index = new int[2 * entries];
        shift = Integer.numberOfLeadingZeros(index.length - 1);
    }

    private int home(String item) {
        return (item.hashCode() * 0x9E3779B9) >>> shift;
    }

    /** The entry position of {@code item}, or {@code ~slot} of the empty index slot where it would go. */
    private int find(String item) {
        int mask = index.length - 1;
        for (int s = home(item); ; s = (s + 1) & mask) {
            int e = index[s];
            if (e == 0) {
                return ~s;
            }
            if (items[e - 1].equals(item)) {
                return e - 1;
            }
        }
    }

    /** Adds {@code count} (>= 0) to {@code item}'s entry, creating it (at {@code count}) if absent. */
    private void add(String item, long count) {
        int p = find(item);
        if (p >= 0) {
            counts[p] += count;
            return;
        }
        if (size == items.length) {
            String[] oldItems = items;
            long[] oldCounts = counts;
            allocate(2 * size);
            System.arraycopy(oldItems, 0, items, 0, size);
            System.arraycopy(oldCounts, 0, counts, 0, size);
            reindex();
            p = find(item);
        }
        items[size] = item;
        counts[size] = count;
        index[~p] = ++size;
    }

    private void reindex() {
        Arrays.fill(index, 0);
        int mask = index.length - 1;
        for (int e = 0; e < size; e++) {
            int s = home(items[e]);
            while (index[s] != 0) {
                s = (s + 1) & mask;
            }
            index[s] = e + 1;
        }
    }

    /** Counts one occurrence of {@code item}. */
    void update(String item) {
        weight++;
        add(item, 1);
        if (size > capacity) {
            purge((capacity + 1) / 2);
        }
    }

    /** Folds {@code other} (unchanged) into this summary. */
    void merge(FrequentItems other) {
        for (int i = 0; i < other.size; i++) {
            add(other.items[i], other.counts[i]);
        }
        offset += other.offset;
        weight += other.weight;
        if (size > capacity) {
            purge(capacity);
        }
    }

    /** Keeps the {@code keep} best-ranked entries (see the class comment); {@code 0 < keep < size}. */
    void purge(int keep) {
        sortByRank();
        long v = counts[keep];
        for (int i = 0; i < keep; i++) {
            counts[i] -= v;
        }
        Arrays.fill(items, keep, size, null);
        Arrays.fill(counts, keep, size, 0);
        size = keep;
        offset += v;
        reindex();
    }

    /** Empties the summary, keeping its arrays. */
    void clear() {
        Arrays.fill(items, 0, size, null);
        Arrays.fill(counts, 0, size, 0);
        Arrays.fill(index, 0);
        size = 0;
        offset = 0;
        weight = 0;
    }

    /** Whether entry {@code a} ranks before entry {@code b}: higher count, then smaller item. */
    boolean before(int a, int b) {
        if (counts[a] != counts[b]) {
            return counts[a] > counts[b];
        }
        return items[a].compareTo(items[b]) < 0;
    }

    /** Sorts the entries by rank, best first, in place (heapsort: no allocation); leaves {@link #index} stale. */
    private void sortByRank() {
        // a heap whose root ranks last, so repeatedly moving the root to the end sorts best first
        for (int i = size / 2 - 1; i >= 0; i--) {
            siftDown(i, size);
        }
        for (int end = size - 1; end > 0; end--) {
            swap(0, end);
            siftDown(0, end);
        }
    }

    private void siftDown(int i, int n) {
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) {
                return;
            }
            if (c + 1 < n && before(c, c + 1)) {
                c++;
            }
            if (!before(i, c)) {
                return;
            }
            swap(i, c);
            i = c;
        }
    }

    private void swap(int a, int b) {
        String item = items[a];
        items[a] = items[b];
        items[b] = item;
        long count = counts[a];
        counts[a] = counts[b];
        counts[b] = count;
    }

    /** The positions of the {@code k} best-ranked entries (fewer if there are fewer), best first; reads only. */
    int[] top(int k) {
        int n = Math.min(k, size);
        int[] heap = new int[n]; // the best n so far; root = the one ranked last
        int filled = 0;
        for (int e = 0; e < size; e++) {
            if (filled < n) {
                heap[filled] = e;
                int i = filled++;
                while (i > 0 && before(heap[(i - 1) / 2], heap[i])) {
                    int parent = (i - 1) / 2;
                    int t = heap[i];
                    heap[i] = heap[parent];
                    heap[parent] = t;
                    i = parent;
                }
            } else if (n > 0 && before(e, heap[0])) {
                heap[0] = e;
                siftDownPositions(heap, 0, n);
            }
        }
        for (int end = n - 1; end > 0; end--) {
            int t = heap[0];
            heap[0] = heap[end];
            heap[end] = t;
            siftDownPositions(heap, 0, end);
        }
        return heap;
    }

    private void siftDownPositions(int[] heap, int i, int n) {
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) {
                return;
            }
            if (c + 1 < n && before(heap[c], heap[c + 1])) {
                c++;
            }
            if (!before(heap[i], heap[c])) {
                return;
            }
            int t = heap[i];
            heap[i] = heap[c];
            heap[c] = t;
            i = c;
        }
    }

    /** The positions of all entries in item order (for the canonical image). */
    int[] byItem() {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> items[a].compareTo(items[b]));
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = order[i];
        }
        return out;
    }

    /** The count of {@code item}'s entry, or -1 if it has none. */
    long countOf(String item) {
        int p = find(item);
        return p >= 0 ? counts[p] : -1;
    }

    /** Adds a decoded entry; false if {@code item} already has one. */
    boolean addDecoded(String item, long count) {
        if (find(item) >= 0) {
            return false;
        }
        add(item, count);
        return true;
    }

    long sizeBytes() {
        return 64 + 16L * 3 + 20L * items.length + 48L * size;
    }
}
