package dev.freshet.engine.embedded;

import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.TileTable;

/**
 * One streaming view inside the embedded engine: its compiled plan, its tile table (replaced only
 * during recovery, before the engine is ready) and one read scratch per reading thread.
 */
final class ViewRuntime {
    final CompiledView compiled;
    final SourceRuntime source;
    private volatile TileTable table;
    private final ThreadLocal<TileTable.Reader> readers = ThreadLocal.withInitial(() -> table.newReader());
    /** The state's heap bytes as of the last full measuring pass ({@link #measureStep}); -1 before one. */
    private volatile long stateBytes = -1;
    private int measuredUpTo;
    private long measuredSoFar;

    ViewRuntime(CompiledView compiled, SourceRuntime source) {
        this.compiled = compiled;
        this.source = source;
    }

    void install(TileTable t) {
        table = t;
        restartMeasuring();
    }

    TileTable table() {
        return table;
    }

    TileTable.Reader reader() {
        return readers.get();
    }

    /**
     * Measures the state bytes of up to {@code maxKeys} more keys and returns whether a pass ended
     * (then {@link #stateBytes()} is updated). Engine thread, which owns the table: walking every
     * key at once under the read lock, as each /metrics scrape did, held off the engine's writes
     * (and, behind them, every read) for as long as the walk of a large state took.
     */
    boolean measureStep(int maxKeys) {
        TileTable t = table;
        int keys = t.keyCount();
        int to = Math.min(keys, measuredUpTo + maxKeys);
        measuredSoFar += t.stateBytes(measuredUpTo, to);
        measuredUpTo = to;
        if (to < keys) {
            return false;
        }
        stateBytes = measuredSoFar + t.keyIndexBytes();
        measuredUpTo = 0;
        measuredSoFar = 0;
        return true;
    }

    /** Heap bytes of the state as of the last full measuring pass; -1 before the first. */
    long stateBytes() {
        return stateBytes;
    }

    /** Starts measuring again from the first key (the table was replaced). */
    void restartMeasuring() {
        measuredUpTo = 0;
        measuredSoFar = 0;
    }
}
