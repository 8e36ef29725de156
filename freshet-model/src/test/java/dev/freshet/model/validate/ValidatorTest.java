package dev.freshet.model.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.model.FeatureRepository;
import dev.freshet.model.FraudExample;
import dev.freshet.model.builder.Aggregations;
import dev.freshet.model.builder.Entities;
import dev.freshet.model.builder.FeatureServices;
import dev.freshet.model.builder.FeatureViews;
import dev.freshet.model.builder.OnDemandFeatures;
import dev.freshet.model.builder.Sources;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.yaml.LoadResult;
import dev.freshet.model.yaml.RepositoryLoader;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Builder-made repositories are validated like YAML ones; their errors are located at {@code <builder>}. */
class ValidatorTest {
    private final Validator validator = new Validator();

    private static FeatureRepository.Builder base() {
        return FeatureRepository.builder()
                .entity(Entities.entity("card").joinKey("card_id", FieldType.STRING))
                .source(Sources.stream("transactions")
                        .field("card_id", FieldType.STRING)
                        .field("amount", FieldType.FLOAT64)
                        .field("currency", FieldType.STRING)
                        .field("event_time", FieldType.TIMESTAMP)
                        .eventTime("event_time"));
    }

    private List<String> errors(FeatureRepository repo) {
        return validator.validate(repo).stream().map(ValidationError::toString).toList();
    }

    @Test
    void validRepositoryHasNoErrors() {
        assertEquals(List.of(), validator.validate(FraudExample.repository()));
    }

    @Test
    void builderErrorsAreReportedAtBuilderWithObjectPaths() {
        FeatureRepository repo = base()
                .featureView(FeatureViews.view("card_txn").entity("card").source("transactions")
                        .aggregation(Aggregations.count("a").over(Duration.ofHours(1)))
                        .aggregation(Aggregations.count("b").over(Duration.ofHours(1)))
                        .aggregation(Aggregations.sum("c", "amount").over(Duration.ofHours(1)).hop(Duration.ofMinutes(7))))
                .build();
        assertEquals(List.of("<builder>: card_txn.features[2].hop: hop 7m does not divide window 1h"), errors(repo));
    }

    @Test
    void createdTimestampFieldMustExistAndBeATime() {
        FeatureRepository repo = base()
                .source(Sources.batch("profiles").field("card_id", FieldType.STRING).field("updated_at", FieldType.TIMESTAMP)
                        .optionalField("created_s", FieldType.FLOAT64).eventTime("updated_at")
                        .option("created_timestamp_field", "created_s"))
                .source(Sources.batch("limits").field("card_id", FieldType.STRING).field("updated_at", FieldType.TIMESTAMP)
                        .eventTime("updated_at").option("created_timestamp_field", "created"))
                .build();
        assertEquals(List.of(
                "<builder>: limits.options.created_timestamp_field: unknown created-timestamp field 'created'",
                "<builder>: profiles.options.created_timestamp_field: created-timestamp field 'created_s' has type float64;"
                        + " it must be timestamp or int64 (epoch milliseconds)"),
                errors(repo));
    }

    @Test
    void manyErrorsAreCollectedInOneRun() {
        FeatureRepository repo = base()
                .entity(Entities.entity("card").joinKey("card_id", FieldType.STRING))
                .source(Sources.stream("clicks").field("user", FieldType.STRING).eventTime("ts"))
                .featureView(FeatureViews.view("v").entity("crad").source("transactions")
                        .aggregation(Aggregations.sum("s", "currency").over(Duration.ofHours(1)))
                        .aggregation(Aggregations.count("n").over(Duration.ofHours(1)).where("amount"))
                        .aggregation(Aggregations.approxPercentile("p", "amount", 2.0).over(Duration.ofHours(1)))
                        .aggregation(Aggregations.count("n").lifetime()))
                .onDemandFeature(OnDemandFeatures.feature("od").type(FieldType.FLOAT64).feature("v:missing")
                        .expression("v__missing * 2.0"))
                .featureService(FeatureServices.service("svc").features("v:nope", "od2"))
                .build();
        List<String> errors = errors(repo);
        assertEquals(List.of(
                "<builder>: card.name: duplicate entity name 'card'",
                "<builder>: clicks.event_time_field: unknown event-time field 'ts'",
                "<builder>: od.features[0]: unknown feature 'v:missing': view 'v' has no feature 'missing'",
                "<builder>: svc.features[0]: unknown feature 'v:nope': view 'v' has no feature 'nope' (did you mean 'n'?)",
                "<builder>: svc.features[1]: unknown on-demand feature 'od2' (did you mean 'od'?)",
                "<builder>: v.entity: unknown entity 'crad' (did you mean 'card'?)",
                "<builder>: v.features[0].input: sum needs a numeric input (int64, float64 or timestamp), but 'currency' is string",
                "<builder>: v.features[1].filter: filter must be a bool expression, but 'amount' is float64",
                "<builder>: v.features[2].percentile: percentile must be in [0, 1], got 2.0",
                "<builder>: v.features[3].name: duplicate feature name 'n' (also features[1])"), errors);
    }

    @Test
    void approxPercentileTakesARelativeAccuracyInRangeAndNoK() {
        FeatureRepository repo = base()
                .featureView(FeatureViews.view("v").entity("card").source("transactions")
                        .aggregation(Aggregations.approxPercentile("ok", "amount", 0.9).relativeAccuracy(0.001)
                                .over(Duration.ofHours(1)))
                        .aggregation(Aggregations.approxPercentile("coarse", "amount", 0.9).relativeAccuracy(0.5)
                                .over(Duration.ofHours(1)))
                        .aggregation(Aggregations.approxPercentile("with_k", "amount", 0.9).k(200)
                                .over(Duration.ofHours(1))))
                .build();
        assertEquals(List.of(
                "<builder>: v.features[1].relative_accuracy: relative_accuracy must be in [0.001, 0.1], got 0.5",
                "<builder>: v.features[2].k: k does not apply to approx_percentile (a DDSketch: set relative_accuracy"
                        + " to trade accuracy for memory), got 200"), errors(repo));
    }

    /**
     * docs: "Parameter keys on a function that does not take them are errors" and "Builder-made
     * repositories are checked the same way": the builder's count with k = 3 is rejected like YAML's.
     */
    @Test
    void parametersOnAFunctionThatDoesNotTakeThemAreErrorsLikeInYaml() {
        FeatureRepository repo = base()
                .featureView(FeatureViews.view("v").entity("card").source("transactions")
                        .aggregation(Aggregations.count("a").over(Duration.ofHours(1)).k(3))
                        .aggregation(Aggregations.sum("b", "amount").over(Duration.ofHours(1)).n(3).lgK(10))
                        .aggregation(Aggregations.topK("c", "currency", 3).over(Duration.ofHours(1)).relativeAccuracy(0.05))
                        .aggregation(Aggregations.lastN("d", "amount", 3).over(Duration.ofHours(1)))
                        .aggregation(Aggregations.count("e").over(Duration.ofHours(1)).k(0).n(10)))
                .build();
        assertEquals(List.of(
                "<builder>: v.features[0].k: key 'k' applies only to top_k",
                "<builder>: v.features[1].lg_k: key 'lg_k' applies only to approx_count_distinct",
                "<builder>: v.features[1].n: key 'n' applies only to last_n",
                "<builder>: v.features[2].relative_accuracy: key 'relative_accuracy' applies only to approx_percentile"),
                errors(repo));

        LoadResult yaml = RepositoryLoader.loadString("f.yaml", """
                kind: entity
                name: user
                join_keys: {user_id: int64}
                ---
                kind: source
                name: clicks
                type: stream
                event_time_field: ts
                schema: {user_id: int64, ts: timestamp}
                ---
                kind: feature_view
                name: v
                entity: user
                source: clicks
                features:
                  - {name: a, function: count, window: 1h, k: 3}
                """);
        assertEquals(List.of("f.yaml:16:47: v.features[0].k: key 'k' applies only to top_k"),
                yaml.errors().stream().map(ValidationError::toString).toList(), "reported once, by the loader");
    }

    /** A window whose milliseconds overflow a long is an error, not an ArithmeticException. */
    @Test
    void windowsTooLongForALongOfMillisecondsAreErrors() {
        Duration huge = Duration.ofDays(200_000_000_000L);
        FeatureRepository repo = base()
                .featureView(FeatureViews.view("v").entity("card").source("transactions")
                        .aggregation(Aggregations.count("a").over(huge).hop(Duration.ofHours(1)))
                        .aggregation(Aggregations.count("b").over(huge))
                        .aggregation(Aggregations.count("c").over(Duration.ofHours(1)).hop(huge))
                        .aggregation(Aggregations.count("d").tumbling(huge))
                        .aggregation(Aggregations.count("e").session(huge)))
                .build();
        String tooLong = " 200000000000d is too long: at most 106751991167d7h12m55s807ms";
        assertEquals(List.of(
                "<builder>: v.features[0].window: window" + tooLong,
                "<builder>: v.features[1].window: window" + tooLong,
                "<builder>: v.features[2].hop: hop" + tooLong,
                "<builder>: v.features[3].tumbling: window" + tooLong,
                "<builder>: v.features[4].session_gap: session gap" + tooLong), errors(repo));
    }

    @Test
    void onDemandExpressionIsTypeCheckedOverRequestFieldsAndFeatures() {
        FeatureRepository repo = base()
                .featureView(FeatureViews.view("v").entity("card").source("transactions")
                        .aggregation(Aggregations.count("n").over(Duration.ofHours(1))))
                .onDemandFeature(OnDemandFeatures.feature("ratio").type(FieldType.FLOAT64)
                        .requestField("amount", FieldType.FLOAT64).feature("v:n").expression("amount / v__n"))
                .build();
        List<String> errors = errors(repo);
        assertEquals(1, errors.size());
        assertTrue(errors.getFirst().startsWith("<builder>: ratio.expression: no overload of '/' for (double, int)"),
                errors.getFirst());
    }

    @Test
    void batchFeaturesNeedABatchSourceAndAggregationsAStreamSource() {
        FeatureRepository repo = base()
                .source(Sources.batch("profiles").field("card_id", FieldType.STRING)
                        .field("limit", FieldType.FLOAT64).field("updated", FieldType.INT64).eventTime("updated"))
                .featureView(FeatureViews.view("profile").entity("card").source("profiles").ttl(Duration.ofDays(30))
                        .batchFeature("credit_limit", "limit"))
                .featureView(FeatureViews.view("wrong").entity("card").source("profiles")
                        .aggregation(Aggregations.count("n").over(Duration.ofHours(1))))
                .build();
        assertEquals(List.of("<builder>: wrong.features[0].function: streaming aggregations need a stream source;"
                + " 'profiles' is a batch source"), errors(repo));
    }
}
