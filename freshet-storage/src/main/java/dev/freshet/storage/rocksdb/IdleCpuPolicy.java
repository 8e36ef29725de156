package dev.freshet.storage.rocksdb;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Moves RocksDB's compaction threads (the process-wide {@code rocksdb:low} pool) to Linux's
 * {@code SCHED_IDLE} policy, by thread id from the opening thread: RocksDB starts and names its
 * pool threads while it opens a database, so {@link #applyToCompactionThreads} runs right after
 * each open (lowering the priority of one's own threads needs no rights).
 *
 * <p>Why: at nice 19 (which RocksDB sets on both pools, and which stays as the fallback) a running
 * compaction keeps its time slice (up to ~1.5 ms on two cores) when the engine thread wakes on its
 * core, so the engine could be delayed by a slice again and again while its backlog grew. A
 * {@code SCHED_IDLE} task is preempted as soon as any normal task wants its core (bench serve's
 * freshness tail at half capacity: median p99 ~68 → ~30 ms over many runs, with large run-to-run
 * noise; BENCHMARKS.md, "tenth session").
 *
 * <p>Why compactions only: a thread this far down can be preempted while it holds RocksDB's
 * database mutex, and then waits for an idle moment before it releases it. The log's committer
 * needs that mutex to switch a full memtable, which the flush pool then writes out — so flushes,
 * on which every append depends, stay at nice 19; compactions only fall behind (and RocksDB slows
 * writes long before it stops them) when the cores have no idle time at all.
 *
 * <p>No-op where the policy does not exist (not Linux, no {@code sched_setscheduler} in libc, or
 * native access denied): nice 19 then applies alone.
 */
final class IdleCpuPolicy {
    private static final System.Logger LOG = System.getLogger(IdleCpuPolicy.class.getName());
    /** Linux's {@code SCHED_IDLE} ({@code include/uapi/linux/sched.h}). */
    static final int SCHED_IDLE = 5;
    /** Name RocksDB gives the threads of its compaction (LOW priority) pool. */
    static final String COMPACTION_THREADS = "rocksdb:low";
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final MethodHandle SET_SCHEDULER = setScheduler();
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private IdleCpuPolicy() {
    }

    @SuppressWarnings("restricted") // a libc downcall; the launcher and the tests enable native access
    private static MethodHandle setScheduler() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("sched_setscheduler")
                    .map(s -> linker.downcallHandle(s, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS)))
                    .orElse(null);
        } catch (RuntimeException e) { // e.g. native access denied to this module
            return null;
        }
    }

    /** Whether this platform offers the policy (Linux, with libc's {@code sched_setscheduler}). */
    static boolean available() {
        return SET_SCHEDULER != null && Files.isDirectory(TASKS);
    }

    /**
     * Moves every thread of RocksDB's compaction pool in this process to {@code SCHED_IDLE}
     * (threads already there stay); returns how many threads were moved, -1 if the policy is not
     * available or a call failed (warned once).
     */
    static int applyToCompactionThreads() {
        if (!available()) {
            return -1;
        }
        int moved = 0;
        try (Stream<Path> threads = Files.list(TASKS)) {
            for (Path t : threads.toList()) {
                if (!threadName(t).startsWith(COMPACTION_THREADS) || policy(t) == SCHED_IDLE) {
                    continue;
                }
                if (!moveToIdle(Integer.parseInt(t.getFileName().toString()))) {
                    return -1;
                }
                moved++;
            }
        } catch (IOException | RuntimeException e) {
            warn("cannot list this process's threads: " + e);
            return -1;
        }
        return moved;
    }

    private static String threadName(Path task) {
        try {
            return Files.readString(task.resolve("comm")).strip();
        } catch (IOException e) {
            return ""; // the thread ended meanwhile
        }
    }

    /** Scheduling policy of a thread, from field 41 of {@code /proc/self/task/<tid>/stat}; -1 if unknown. */
    static int policy(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            List<String> fields = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
            return Integer.parseInt(fields.get(38));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static boolean moveToIdle(int tid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment param = arena.allocate(ValueLayout.JAVA_INT); // struct sched_param { int sched_priority = 0; }
            int rc = (int) SET_SCHEDULER.invokeExact(tid, SCHED_IDLE, param);
            if (rc != 0) {
                warn("sched_setscheduler(" + tid + ", SCHED_IDLE) failed");
            }
            return rc == 0;
        } catch (Throwable t) {
            warn("sched_setscheduler failed: " + t);
            return false;
        }
    }

    private static void warn(String what) {
        if (WARNED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "RocksDB compaction threads stay at nice 19: " + what);
        }
    }
}
