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

    private static final String BATCH_SOURCE = """
            kind: entity
            name: card
            join_keys: {card_id: string}
            ---
            kind: source
            name: profiles
            type: batch
            event_time_field: updated_at
            schema: {card_id: string, credit_limit: float64, updated_at: timestamp}
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

    // Consequence: `ttl: PT0.0005S` loads as valid, is compiled to 0 ms = "no ttl", so rows never become OUTSIDE_MAX_AGE.
    @Test
    void subMillisecondTtlIsRejectedLikeEveryOtherDuration() {
        LoadResult result = RepositoryLoader.loadString("f.yaml", BATCH_SOURCE + """
                kind: feature_view
                name: profile
                entity: card
                source: profiles
                ttl: PT0.0005S
                features:
                  - name: credit_limit
                    input: credit_limit
                """);
        assertFalse(result.isValid(), "a ttl that is not a whole number of milliseconds must be an error");
        assertTrue(errors(result).stream().anyMatch(e -> e.contains("profile.ttl")), errors(result).toString());
    }

    // Consequence: `join_keys: card_id` (a string, not a mapping) also reports "missing required key 'join_keys'", which is false.
    @Test
    void joinKeysOfTheWrongShapeAreReportedOnceNotAlsoAsMissing() {
        LoadResult result = RepositoryLoader.loadString("f.yaml", """
                kind: entity
                name: card
                join_keys: card_id
                """);
        assertEquals(List.of("f.yaml:3:12: card.join_keys: join_keys must be a mapping (key: value lines), not a string"),
                errors(result));
    }

    // Consequence: `schema: x` also reports "missing required key 'schema'" and an unknown event-time field: three errors for one mistake.
    @Test
    void schemaOfTheWrongShapeHidesNoFalseErrors() {
        LoadResult result = RepositoryLoader.loadString("f.yaml", """
                kind: source
                name: s
                type: stream
                schema: x
                event_time_field: t
                """);
        assertEquals(List.of("f.yaml:4:9: s.schema: schema must be a mapping (key: value lines), not a string"),
                errors(result));
    }

    // Consequence: docs promise anchors (&a) are reported as errors, but `name: &n card` loads silently as valid.
    @Test
    void anchorsAreReportedAsDocumented() {
        LoadResult result = RepositoryLoader.loadString("f.yaml", """
                kind: entity
                name: &n card
                join_keys: {card_id: string}
                """);
        assertFalse(result.isValid(), "FEATURE_REPOSITORY.md: YAML anchors and aliases are not supported and are reported as errors");
    }

    // Consequence: an error on line 2 of a multi-line CEL expression is reported at the expression's first line with
    // "(at column 10)" of another line, so the user is sent to the wrong place.
    @Test
    void errorInAMultiLineExpressionPointsAtItsLine() {
        String yaml = """
                kind: entity
                name: user
                join_keys: {user_id: int64}
                ---
                kind: source
                name: clicks
                type: stream
                event_time_field: ts
                schema: {user_id: int64, amount: float64, ts: timestamp}
                ---
                kind: feature_view
                name: v
                entity: user
                source: clicks
                features:
                  - name: s
                    function: sum
                    window: 1h
                    input: |
                      amount +
                        amount * nope
                """;
        int nopeLine = (int) yaml.lines().takeWhile(l -> !l.contains("nope")).count() + 1;
        LoadResult result = RepositoryLoader.loadString("f.yaml", yaml);
        assertEquals(1, result.errors().size(), errors(result).toString());
        ValidationError e = result.errors().getFirst();
        assertTrue(e.line() == nopeLine || e.message().contains("line 2"),
                "the error is on line " + nopeLine + " of f.yaml (line 2 of the expression), reported as: " + e);
    }

    /** An anchor on a mapping or a key is reported too, once, even where a mapping and its first key start together. */
    @Test
    void anchorsOnMappingsAndKeysAreReportedOnceEach() {
        LoadResult result = RepositoryLoader.loadString("f.yaml", """
                &e kind: entity
                name: card
                join_keys: &k {card_id: string}
                """);
        assertEquals(List.of("f.yaml:1:1: YAML anchors (&e) are not supported; repeat the value where it is needed",
                "f.yaml:3:12: YAML anchors (&k) are not supported; repeat the value where it is needed"), errors(result));
    }

    /**
     * An error in a literal (|) or folded (>) block expression is located at its own line and column
     * of the file; where the file position cannot be told (a folded line, a quoted string with \n),
     * the message gives the line and column within the expression.
     */
    @Test
    void errorsInMultiLineExpressionsAreLocatedAtTheirLine() {
        LoadResult result = RepositoryLoader.loadString("f.yaml", BASE + """
                kind: feature_view
                name: v
                entity: user
                source: clicks
                features:
                  - name: a
                    function: sum
                    window: 1h
                    input: !!str |
                      amount
                        + nope
                  - name: b
                    function: count
                    window: 1h
                    filter: >
                      amount > 0 &&
                        nope
                  - name: c
                    function: count
                    window: 1h
                    filter: >
                      amount > 0 &&
                      nope
                  - name: d
                    function: sum
                    window: 1h
                    input: "amount +\\n nope"
                """);
        assertEquals(List.of("f.yaml:21:11: v.features[0].input: undeclared reference to 'nope'",
                "f.yaml:27:9: v.features[1].filter: undeclared reference to 'nope'",
                "f.yaml:31:13: v.features[2].filter: undeclared reference to 'nope' (at column 15)",
                "f.yaml:37:12: v.features[3].input: undeclared reference to 'nope' (at line 2, column 2 of the expression)"),
                errors(result));
    }

    /**
     * A key of the wrong shape is reported once: not also as missing, and references that depend on
     * it (features of a view whose features could not be read, fields of an unreadable schema, the
     * expression of an on-demand feature whose features could not be read) are not reported either.
     */
    @Test
    void keysOfTheWrongShapeHideNoDependentErrors() {
        LoadResult result = RepositoryLoader.loadString("f.yaml", BASE + """
                kind: feature_view
                name: v
                entity: [user]
                source: clicks
                features: x
                ---
                kind: feature_service
                name: s
                features: [v:a, v:*]
                ---
                kind: feature_service
                name: s2
                features: v:a
                ---
                kind: on_demand_feature
                name: o
                type: float64
                features: v:a
                expression: v__a * 2.0
                ---
                kind: on_demand_feature
                name: o2
                type: float64
                expression: [x]
                ---
                kind: source
                name: s3
                type: stream
                event_time_field: ts
                schema: [ts]
                options: {created_timestamp_field: c}
                ---
                kind: feature_view
                name: v3
                entity: user
                source: s3
                features:
                  - {name: a, function: sum, window: 1h, input: amount, filter: "x > 1"}
                """);
        assertEquals(List.of("f.yaml:13:9: v.entity: entity must be a single value, not a list",
                "f.yaml:15:11: v.features: features must be a list (lines starting with '- '), not a string",
                "f.yaml:23:11: s2.features: features must be a list (lines starting with '- '), not a string",
                "f.yaml:28:11: o.features: features must be a list (lines starting with '- '), not a string",
                "f.yaml:34:13: o2.expression: expression must be a single value, not a list",
                "f.yaml:40:9: s3.schema: schema must be a mapping (key: value lines), not a list"), errors(result));
    }

    /**
     * An unknown key used to drop its feature, so the feature's other errors (a hop that does not
     * divide the window) appeared only once the key was fixed. Now the known keys are still checked in
     * the same run, and a misspelt key is reported once: as unknown, not also as missing.
     */
    @Test
    void anUnknownKeyHidesNoOtherErrorOfItsObject() {
        LoadResult result = RepositoryLoader.loadString("f.yaml", BASE + """
                kind: feature_view
                name: v
                entity: user
                source: clicks
                features:
                  - name: a
                    function: count
                    window: 1h
                    hop: 7m
                    fliter: amount > 0
                  - {name: b, function: sum, inptu: amount, window: 1h, filter: amount}
                  - {name: c, function: count, windwo: 1h}
                  - {name: d, fucntion: count, window: 1h}
                ---
                kind: source
                name: s2
                type: stream
                event_time_field: ts
                schema: {ts: timestamp, x: {tpye: string}, y: {type: strnig, nulable: true}}
                """);
        assertEquals(List.of("f.yaml:19:10: v.features[0].hop: hop 7m does not divide window 1h",
                "f.yaml:20:5: v.features[0].fliter: unknown key 'fliter' (did you mean 'filter'?)",
                "f.yaml:21:30: v.features[1].inptu: unknown key 'inptu' (did you mean 'input'?)",
                "f.yaml:21:65: v.features[1].filter: filter must be a bool expression, but 'amount' is float64",
                "f.yaml:22:32: v.features[2].windwo: unknown key 'windwo' (did you mean 'window'?)",
                "f.yaml:23:15: v.features[3].fucntion: unknown key 'fucntion' (did you mean 'function'?)",
                "f.yaml:29:29: s2.schema.x.tpye: unknown key 'tpye' (did you mean 'type'?)",
                "f.yaml:29:54: s2.schema.y.type: unknown type 'strnig' (did you mean 'string'?); types are string, int64,"
                        + " float64, bool, timestamp",
                "f.yaml:29:62: s2.schema.y.nulable: unknown key 'nulable' (did you mean 'nullable'?)"), errors(result));
    }
}
