package dev.freshet.model.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.model.FeatureRepository;
import dev.freshet.model.FraudExample;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.FeatureRef;
import dev.freshet.model.spec.WindowSpec;
import dev.freshet.model.validate.Validator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FraudExampleLoadingTest {
    @Test
    void yamlExampleLoadsWithoutErrors() {
        LoadResult result = RepositoryLoader.load(FraudExample.DIR);
        assertTrue(result.isValid(), result::errorReport);
    }

    @Test
    void yamlAndBuilderProduceEqualRepositories() {
        FeatureRepository fromYaml = RepositoryLoader.load(FraudExample.DIR).repositoryOrThrow();
        FeatureRepository fromBuilder = FraudExample.repository();
        assertEquals(fromBuilder, fromYaml);
    }

    @Test
    void builderExampleIsValid() {
        assertEquals(List.of(), new Validator().validate(FraudExample.repository()));
    }

    @Test
    void windowWithoutHopGetsTheDocumentedDefaultHop() {
        FeatureRepository repo = RepositoryLoader.load(FraudExample.DIR).repositoryOrThrow();
        assertEquals(new WindowSpec.Hopping(Duration.ofMinutes(5), Duration.ofSeconds(30)),
                window(repo, "txn_count_5m"));
        assertEquals(new WindowSpec.Hopping(Duration.ofHours(1), Duration.ofMinutes(5)), window(repo, "txn_count_1h"));
        assertEquals(new WindowSpec.Hopping(Duration.ofHours(24), Duration.ofHours(2)), window(repo, "amount_max_24h"));
        assertEquals(new WindowSpec.Hopping(Duration.ofHours(1), Duration.ofMinutes(1)),
                window(repo, "foreign_txn_count_1h"));
        assertEquals(new WindowSpec.Lifetime(), window(repo, "last_lat"));
    }

    @Test
    void serviceExpandsViewWildcardInViewOrder() {
        FeatureRepository repo = FraudExample.repository();
        List<String> features = repo.expandFeatures(repo.featureService("fraud_model_v1").orElseThrow());
        assertEquals(13, features.size());
        assertEquals("card_txn:txn_count_5m", features.get(0));
        assertEquals("distance_from_last_txn_km", features.get(12));
    }

    private static WindowSpec window(FeatureRepository repo, String feature) {
        return repo.aggregation(new FeatureRef("card_txn", feature)).map(AggregationSpec::window).orElseThrow();
    }
}
