package dev.freshet.app.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time and heap allocation of this JVM's threads by name prefix, so a benchmark can say what a
 * phase cost per request or event on each side (the HTTP event loops, the engine thread) rather
 * than only how fast it went: {@code ThreadCost loops = ThreadCost.since("vert.x-eventloop"); ...;
 * loops.microsPer(requests)}. On Linux HotSpot reports a thread's user + system time, kernel work
 * on its sockets included; allocation is what the thread's TLABs and outside-TLAB allocations
 * handed out (garbage that young collections then have to sweep). Threads that end during a phase
 * drop out of the sums; the ones measured here live as long as the server.
 */
public final class ThreadCost {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private final String prefix;
    private final long startNanos;
    private final long startBytes;

    private ThreadCost(String prefix) {
        this.prefix = prefix;
        this.startNanos = sum(prefix, true);
        this.startBytes = sum(prefix, false);
    }

    /** Starts measuring the threads whose name starts with {@code prefix}. */
    public static ThreadCost since(String prefix) {
        return new ThreadCost(prefix);
    }

    /** Microseconds of CPU those threads used since {@link #since}, per unit; NaN if unmeasured here or no units. */
    public double microsPer(double units) {
        return per(startNanos, sum(prefix, true), units) / 1e3;
    }

    /** Bytes those threads allocated since {@link #since}, per unit; NaN if unmeasured here or no units. */
    public double bytesPer(double units) {
        return per(startBytes, sum(prefix, false), units);
    }

    private static double per(long start, long now, double units) {
        return start < 0 || now < 0 || units <= 0 ? Double.NaN : (now - start) / units;
    }

    /** Summed CPU nanoseconds (or allocated bytes) of the live threads named {@code prefix}..., or -1 if not measured. */
    private static long sum(String prefix, boolean cpu) {
        com.sun.management.ThreadMXBean alloc = MX instanceof com.sun.management.ThreadMXBean m ? m : null;
        if (cpu ? !MX.isThreadCpuTimeSupported() || !MX.isThreadCpuTimeEnabled()
                : alloc == null || !alloc.isThreadAllocatedMemorySupported() || !alloc.isThreadAllocatedMemoryEnabled()) {
            return -1;
        }
        long sum = 0;
        long[] ids = MX.getAllThreadIds();
        ThreadInfo[] infos = MX.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && infos[i].getThreadName().startsWith(prefix)) {
                long v = cpu ? MX.getThreadCpuTime(ids[i]) : alloc.getThreadAllocatedBytes(ids[i]);
                if (v > 0) {
                    sum += v;
                }
            }
        }
        return sum;
    }
}
