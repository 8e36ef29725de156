package dev.freshet.app.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * How busy the JIT compiler is, for warm-ups that run until compilation has settled.
 *
 * <p>On Linux this is the CPU time of the JVM's compiler threads ({@code C1/C2 CompilerThread*} in
 * {@code /proc/self/task}). {@link CompilationMXBean#getTotalCompilationTime()} is the fallback
 * elsewhere, but it counts the wall time of compilations: on two busy cores a compiler thread waits
 * for a core, so that figure stays high long after the compiler's real share has dropped.
 */
public final class JitActivity {
    private final boolean procfs = ThreadTicks.available();
    private final CompilationMXBean mx = ManagementFactory.getCompilationMXBean();

    /** Milliseconds the compiler has worked so far (CPU time where the OS tells it, else compilation time). */
    public long compilerMillis() {
        if (procfs) {
            long ticks = compilerTicks();
            if (ticks >= 0) {
                return ticks * 1000 / ThreadTicks.PER_SECOND;
            }
        }
        return mx.isCompilationTimeMonitoringSupported() ? mx.getTotalCompilationTime() : 0;
    }

    private static long compilerTicks() {
        return ThreadTicks.sum(name -> name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler"));
    }
}
