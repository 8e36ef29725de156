package dev.freshet.model.spec;

import java.util.Objects;

/**
 * A batch feature: the value of a source field (or expression) in the latest row with
 * {@code event_time <= t} within the view's TTL.
 *
 * @param name        feature name
 * @param input       field name or CEL expression over the batch source
 * @param description free text
 */
public record BatchFeatureSpec(String name, String input, String description) {
    public BatchFeatureSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(input, "input");
        description = description == null ? "" : description;
    }
}
