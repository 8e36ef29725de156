package dev.freshet.app.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of this JVM's threads by name prefix, so a benchmark can say what a phase cost per
 * request or event on each side (the HTTP event loops, the engine thread) rather than only how
 * fast it went: {@code ThreadCpu loops = ThreadCpu.since("vert.x-eventloop"); ...;
 * loops.microsPer(requests)}. On Linux HotSpot reports a thread's user + system time, kernel work
 * on its sockets included. Threads that end during a phase drop out of the sum; the ones measured
 * here live as long as the server.
 */
public final class ThreadCpu {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private final String prefix;
    private final long start;

    private ThreadCpu(String prefix) {
        this.prefix = prefix;
        this.start = nanos(prefix);
    }

    /** Starts measuring the threads whose name starts with {@code prefix}. */
    public static ThreadCpu since(String prefix) {
        return new ThreadCpu(prefix);
    }

    /** Microseconds of CPU those threads used since {@link #since}, per unit; NaN if unmeasured here or no units. */
    public double microsPer(double units) {
        long now = nanos(prefix);
        if (start < 0 || now < 0 || units <= 0) {
            return Double.NaN;
        }
        return (now - start) / 1e3 / units;
    }

    /** Summed CPU nanoseconds of the live threads whose name starts with {@code prefix}, or -1 if not measured. */
    private static long nanos(String prefix) {
        if (!MX.isThreadCpuTimeSupported() || !MX.isThreadCpuTimeEnabled()) {
            return -1;
        }
        long sum = 0;
        long[] ids = MX.getAllThreadIds();
        ThreadInfo[] infos = MX.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && infos[i].getThreadName().startsWith(prefix)) {
                long t = MX.getThreadCpuTime(ids[i]);
                if (t > 0) {
                    sum += t;
                }
            }
        }
        return sum;
    }
}
