package dev.freshet.model.builder;

import dev.freshet.model.spec.FeatureServiceSpec;
import java.util.ArrayList;
import java.util.List;

/** Builds a {@link FeatureServiceSpec}; features keep the order they are added in. */
public final class FeatureServiceBuilder {
    private final String name;
    private final List<String> features = new ArrayList<>();
    private String description = "";

    FeatureServiceBuilder(String name) {
        this.name = name;
    }

    /** Adds {@code view:feature}, {@code view:*} or an on-demand feature name. */
    public FeatureServiceBuilder feature(String ref) {
        features.add(ref);
        return this;
    }

    public FeatureServiceBuilder features(String... refs) {
        features.addAll(List.of(refs));
        return this;
    }

    public FeatureServiceBuilder description(String text) {
        this.description = text;
        return this;
    }

    public FeatureServiceSpec build() {
        return new FeatureServiceSpec(name, features, description);
    }
}
