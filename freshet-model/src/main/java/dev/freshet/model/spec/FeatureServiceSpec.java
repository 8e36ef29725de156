package dev.freshet.model.spec;

import java.util.List;
import java.util.Objects;

/**
 * A named set of features one model consumes.
 *
 * @param name        unique name
 * @param features    references: {@code view:feature}, {@code view:*} (all of a view) or an on-demand
 *                    feature name
 * @param description free text
 */
public record FeatureServiceSpec(String name, List<String> features, String description) implements Spec {
    public FeatureServiceSpec {
        Objects.requireNonNull(name, "name");
        features = List.copyOf(features);
        description = description == null ? "" : description;
    }

    @Override
    public SpecKind kind() {
        return SpecKind.FEATURE_SERVICE;
    }
}
