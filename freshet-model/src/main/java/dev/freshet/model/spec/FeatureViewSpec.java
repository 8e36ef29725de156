package dev.freshet.model.spec;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A group of features of one entity computed from one source.
 *
 * @param name           unique name; features are addressed as {@code view:feature}
 * @param entity         entity name
 * @param source         source name
 * @param aggregations   streaming aggregations (stream sources)
 * @param batchFeatures  latest-value features (batch sources)
 * @param ttl            batch features: rows older than this are OUTSIDE_MAX_AGE; null = no limit
 * @param tags           free key/value labels
 * @param description    free text
 */
public record FeatureViewSpec(
        String name,
        String entity,
        String source,
        List<AggregationSpec> aggregations,
        List<BatchFeatureSpec> batchFeatures,
        Duration ttl,
        Map<String, String> tags,
        String description) implements Spec {
    public FeatureViewSpec {
        Objects.requireNonNull(name, "name");
        aggregations = aggregations == null ? List.of() : List.copyOf(aggregations);
        batchFeatures = batchFeatures == null ? List.of() : List.copyOf(batchFeatures);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        description = description == null ? "" : description;
    }

    @Override
    public SpecKind kind() {
        return SpecKind.FEATURE_VIEW;
    }
}
