package dev.freshet.model.spec;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A feature computed at request time (and identically offline) by a CEL expression over request
 * fields and other features.
 *
 * @param name          unique name
 * @param type          result type
 * @param expression    CEL expression; features are referenced by their variable names
 * @param features      features the expression reads, as {@code view:feature}; inside the expression
 *                      they are named {@code view__feature}
 * @param requestFields fields the caller passes in the request context, with types
 * @param description   free text
 */
public record OnDemandFeatureSpec(
        String name,
        FieldType type,
        String expression,
        List<String> features,
        Map<String, FieldType> requestFields,
        String description) implements Spec {
    public OnDemandFeatureSpec {
        Objects.requireNonNull(name, "name");
        features = features == null ? List.of() : List.copyOf(features);
        requestFields = requestFields == null ? Map.of() : Map.copyOf(requestFields);
        description = description == null ? "" : description;
    }

    @Override
    public SpecKind kind() {
        return SpecKind.ON_DEMAND_FEATURE;
    }
}
