package dev.freshet.model.builder;

import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.BatchFeatureSpec;
import dev.freshet.model.spec.FeatureViewSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a {@link FeatureViewSpec}; features keep the order they are added in. */
public final class FeatureViewBuilder {
    private final String name;
    private final List<AggregationSpec> aggregations = new ArrayList<>();
    private final List<BatchFeatureSpec> batchFeatures = new ArrayList<>();
    private final Map<String, String> tags = new LinkedHashMap<>();
    private String entity;
    private String source;
    private Duration ttl;
    private String description = "";

    FeatureViewBuilder(String name) {
        this.name = name;
    }

    public FeatureViewBuilder entity(String entityName) {
        this.entity = entityName;
        return this;
    }

    public FeatureViewBuilder source(String sourceName) {
        this.source = sourceName;
        return this;
    }

    /** Adds a streaming aggregation. */
    public FeatureViewBuilder aggregation(AggregationBuilder builder) {
        return aggregation(builder.build());
    }

    public FeatureViewBuilder aggregation(AggregationSpec spec) {
        aggregations.add(spec);
        return this;
    }

    /** Adds a latest-value feature of a batch source. */
    public FeatureViewBuilder batchFeature(String featureName, String input) {
        return batchFeature(new BatchFeatureSpec(featureName, input, ""));
    }

    public FeatureViewBuilder batchFeature(BatchFeatureSpec spec) {
        batchFeatures.add(spec);
        return this;
    }

    /** Batch features: rows older than this are OUTSIDE_MAX_AGE. */
    public FeatureViewBuilder ttl(Duration maxAge) {
        this.ttl = maxAge;
        return this;
    }

    public FeatureViewBuilder tag(String key, String value) {
        tags.put(key, value);
        return this;
    }

    public FeatureViewBuilder description(String text) {
        this.description = text;
        return this;
    }

    public FeatureViewSpec build() {
        return new FeatureViewSpec(name, entity, source, aggregations, batchFeatures, ttl, tags, description);
    }
}
