package dev.freshet.model.spec;

import java.util.Objects;

/**
 * One streaming aggregation feature: {@code function(input) over window [where filter]}.
 *
 * @param name       feature name, unique within its view
 * @param function   aggregation function
 * @param input      input expression over source fields (a field name or a CEL expression);
 *                   null for {@code count}
 * @param window     window
 * @param filter     optional boolean CEL expression; events where it is false are ignored
 * @param params     function parameters (n, k, percentile, lg_k, relative_accuracy)
 * @param description free text
 */
public record AggregationSpec(
        String name,
        AggregationFunction function,
        String input,
        WindowSpec window,
        String filter,
        AggregationParams params,
        String description) {
    public AggregationSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(window, "window");
        params = params == null ? AggregationParams.DEFAULTS : params;
        description = description == null ? "" : description;
    }
}
