package dev.freshet.app.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the JIT compiler is, for warm-ups that run until compilation has settled.
 *
 * <p>On Linux this is the CPU time of the JVM's compiler threads ({@code C1/C2 CompilerThread*} in
 * {@code /proc/self/task}). {@link CompilationMXBean#getTotalCompilationTime()} is the fallback
 * elsewhere, but it counts the wall time of compilations: on two busy cores a compiler thread waits
 * for a core, so that figure stays high long after the compiler's real share has dropped.
 */
public final class JitActivity {
    private static final Path TASKS = Path.of("/proc/self/task");
    /** USER_HZ: the unit of utime/stime in /proc/.../stat on Linux. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final boolean procfs = Files.isDirectory(TASKS);
    private final CompilationMXBean mx = ManagementFactory.getCompilationMXBean();

    /** Milliseconds the compiler has worked so far (CPU time where the OS tells it, else compilation time). */
    public long compilerMillis() {
        if (procfs) {
            long ticks = compilerTicks();
            if (ticks >= 0) {
                return Math.round(ticks * 1000 / TICKS_PER_SECOND);
            }
        }
        return mx.isCompilationTimeMonitoringSupported() ? mx.getTotalCompilationTime() : 0;
    }

    private static long compilerTicks() {
        long sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path t : tasks) {
                String stat;
                try {
                    stat = Files.readString(t.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String name = stat.substring(open + 1, close);
                if (!name.startsWith("C1 Compiler") && !name.startsWith("C2 Compiler")) {
                    continue;
                }
                // fields after the name: state(3) ... utime(14) stime(15), 1-based in proc(5)
                String[] f = stat.substring(close + 2).split(" ");
                sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return sum;
    }
}
