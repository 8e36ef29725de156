package dev.freshet.model.yaml.internal;

import dev.freshet.model.internal.Suggestions;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationParams;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.BatchFeatureSpec;
import dev.freshet.model.spec.WindowSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One item of a view's {@code features}. With {@code function} it is a streaming aggregation:
 * {@code input}, {@code filter}, exactly one window key ({@code window: <duration>|lifetime} with an
 * optional {@code hop}, {@code tumbling: <duration>} or {@code session_gap: <duration>}) and the
 * function's parameters. Without {@code function} it is a latest-value feature of a batch source:
 * {@code input} only.
 */
final class FeatureBinder {
    private static final List<String> WINDOW_KEYS = List.of("window", "tumbling", "session_gap");
    private static final Map<String, List<AggregationFunction>> PARAMS = Map.of(
            "percentile", List.of(AggregationFunction.APPROX_PERCENTILE),
            "relative_accuracy", List.of(AggregationFunction.APPROX_PERCENTILE),
            "k", List.of(AggregationFunction.TOP_K),
            "n", List.of(AggregationFunction.LAST_N),
            "lg_k", List.of(AggregationFunction.APPROX_COUNT_DISTINCT));
    static final List<String> AGGREGATION_KEYS = List.of("name", "description", "function", "input", "filter",
            "window", "hop", "tumbling", "session_gap", "percentile", "relative_accuracy", "k", "n", "lg_k");
    static final List<String> BATCH_KEYS = List.of("name", "description", "input");
    private static final List<String> FUNCTION_NAMES = Arrays.stream(AggregationFunction.values())
            .map(AggregationFunction::yamlName).toList();

    private FeatureBinder() {
    }

    /** An {@link AggregationSpec} or a {@link BatchFeatureSpec}, or empty when it cannot be bound. */
    static Optional<Object> bind(MapReader r, String name) {
        if (!r.has("function")) {
            return batchFeature(r, name);
        }
        r.checkKeys(AGGREGATION_KEYS);
        Optional<AggregationFunction> function = r.requiredString("function").flatMap(text -> {
            Optional<AggregationFunction> f = AggregationFunction.parse(text);
            if (f.isEmpty()) {
                r.error("function", "unknown function '" + text + "'" + Suggestions.hint(text, FUNCTION_NAMES)
                        + "; functions are " + String.join(", ", FUNCTION_NAMES));
            }
            return f;
        });
        function.ifPresent(f -> PARAMS.forEach((key, functions) -> {
            if (r.has(key) && !functions.contains(f)) {
                r.error(key, "key '" + key + "' applies only to "
                        + String.join(" and ", functions.stream().map(AggregationFunction::yamlName).toList()));
            }
        }));
        Optional<WindowSpec> window = window(r);
        String input = r.string("input").orElse(null);
        String filter = r.string("filter").orElse(null);
        AggregationParams d = AggregationParams.DEFAULTS;
        int n = r.integer("n").orElse(d.n());
        int k = r.integer("k").orElse(d.k());
        double percentile = r.number("percentile").orElse(d.percentile());
        int lgK = r.integer("lg_k").orElse(d.lgK());
        double relativeAccuracy = r.number("relative_accuracy").orElse(d.relativeAccuracy());
        if (r.has("k") && k <= 0) {
            r.error("k", "k must be positive, got " + k);
        }
        String description = r.string("description").orElse("");
        if (function.isEmpty() || window.isEmpty() || r.failed()) {
            return Optional.empty();
        }
        return Optional.of(new AggregationSpec(name, function.get(), input, window.get(), filter,
                new AggregationParams(n, k, percentile, lgK, relativeAccuracy), description));
    }

    private static Optional<WindowSpec> window(MapReader r) {
        List<String> present = new ArrayList<>(WINDOW_KEYS.stream().filter(r::has).toList());
        if (present.isEmpty()) {
            if (WINDOW_KEYS.stream().noneMatch(r::unreadable)) { // else misspelt ('windwo'), and reported so
                r.error(r.location(), r.path(), "missing window: set window (a duration such as 5m, or lifetime),"
                        + " tumbling or session_gap");
            }
            return Optional.empty();
        }
        if (present.size() > 1) {
            r.error(present.get(1), "set only one of window, tumbling and session_gap");
            return Optional.empty();
        }
        String key = present.get(0);
        if (!key.equals("window") && r.has("hop")) {
            r.error("hop", "hop applies only to window (a " + key.replace("_gap", "") + " window has no hop)");
            return Optional.empty();
        }
        if (key.equals("window") && r.hasText("window", "lifetime")) {
            if (r.has("hop")) {
                r.error("hop", "hop does not apply to a lifetime window");
                return Optional.empty();
            }
            return Optional.of(new WindowSpec.Lifetime());
        }
        Optional<Duration> size = r.durationValue(key);
        if (size.isEmpty()) {
            return Optional.empty();
        }
        return switch (key) {
            case "tumbling" -> Optional.of(new WindowSpec.Tumbling(size.get()));
            case "session_gap" -> Optional.of(new WindowSpec.Session(size.get()));
            default -> {
                Optional<Duration> hop = r.has("hop") ? r.durationValue("hop") : Optional.of(WindowSpec.defaultHop(size.get()));
                yield hop.map(h -> new WindowSpec.Hopping(size.get(), h));
            }
        };
    }

    private static Optional<Object> batchFeature(MapReader r, String name) {
        List<String> aggregationOnly = AGGREGATION_KEYS.stream().filter(k -> r.has(k) && !BATCH_KEYS.contains(k)).toList();
        if (!aggregationOnly.isEmpty()) {
            r.checkKeys(AGGREGATION_KEYS); // a misspelt function ('fucntion') is reported as such, not as missing
            if (!r.unreadable("function")) {
                r.error(r.location(), r.path(), "missing required key 'function' (" + String.join(", ", aggregationOnly)
                        + " belong to streaming aggregations)");
            }
            return Optional.empty();
        }
        r.checkKeys(BATCH_KEYS);
        Optional<String> input = r.requiredString("input");
        String description = r.string("description").orElse("");
        if (input.isEmpty() || r.failed()) {
            return Optional.empty();
        }
        return Optional.of(new BatchFeatureSpec(name, input.get(), description));
    }
}
