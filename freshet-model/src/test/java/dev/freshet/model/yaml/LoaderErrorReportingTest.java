package dev.freshet.model.yaml;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.model.validate.ValidationError;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Inputs the loader must report, once and at their location: never drop a feature or an object
 * silently, never report one problem twice or hide one behind another, never crash.
 */
class LoaderErrorReportingTest {
    private static final String BASE = """
            kind: entity
            name: user
            join_keys: {user_id: int64}
            ---
            kind: source
            name: clicks
            type: stream
            event_time_field: ts
            schema: {user_id: int64, page: {type: string, nullable: true}, amount: float64, ts: timestamp}
            ---
            """;

    private static List<String> errors(LoadResult result) {
        return result.errors().stream().map(ValidationError::toString).toList();
    }

    /** `hop:` with no value used to drop the feature without any error: the repository loaded as valid. */
    @Test
    void emptyHopIsAnErrorNotASilentlyDroppedFeature() {
        LoadResult result = RepositoryLoader.loadString("f.yaml", BASE + """
                kind: feature_view
                name: v
                entity: user
                source: clicks
                features:
                  - name: a
                    function: count
                    window: 1h
                    hop:
                  - {name: b, function: count, window: 1h, hop: null}
                  - {name: c, function: count, window: 1h}
                """);
        assertEquals(List.of("f.yaml:19:9: v.features[0].hop: missing value for 'hop'",
                "f.yaml:20:49: v.features[1].hop: missing value for 'hop'"), errors(result));
    }

    /**
     * An on-demand feature with `type:` (no value) used to be dropped without any error while its
     * service still referred to it; now its missing type is reported and its expression still checked.
     */
    @Test
    void emptyOnDemandTypeIsAnErrorNotASilentlyDroppedObject() {
        LoadResult result = RepositoryLoader.loadString("f.yaml", BASE + """
                kind: feature_view
                name: v
                entity: user
                source: clicks
                features:
                  - {name: a, function: count, window: 1h}
                ---
                kind: on_demand_feature
                name: doubled
                type:
                expression: 'v__a * 2 + this is not even CEL ('
                features: [v:a]
                ---
                kind: feature_service
                name: svc
                features: [doubled]
                """);
        assertFalse(result.isValid());
        List<String> errors = errors(result);
        assertEquals("f.yaml:20:6: doubled.type: missing required key 'type'", errors.getFirst());
        assertTrue(errors.stream().skip(1).allMatch(e -> e.startsWith("f.yaml:21:13: doubled.expression: ")), errors::toString);
        assertEquals(2, errors.size(), errors::toString);
    }

    /** A window whose milliseconds overflow a long used to crash the loader with ArithmeticException. */
    @Test
    void hugeWindowIsALocatedErrorNotACrash() {
        String yaml = BASE + """
                kind: feature_view
                name: v
                entity: user
                source: clicks
                features:
                  - {name: a, function: count, window: 200000000000d}
                """;
        LoadResult result = assertDoesNotThrow(() -> RepositoryLoader.loadString("f.yaml", yaml));
        assertEquals(List.of("f.yaml:16:40: v.features[0].window: window 200000000000d is too long:"
                + " at most 106751991167d7h12m55s807ms"), errors(result));
    }

    @Test
    void hugeHopIsALocatedErrorNotACrash() {
        String yaml = BASE + """
                kind: feature_view
                name: v
                entity: user
                source: clicks
                features:
                  - {name: a, function: count, window: 1h, hop: 200000000000d}
                """;
        LoadResult result = assertDoesNotThrow(() -> RepositoryLoader.loadString("f.yaml", yaml));
        assertEquals(List.of("f.yaml:16:49: v.features[0].hop: hop 200000000000d is too long:"
                + " at most 106751991167d7h12m55s807ms"), errors(result));
    }

    /** Other durations the engine counts in milliseconds have the same limit. */
    @Test
    void hugeSourceDurationsAndTtlAreLocatedErrorsNotCrashes() {
        String yaml = """
                kind: entity
                name: user
                join_keys: {user_id: int64}
                ---
                kind: source
                name: profiles
                type: batch
                event_time_field: ts
                allowed_lateness: 200000000000d
                schema: {user_id: int64, score: float64, ts: timestamp}
                ---
                kind: feature_view
                name: v
                entity: user
                source: profiles
                ttl: -200000000000d
                features:
                  - {name: score, input: score}
                ---
                kind: feature_view
                name: w
                entity: user
                source: profiles
                ttl: 200000000000d
                features:
                  - {name: score, input: score}
                """;
        LoadResult result = assertDoesNotThrow(() -> RepositoryLoader.loadString("f.yaml", yaml));
        assertEquals(List.of(
                "f.yaml:9:19: profiles.allowed_lateness: allowed_lateness 200000000000d is too long: at most 106751991167d7h12m55s807ms",
                "f.yaml:16:6: v.ttl: ttl must be positive, got -200000000000d",
                "f.yaml:24:6: w.ttl: ttl 200000000000d is too long: at most 106751991167d7h12m55s807ms"), errors(result));
    }

    /**
     * An entity and a source may share a name (names are unique per kind), but the loader's
     * "declared fields" bookkeeping was keyed by the bare name, so a broken field of one hid real
     * errors of the other.
     */
    @Test
    void entityAndSourceOfTheSameNameDoNotHideEachOthersErrors() {
        LoadResult result = RepositoryLoader.loadString("f.yaml", """
                kind: entity
                name: card
                ---
                kind: source
                name: card
                type: stream
                event_time_field: ts
                schema: {ts: timestamp, card_id: strnig}
                """);
        List<String> messages = errors(result);
        assertTrue(messages.stream().anyMatch(m -> m.contains("card.schema.card_id: unknown type")), messages::toString);
        assertTrue(messages.stream().anyMatch(m -> m.contains("card.join_keys: missing required key 'join_keys'")),
                () -> "the entity's missing join keys are not reported: " + messages);
    }

    @Test
    void brokenJoinKeyOfAnEntityDoesNotHideTheSourcesUnknownEventTimeField() {
        LoadResult result = RepositoryLoader.loadString("f.yaml", """
                kind: entity
                name: card
                join_keys: {event_time: strnig}
                ---
                kind: source
                name: card
                type: stream
                event_time_field: event_time
                schema: {ts: timestamp, card_id: string}
                """);
        List<String> messages = errors(result);
        assertTrue(messages.stream().anyMatch(m -> m.contains("unknown event-time field 'event_time'")),
                () -> "the source's unknown event-time field is not reported: " + messages);
    }

    @Test
    void brokenJoinKeyOfAnEntityDoesNotHideAMissingJoinKeyInASourceOfTheSameName() {
        LoadResult result = RepositoryLoader.loadString("f.yaml", """
                kind: entity
                name: card
                join_keys: {card_id: string}
                ---
                kind: entity
                name: txns
                join_keys: {card_id: strnig}
                ---
                kind: source
                name: txns
                type: stream
                event_time_field: ts
                schema: {ts: timestamp}
                ---
                kind: feature_view
                name: v
                entity: card
                source: txns
                features:
                  - {name: n, function: count, window: 1h}
                """);
        List<String> messages = errors(result);
        assertTrue(messages.stream().anyMatch(m -> m.contains("join key 'card_id' of entity 'card' is not a field of source 'txns'")),
                () -> "the view's join-key error is not reported: " + messages);
    }

    /** A non-scalar window used to be reported twice, word for word. */
    @Test
    void nonScalarWindowIsReportedOnce() {
        LoadResult result = RepositoryLoader.loadString("f.yaml", BASE + """
                kind: feature_view
                name: v
                entity: user
                source: clicks
                features:
                  - {name: a, function: count, window: {size: 1h}}
                """);
        assertEquals(List.of("f.yaml:16:40: v.features[0].window: window must be a single value, not a mapping"),
                errors(result));
    }

    /**
     * A filter with a constant regex that cannot compile used to validate, then fail on every event
     * at runtime (null = false), so the feature silently counted nothing.
     */
    @Test
    void invalidRegexLiteralInAFilterIsAValidationError() {
        LoadResult result = RepositoryLoader.loadString("f.yaml", BASE + """
                kind: feature_view
                name: v
                entity: user
                source: clicks
                features:
                  - {name: a, function: count, window: 1h, filter: "page.matches('[')"}
                """);
        assertEquals(List.of("f.yaml:16:52: v.features[0].filter: invalid regular expression literal:"
                + " Unclosed character class near index 0 (at column 14)"), errors(result));
    }
}
