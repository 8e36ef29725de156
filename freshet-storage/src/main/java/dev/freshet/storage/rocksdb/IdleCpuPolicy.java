package dev.freshet.storage.rocksdb;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.CompactionJobInfo;
import org.rocksdb.FlushJobInfo;
import org.rocksdb.RocksDB;

/**
 * Runs RocksDB's flushes and compactions under Linux's {@code SCHED_IDLE} policy: when a job begins,
 * the RocksDB thread running it moves itself there (an unprivileged change: lowering a thread's own
 * priority needs no rights).
 *
 * <p>Why not nice 19 alone (which RocksDB sets, and which stays as the fallback): a nice-19 thread
 * that is running keeps its time slice (up to ~1.5 ms on two cores) when the engine thread wakes
 * on its core, so a compaction delayed the engine by a slice again and again, and at half the
 * maximum ingest rate its backlog grew to tens of batches (freshness p99 106 / 126 ms). A
 * {@code SCHED_IDLE} task is preempted as soon as any normal task wants its core, so background
 * work only ever fills idle time (freshness p99 20 / 12 ms in the same runs; BENCHMARKS.md).
 *
 * <p>No-op where the policy does not exist (not Linux, or no {@code sched_setscheduler} in libc):
 * RocksDB's own nice 19 then applies alone.
 */
final class IdleCpuPolicy extends AbstractEventListener {
    private static final System.Logger LOG = System.getLogger(IdleCpuPolicy.class.getName());
    /** Linux's {@code SCHED_IDLE} ({@code include/uapi/linux/sched.h}). */
    static final int SCHED_IDLE = 5;
    private static final MethodHandle SET_SCHEDULER = libc("sched_setscheduler",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle GET_SCHEDULER = libc("sched_getscheduler",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    IdleCpuPolicy() {
        super(EnabledEventCallback.ON_FLUSH_BEGIN, EnabledEventCallback.ON_COMPACTION_BEGIN);
    }

    @SuppressWarnings("restricted") // a libc downcall; the launcher and the tests enable native access
    private static MethodHandle libc(String name, FunctionDescriptor signature) {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return null;
        }
        Linker linker = Linker.nativeLinker();
        Optional<MemorySegment> symbol = linker.defaultLookup().find(name).or(() -> SymbolLookup.loaderLookup().find(name));
        return symbol.map(s -> linker.downcallHandle(s, signature)).orElse(null);
    }

    /** Whether this platform has the policy (Linux with glibc or musl). */
    static boolean available() {
        return SET_SCHEDULER != null && GET_SCHEDULER != null;
    }

    @Override
    public void onFlushBegin(RocksDB db, FlushJobInfo info) {
        moveCurrentThreadToIdle();
    }

    @Override
    public void onCompactionBegin(RocksDB db, CompactionJobInfo info) {
        moveCurrentThreadToIdle();
    }

    /** Moves the calling thread to {@code SCHED_IDLE}; true if it is (or already was) there. */
    static boolean moveCurrentThreadToIdle() {
        if (!available()) {
            return false;
        }
        try {
            if ((int) GET_SCHEDULER.invokeExact(0) == SCHED_IDLE) {
                return true; // each job of a pool thread asks again: one cheap system call
            }
            int rc;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment param = arena.allocate(ValueLayout.JAVA_INT); // struct sched_param { int sched_priority = 0; }
                rc = (int) SET_SCHEDULER.invokeExact(0, SCHED_IDLE, param);
            }
            if (rc != 0 && WARNED.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "could not move RocksDB background threads to SCHED_IDLE"
                        + " (sched_setscheduler failed); they keep nice 19");
            }
            return rc == 0;
        } catch (Throwable t) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "could not move RocksDB background threads to SCHED_IDLE: " + t);
            }
            return false;
        }
    }
}
