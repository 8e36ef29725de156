package dev.freshet.app.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * CPU time of this process's threads chosen by name, read from {@code /proc/self/task/<tid>/stat}
 * on Linux: it sees every thread, the JVM's own (compiler, GC) and native ones (RocksDB's) that
 * {@code ThreadMXBean} does not list. Threads that ended drop out of the sums.
 */
final class ThreadTicks {
    private static final Path TASKS = Path.of("/proc/self/task");
    /** USER_HZ: the unit of utime/stime in /proc/.../stat on Linux. */
    static final long PER_SECOND = 100;

    private ThreadTicks() {
    }

    /** Whether this system has {@code /proc/self/task}. */
    static boolean available() {
        return Files.isDirectory(TASKS);
    }

    /** Summed user + system ticks of the threads whose name {@code byName} accepts; -1 where unreadable. */
    static long sum(Predicate<String> byName) {
        if (!available()) {
            return -1;
        }
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended while we listed it
                }
                // pid (comm) state ...: the name may hold spaces and parentheses, so cut at the last ')'
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                if (open < 0 || close < open || !byName.test(stat.substring(open + 1, close))) {
                    continue;
                }
                // after the name: state(3) ... utime(14) stime(15), 1-based in proc(5)
                String[] fields = stat.substring(close + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return ticks;
    }
}
