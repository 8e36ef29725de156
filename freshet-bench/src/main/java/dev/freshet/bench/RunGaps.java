package dev.freshet.bench;

import java.util.Arrays;

/**
 * How often this machine takes a core away from a thread that wants it: one thread spins reading
 * {@link System#nanoTime} and records every gap between two reads longer than a threshold, then
 * prints one JSON line (gap count, the longest, the total, and the share of the time lost).
 *
 * <p>On an idle machine a spinning thread should see no gap longer than a timer interrupt (a few
 * microseconds). What it sees instead is the floor under every latency percentile a server on this
 * machine can reach: a request that arrives while its core is gone waits for as long as the gap
 * lasts, whatever the code does. Run it alone, and pinned to one core ({@code taskset -c 0}).
 *
 * <pre>java -cp freshet-bench/target/benchmarks.jar dev.freshet.bench.RunGaps [seconds] [threshold µs]</pre>
 */
public final class RunGaps {
    private RunGaps() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        long threshold = (args.length > 1 ? Long.parseLong(args[1]) : 500) * 1_000L;
        long[] gaps = new long[1 << 16];
        int n = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long last = start;
        for (long now = start; now < end; now = System.nanoTime()) {
            long gap = now - last;
            if (gap > threshold && n < gaps.length) {
                gaps[n++] = gap;
            }
            last = now;
        }
        long[] found = Arrays.copyOf(gaps, n);
        Arrays.sort(found);
        long total = Arrays.stream(found).sum();
        long over1ms = Arrays.stream(found).filter(g -> g > 1_000_000L).count();
        System.out.printf("{\"benchmark\":\"run_gaps\",\"seconds\":%.1f,\"threshold_us\":%d,\"gaps\":%d,\"gaps_over_1ms\":%d,"
                        + "\"longest_ms\":%.3f,\"median_gap_ms\":%.3f,\"lost_ms\":%.1f,\"lost_share\":%.5f}%n",
                seconds, threshold / 1_000, n, over1ms, n == 0 ? 0.0 : found[n - 1] / 1e6, n == 0 ? 0.0 : found[n / 2] / 1e6,
                total / 1e6, total / (seconds * 1e9));
    }
}
