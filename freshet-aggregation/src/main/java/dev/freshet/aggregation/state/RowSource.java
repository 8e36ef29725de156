package dev.freshet.aggregation.state;

import dev.freshet.model.expr.Row;

/** Positioned access to the rows of a batch; may return the same (repositioned) object each call. */
@FunctionalInterface
public interface RowSource {
    Row row(int index);
}
