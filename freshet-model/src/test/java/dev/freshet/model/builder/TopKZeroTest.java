package dev.freshet.model.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.validate.ValidationError;
import dev.freshet.model.validate.Validator;
import dev.freshet.model.yaml.LoadResult;
import dev.freshet.model.yaml.RepositoryLoader;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** top_k with k = 0 is refused by the Java builder as YAML refuses k: 0 (docs: builder repositories are checked the same way). */
class TopKZeroTest {

    // User-visible: Aggregations.topK("top", "currency", 0) serves the top 5 items instead of failing validation like YAML k: 0.
    @Test
    void builderTopKZeroIsRejectedLikeYaml() {
        LoadResult yaml = RepositoryLoader.loadString("f.yaml", """
                kind: entity
                name: card
                join_keys: {card_id: string}
                ---
                kind: source
                name: txn
                type: stream
                event_time_field: ts
                schema: {card_id: string, currency: string, ts: timestamp}
                ---
                kind: feature_view
                name: v
                entity: card
                source: txn
                features:
                  - {name: top, function: top_k, input: currency, window: 1h, k: 0}
                """);
        List<String> yamlErrors = yaml.errors().stream().map(ValidationError::toString).toList();
        assertTrue(yamlErrors.stream().anyMatch(e -> e.contains("k must be positive")), "YAML rejects k: 0: " + yamlErrors);

        List<String> builderErrors;
        try {
            FeatureRepository repo = FeatureRepository.builder()
                    .entity(Entities.entity("card").joinKey("card_id", FieldType.STRING))
                    .source(Sources.stream("txn").field("card_id", FieldType.STRING).field("currency", FieldType.STRING)
                            .field("ts", FieldType.TIMESTAMP).eventTime("ts"))
                    .featureView(FeatureViews.view("v").entity("card").source("txn")
                            .aggregation(Aggregations.topK("top", "currency", 0).over(Duration.ofHours(1))))
                    .build();
            builderErrors = new Validator().validate(repo).stream().map(ValidationError::toString).toList();
        } catch (IllegalArgumentException | IllegalStateException rejectedByBuilder) {
            return; // rejected at build time: fine too
        }
        assertEquals(1, builderErrors.size(), "builder top_k k(0) should be a validation error like YAML's k: 0, got " + builderErrors);
        assertTrue(builderErrors.getFirst().contains(".k"), builderErrors.getFirst());
    }
}
