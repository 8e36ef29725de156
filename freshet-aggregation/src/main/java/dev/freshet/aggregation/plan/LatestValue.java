package dev.freshet.aggregation.plan;

import dev.freshet.model.spec.FieldType;

/**
 * The "aggregator" of a latest-value feature: the value of its input in the key's latest row
 * (stored by the LATEST group, which keeps whole rows, nulls included). Carries the input's type.
 */
public record LatestValue(FieldType type) {
}
