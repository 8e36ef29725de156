package dev.freshet.bench;

import dev.freshet.app.bench.ProcessCost;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * How long one thread hand-off takes on this machine while its cores are partly busy: the latency
 * from one thread publishing a stamp and unparking a parked consumer to the consumer running, at
 * several background loads. Background load comes from worker threads that each spin for a slice
 * and then sleep, a duty cycle chosen so that they keep the given share of all cores busy — the
 * shape of a server's threads (event loops, log committer, engine, storage) at part load.
 *
 * <p>Every accepted event crosses at least two such hand-offs before it is visible (event loop →
 * log committer → engine), so the p99 here at the load a freshness measurement runs at is a floor
 * under that measurement's p99 on this machine, whatever the server does in between. Prints one
 * JSON line per load; {@code achieved_busy} is the process's measured CPU share of all cores.
 *
 * <pre>java -cp freshet-bench/target/benchmarks.jar dev.freshet.bench.HandOffUnderLoad [seconds per load] [loads, e.g. 0,0.25,0.5,0.75]</pre>
 */
public final class HandOffUnderLoad {
    private static final int WORKERS = 4;
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
    private static final long HAND_OFF_EVERY_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private HandOffUnderLoad() {
    }

    public static void main(String[] args) throws InterruptedException {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        String loads = args.length > 1 ? args[1] : "0,0.25,0.5,0.75";
        int cpus = Runtime.getRuntime().availableProcessors();
        for (String l : loads.split(",")) {
            run(Double.parseDouble(l), seconds, cpus);
        }
    }

    private static void run(double load, double seconds, int cpus) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        // each worker's duty cycle: spin SPIN_NANOS, then sleep so that WORKERS of them fill `load` of the cores
        double duty = Math.min(1, load * cpus / WORKERS);
        long sleepNanos = duty <= 0 ? 0 : (long) (SPIN_NANOS * (1 - duty) / duty);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; duty > 0 && w < WORKERS; w++) {
            workers.add(Thread.ofPlatform().name("load-" + w).start(() -> {
                while (System.nanoTime() < end) {
                    long spinUntil = System.nanoTime() + SPIN_NANOS;
                    while (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                    }
                    if (sleepNanos > 0) {
                        LockSupport.parkNanos(sleepNanos);
                    }
                }
            }));
        }
        Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        AtomicLong stamp = new AtomicLong(); // 0 = nothing published
        Thread consumer = Thread.ofPlatform().name("consumer").start(() -> {
            while (true) {
                long s = stamp.getAndSet(0);
                if (s == Long.MIN_VALUE) {
                    return;
                }
                if (s != 0) {
                    latency.recordValue(Math.max(0, System.nanoTime() - s));
                } else {
                    LockSupport.park();
                }
            }
        });
        ProcessCost cost = ProcessCost.since();
        long next = System.nanoTime();
        while (next < end) {
            next += HAND_OFF_EVERY_NANOS;
            LockSupport.parkNanos(next - System.nanoTime());
            stamp.set(System.nanoTime());
            LockSupport.unpark(consumer);
        }
        double busy = cost.busyShare();
        stamp.set(Long.MIN_VALUE);
        LockSupport.unpark(consumer);
        consumer.join();
        for (Thread t : workers) {
            t.join();
        }
        System.out.printf("{\"benchmark\":\"hand-off under load\",\"load\":%.2f,\"achieved_busy\":%.3f,\"hand_offs\":%d,"
                        + "\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f,\"over_1ms\":%.5f,\"cpus\":%d}%n",
                load, busy, latency.getTotalCount(), latency.getValueAtPercentile(50) / 1e3,
                latency.getValueAtPercentile(99) / 1e3, latency.getValueAtPercentile(99.9) / 1e3, latency.getMaxValue() / 1e3,
                1 - latency.getPercentileAtOrBelowValue(TimeUnit.MILLISECONDS.toNanos(1)) / 100, cpus);
    }
}
