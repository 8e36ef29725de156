package dev.freshet.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ProcessCostTest {

    /**
     * The /proc reader sees a thread by its name, with the CPU time the JVM itself reports for it
     * (within the kernel's 10 ms tick), and nothing for a name no thread has.
     */
    @Test
    void nativeThreadCpuIsReadByNamePrefix() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux /proc only");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        CompletableFuture<Long> spun = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        Thread probe = Thread.ofPlatform().name("cost-probe-1").start(() -> {
            long x = 0;
            while (mx.getCurrentThreadCpuTime() < 200_000_000L) { // spin until the JVM counts 200 ms of CPU
                x += System.nanoTime() & 1;
            }
            spun.complete(x);
            release.join(); // stay alive (and idle) while the test reads /proc
        });
        spun.join();
        long nanos = ProcessCost.nativeCpuNanos("cost-probe");
        release.complete(null);
        probe.join();
        assertTrue(nanos >= 150_000_000L && nanos <= 400_000_000L, "cost-probe thread CPU read from /proc: " + nanos + " ns");
        assertEquals(0, ProcessCost.nativeCpuNanos("no-such-thread-name"));
    }

    @Test
    void processFiguresAreMeasuredOnThisJvm() {
        ProcessCost cost = ProcessCost.since();
        long x = 0;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long start = mx.getCurrentThreadCpuTime();
        while (mx.getCurrentThreadCpuTime() - start < 300_000_000L) { // long enough for 10 ms CPU-time steps
            x += System.nanoTime() & 1;
        }
        assertTrue(x >= 0);
        assertTrue(cost.processMicrosPer(1) >= 280_000, "process CPU covers this thread's 300 ms: " + cost.processMicrosPer(1));
        double busy = cost.busyShare();
        assertTrue(busy > 0 && busy <= 1.1, "a share of the cores: " + busy);
    }

    @Test
    void machineTicksAreReadFromTheAggregateCpuLine(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path stat = dir.resolve("stat");
        // user nice system idle iowait irq softirq steal guest guest_nice
        Files.writeString(stat, "cpu  100 20 30 4000 50 6 7 8 0 0\ncpu0 50 10 15 2000 25 3 3 4 0 0\nintr 1 2 3\n");
        long[] ticks = ProcessCost.machineTicks(stat);
        assertEquals(100 + 20 + 30 + 6 + 7, ticks[0], "busy: user + nice + system + irq + softirq (not idle, iowait or steal)");
        assertEquals(8, ticks[1], "steal");
        Files.writeString(stat, "cpu0 1 2 3\n");
        assertEquals(null, ProcessCost.machineTicks(stat), "no aggregate line");
        assertEquals(null, ProcessCost.machineTicks(dir.resolve("missing")));
    }

    @Test
    void neighboursAreSharesOfTheCores() {
        assumeTrue(Files.isReadable(Path.of("/proc/stat")), "Linux /proc only");
        ProcessCost cost = ProcessCost.since();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long start = mx.getCurrentThreadCpuTime();
        long x = 0;
        while (mx.getCurrentThreadCpuTime() - start < 100_000_000L) {
            x += System.nanoTime() & 1;
        }
        assertTrue(x >= 0);
        double steal = cost.stealShare();
        double others = cost.otherProcessesShare();
        assertTrue(steal >= 0 && steal <= 1, "steal share: " + steal);
        assertTrue(others >= 0 && others <= 1, "other processes' share: " + others);
    }
}
