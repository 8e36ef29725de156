package dev.freshet.app.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of this JVM's threads by name prefix, so a benchmark can say what a phase cost per
 * request or event on each side (the HTTP event loops, the engine thread) rather than only how
 * fast it went. On Linux HotSpot reports a thread's user + system time, kernel work on its
 * sockets included. Threads that ended during a phase drop out of the sum; the ones measured here
 * live as long as the server.
 */
public final class ThreadCpu {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private ThreadCpu() {
    }

    /** Whether the JVM measures thread CPU time here; if not, {@link #nanos} returns -1. */
    public static boolean supported() {
        return MX.isThreadCpuTimeSupported() && MX.isThreadCpuTimeEnabled();
    }

    /** Summed CPU nanoseconds of the live threads whose name starts with {@code prefix}, or -1. */
    public static long nanos(String prefix) {
        if (!supported()) {
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

    /** Microseconds of CPU per unit between two {@link #nanos} readings (NaN if unmeasured or no units). */
    public static double microsPer(long before, long after, double units) {
        if (before < 0 || after < 0 || units <= 0) {
            return Double.NaN;
        }
        return (after - before) / 1e3 / units;
    }
}
