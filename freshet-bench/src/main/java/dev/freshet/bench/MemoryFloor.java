package dev.freshet.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * What the core fraud view's state layout costs per event on this machine's memory, without any of
 * the engine's other work: a bare model of {@code card_txn}'s five core storage groups (the rings
 * 5 min/30 s × 10 tiles of 4 longs, 1 h/5 min × 12 of 10, 1 h/1 min × 60 of 4, 24 h/2 h × 12 of 4,
 * and one lifetime tile of 10), each key's ring contiguous as in {@code DenseHopGroup}, fed events
 * in time order over a day with uniformly random keys and applied in stages of 32 as
 * {@code TileTable.applyBatch} does (first touch every tile of the stage, then update them). No key
 * lookup, no input or filter evaluation, no per-feature dispatch: a floor under the real apply path.
 *
 * <p>Beside it, a raw-tail model (what {@code TileTable}'s event tail aims at): per key one block of a header
 * line (slot count and the lifetime tile) and 8 event slots of 4 longs, plus the 24 h ring, which
 * is too long to defer; the short windows' rings are not touched (their events leave the tail unread).
 *
 * <p>It also times independent random loads of one cache line each from an array as large as the
 * model's state at the largest key count — the most the memory system gives one thread when nothing
 * else is in the way. Prints one JSON line.
 *
 * <pre>java -cp freshet-bench/target/benchmarks.jar dev.freshet.bench.MemoryFloor [keys,keys,...] [events]</pre>
 */
public final class MemoryFloor {
    private static final long[] HOP = {30_000, 300_000, 60_000, 7_200_000, 0};
    private static final int[] RING = {10, 12, 60, 12, 1};
    private static final int[] STRIDE = {4, 10, 4, 4, 10};
    private static final int GROUPS = HOP.length;
    private static final int STAGE = 32;

    /** Raw-tail model: per key a header line (slot count, the lifetime tile) then RAW_SLOTS events of 2 longs. */
    private static final int RAW_SLOTS = 8;
    private static final int RAW_HEADER = 8;
    private static final int RAW_BLOCK = RAW_HEADER + 4 * RAW_SLOTS;

    private final long[][] data = new long[GROUPS][];
    private final long[] raw;
    private final int[] touchedAt = new int[STAGE * GROUPS];
    private long sink;

    private MemoryFloor(int keys, boolean rawTail) {
        if (rawTail) {
            raw = new long[keys * RAW_BLOCK];
            data[3] = new long[keys * RING[3] * STRIDE[3]]; // the 24 h ring stays a ring
            return;
        }
        raw = null;
        for (int g = 0; g < GROUPS; g++) {
            data[g] = new long[keys * RING[g] * STRIDE[g]];
        }
    }

    /**
     * The raw-tail layout: each event appends (time, value) to its key's ring of raw events and
     * updates the lifetime tile beside the slot count; windows would be folded at read time. Stages
     * of 32: load every header, then every slot the stage writes, then write.
     */
    private void runRaw(int[] keys, long[] times, int n, boolean touchOnly) {
        long loaded = 0;
        for (int start = 0; start < n; start += STAGE) {
            int end = Math.min(n, start + STAGE);
            for (int j = start; j < end; j++) {
                loaded += raw[keys[j] * RAW_BLOCK];
                int at = (keys[j] * RING[3] + (int) (tileId(3, times[j]) % RING[3])) * STRIDE[3];
                touchedAt[STAGE + j - start] = at;
                loaded += data[3][at];
            }
            for (int j = start; j < end; j++) {
                int base = keys[j] * RAW_BLOCK;
                int at = base + RAW_HEADER + (int) (raw[base] & (RAW_SLOTS - 1)) * 4;
                touchedAt[j - start] = at;
                loaded += raw[at];
            }
            if (touchOnly) {
                continue;
            }
            for (int j = start; j < end; j++) {
                int base = keys[j] * RAW_BLOCK;
                int at = touchedAt[j - start];
                raw[at] = times[j];
                raw[at + 1] = j;
                raw[at + 2] = j;
                raw[at + 3] = j;
                raw[base]++;
                raw[base + 1] = Math.max(raw[base + 1], times[j]);
                raw[base + 2] += j;
                raw[base + 3] = j;
                long[] d = data[3];
                int r = touchedAt[STAGE + j - start];
                long id = tileId(3, times[j]);
                if (d[r + 2] == 0 || d[r] != id) {
                    Arrays.fill(d, r, r + STRIDE[3], 0);
                    d[r] = id;
                }
                d[r + 1] = Math.max(d[r + 1], times[j]);
                d[r + 2]++;
                d[r + 3] += j;
            }
        }
        sink += loaded;
    }

    private static long tileId(int g, long ts) {
        return HOP[g] == 0 ? 0 : ts / HOP[g];
    }

    /** Applies every event, staged; {@code touchOnly} stops after each stage's loads. */
    private void run(int[] keys, long[] times, int n, boolean touchOnly) {
        long loaded = 0;
        for (int start = 0; start < n; start += STAGE) {
            int end = Math.min(n, start + STAGE);
            for (int j = start; j < end; j++) {
                for (int g = 0; g < GROUPS; g++) {
                    int at = (keys[j] * RING[g] + (int) (tileId(g, times[j]) % RING[g])) * STRIDE[g];
                    touchedAt[(j - start) * GROUPS + g] = at;
                    loaded += data[g][at];
                }
            }
            if (touchOnly) {
                continue;
            }
            for (int j = start; j < end; j++) {
                for (int g = 0; g < GROUPS; g++) {
                    long[] d = data[g];
                    int at = touchedAt[(j - start) * GROUPS + g];
                    long id = tileId(g, times[j]);
                    if (d[at + 2] == 0 || d[at] != id) {
                        Arrays.fill(d, at, at + STRIDE[g], 0);
                        d[at] = id;
                    }
                    d[at + 1] = Math.max(d[at + 1], times[j]);
                    d[at + 2]++;
                    d[at + 3] += j;
                }
            }
        }
        sink += loaded;
    }

    private static double nanosPerEvent(int keyCount, int[] keys, long[] times, boolean touchOnly, int reps, boolean rawTail) {
        double[] runs = new double[reps];
        for (int r = 0; r < reps; r++) {
            MemoryFloor m = new MemoryFloor(keyCount, rawTail);
            if (rawTail) {
                m.runRaw(keys, times, keys.length, touchOnly);
            } else {
                m.run(keys, times, keys.length, touchOnly); // first pass fills the rings and compiles
            }
            long t0 = System.nanoTime();
            if (rawTail) {
                m.runRaw(keys, times, keys.length, touchOnly);
            } else {
                m.run(keys, times, keys.length, touchOnly);
            }
            runs[r] = (System.nanoTime() - t0) / (double) keys.length;
            if (m.sink == 42) {
                System.err.print(""); // keeps the loads alive
            }
        }
        Arrays.sort(runs);
        return runs[reps / 2];
    }

    private static double nanosPerRandomLine(long bytes, int loads) {
        long[] array = new long[(int) Math.min(Integer.MAX_VALUE - 8, bytes / 8)];
        Arrays.fill(array, 1);
        int lines = array.length / 8;
        int[] at = new int[loads];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < loads; i++) {
            at[i] = random.nextInt(lines) * 8;
        }
        double best = Double.MAX_VALUE;
        long sum = 0;
        for (int r = 0; r < 3; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < loads; i++) {
                sum += array[at[i]];
            }
            best = Math.min(best, (System.nanoTime() - t0) / (double) loads);
        }
        if (sum == 42) {
            System.err.print("");
        }
        return best;
    }

    public static void main(String[] args) {
        int[] keyCounts = Arrays.stream((args.length > 0 ? args[0] : "1000,100000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 5_000_000;
        long[] times = new long[events];
        for (int i = 0; i < events; i++) {
            times[i] = (long) i * 86_400_000L / events;
        }
        StringBuilder json = new StringBuilder("{\"benchmark\":\"memory_floor\",\"events\":").append(events).append(",\"groups\":[");
        long stateLongs = 0;
        for (int g = 0; g < GROUPS; g++) {
            stateLongs += (long) RING[g] * STRIDE[g];
            json.append(g == 0 ? "\"" : ",\"").append(RING[g]).append('x').append(STRIDE[g]).append('"');
        }
        json.append("],\"state_bytes_per_key\":").append(stateLongs * 8).append(",\"runs\":[");
        SplittableRandom random = new SplittableRandom(1);
        int maxKeys = 0;
        for (int k = 0; k < keyCounts.length; k++) {
            int[] keys = new int[events];
            for (int i = 0; i < events; i++) {
                keys[i] = random.nextInt(keyCounts[k]);
            }
            maxKeys = Math.max(maxKeys, keyCounts[k]);
            json.append(k == 0 ? "" : ",").append("{\"keys\":").append(keyCounts[k])
                    .append(String.format(",\"apply_ns_per_event\":%.1f", nanosPerEvent(keyCounts[k], keys, times, false, 3, false)))
                    .append(String.format(",\"touch_ns_per_event\":%.1f", nanosPerEvent(keyCounts[k], keys, times, true, 3, false)))
                    .append(String.format(",\"raw_tail_apply_ns_per_event\":%.1f", nanosPerEvent(keyCounts[k], keys, times, false, 3, true)))
                    .append(String.format(",\"raw_tail_touch_ns_per_event\":%.1f}", nanosPerEvent(keyCounts[k], keys, times, true, 3, true)));
        }
        json.append(String.format("],\"random_line_ns\":%.1f,\"random_line_array_bytes\":%d}",
                nanosPerRandomLine(maxKeys * stateLongs * 8, 20_000_000), maxKeys * stateLongs * 8));
        System.out.println(json);
    }
}
