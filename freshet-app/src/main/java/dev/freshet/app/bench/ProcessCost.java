package dev.freshet.app.bench;

import java.lang.management.ManagementFactory;

/**
 * What a benchmark phase cost the whole process, beside {@link ThreadCost}'s per-side figures: the
 * process's CPU time (every thread, the in-process load generator, the JIT and GC, and RocksDB's
 * native flush and compaction threads included), the share of the machine's cores it kept busy,
 * and the storage threads' part (the log's committer and WAL-sync threads, and RocksDB's
 * background threads, which the JVM does not see: read from {@code /proc/self/task} on Linux).
 *
 * <p>Why: on two shared cores a latency figure only means something next to how busy the cores
 * were. A phase that keeps them ~95% busy queues every burst; that is a bound of the machine, not
 * of one code path.
 */
public final class ProcessCost {
    /** RocksDB names its background threads {@code rocksdb:low}, {@code rocksdb:high}, ... */
    private static final String NATIVE_STORAGE = "rocksdb:";

    private final long startWall = System.nanoTime();
    private final long startProcess = processCpuNanos();
    private final long startNative = nativeCpuNanos(NATIVE_STORAGE);
    private final ThreadCost logThreads = ThreadCost.since("freshet-log");
    private final ThreadCost walThreads = ThreadCost.since("freshet-wal");

    private ProcessCost() {
    }

    /** Starts measuring. */
    public static ProcessCost since() {
        return new ProcessCost();
    }

    /** Microseconds of the process's CPU since {@link #since}, per unit; NaN if unmeasured here. */
    public double processMicrosPer(double units) {
        long now = processCpuNanos();
        return startProcess < 0 || now < 0 || units <= 0 ? Double.NaN : (now - startProcess) / units / 1e3;
    }

    /** Share of all the machine's cores the process kept busy since {@link #since} (0..1); NaN if unmeasured. */
    public double busyShare() {
        long now = processCpuNanos();
        long wall = System.nanoTime() - startWall;
        int cpus = Runtime.getRuntime().availableProcessors();
        return startProcess < 0 || now < 0 || wall <= 0 ? Double.NaN : (now - startProcess) / (double) wall / cpus;
    }

    /**
     * Microseconds of CPU of the storage threads (log committer, WAL sync, RocksDB flushes and
     * compactions) since {@link #since}, per unit; NaN where native threads cannot be read.
     */
    public double storageMicrosPer(double units) {
        long now = nativeCpuNanos(NATIVE_STORAGE);
        if (startNative < 0 || now < 0 || units <= 0) {
            return Double.NaN;
        }
        return (now - startNative) / units / 1e3 + logThreads.microsPer(units) + walThreads.microsPer(units);
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** CPU nanoseconds of this process's threads named {@code prefix}..., from /proc; -1 where there is none. */
    static long nativeCpuNanos(String prefix) {
        long ticks = ThreadTicks.sum(name -> name.startsWith(prefix));
        return ticks < 0 ? -1 : ticks * (1_000_000_000L / ThreadTicks.PER_SECOND);
    }
}
