package dev.freshet.app.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a benchmark phase cost the whole process, beside {@link ThreadCost}'s per-side figures: the
 * process's CPU time (every thread, the in-process load generator, the JIT and GC, and RocksDB's
 * native flush and compaction threads included), the share of the machine's cores it kept busy,
 * and the storage threads' part (the log's committer and WAL-sync threads, and RocksDB's
 * background threads, which the JVM does not see: read from {@code /proc/self/task} on Linux).
 *
 * <p>Why: on two shared cores a latency figure only means something next to how busy the cores
 * were. A phase that keeps them ~95% busy queues every burst; that is a bound of the machine, not
 * of one code path. For the same reason it reads the machine's own counters ({@code /proc/stat}):
 * the share of the cores the hypervisor gave to other guests while ours wanted them (steal), and
 * the share other processes of this machine used — the two kinds of neighbours that decide a
 * millisecond tail on a shared VM.
 */
public final class ProcessCost {
    /** RocksDB names its background threads {@code rocksdb:low}, {@code rocksdb:high}, ... */
    private static final String NATIVE_STORAGE = "rocksdb:";

    private static final Path STAT = Path.of("/proc/stat");

    private final long startWall = System.nanoTime();
    private final long[] startMachine = machineTicks(STAT);
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

    /** Share of all cores stolen by the hypervisor since {@link #since} (0..1); NaN without /proc/stat. */
    public double stealShare() {
        long[] now = machineTicks(STAT);
        long wall = System.nanoTime() - startWall;
        if (startMachine == null || now == null || wall <= 0) {
            return Double.NaN;
        }
        return ticksToNanos(now[1] - startMachine[1]) / (double) wall / Runtime.getRuntime().availableProcessors();
    }

    /**
     * Share of all cores that other processes of this machine kept busy since {@link #since}: the
     * machine's busy time (user, nice, system, irq, softirq) minus this process's CPU (0..1; the
     * kernel's interrupt work on our behalf counts as others'); NaN without /proc/stat.
     */
    public double otherProcessesShare() {
        long[] now = machineTicks(STAT);
        long process = processCpuNanos();
        long wall = System.nanoTime() - startWall;
        if (startMachine == null || now == null || startProcess < 0 || process < 0 || wall <= 0) {
            return Double.NaN;
        }
        long others = ticksToNanos(now[0] - startMachine[0]) - (process - startProcess);
        return Math.max(0, others) / (double) wall / Runtime.getRuntime().availableProcessors();
    }

    /**
     * {busy, steal} ticks of all cores from the aggregate {@code cpu} line of a /proc/stat file
     * (user nice system idle iowait irq softirq steal ...); null if it cannot be read.
     */
    static long[] machineTicks(Path stat) {
        try (BufferedReader in = Files.newBufferedReader(stat)) {
            String line = in.readLine();
            if (line == null || !line.startsWith("cpu ")) {
                return null;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length < 9) {
                return null;
            }
            long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6]) + Long.parseLong(f[7]);
            return new long[] {busy, Long.parseLong(f[8])};
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    private static long ticksToNanos(long ticks) {
        return ticks * (1_000_000_000L / ThreadTicks.PER_SECOND);
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
