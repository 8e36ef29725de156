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

    ViewRuntime(CompiledView compiled, SourceRuntime source) {
        this.compiled = compiled;
        this.source = source;
    }

    void install(TileTable t) {
        table = t;
    }

    TileTable table() {
        return table;
    }

    TileTable.Reader reader() {
        return readers.get();
    }
}
