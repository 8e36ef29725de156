package dev.freshet.bench;

import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.plan.ViewCompiler;
import dev.freshet.app.bench.EngineBench;
import dev.freshet.model.Durations;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.builder.Aggregations;
import dev.freshet.model.builder.Entities;
import dev.freshet.model.builder.FeatureViewBuilder;
import dev.freshet.model.builder.FeatureViews;
import dev.freshet.model.builder.Sources;
import dev.freshet.model.expr.ExpressionCompiler;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.model.spec.WindowSpec;
import dev.freshet.model.validate.ValidationError;
import dev.freshet.model.validate.Validator;
import dev.freshet.model.yaml.RepositoryLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Definitions shared by the benchmarks: the fraud {@code transactions} source and {@code card}
 * entity as declared in {@code examples/fraud} (the schema {@link dev.freshet.app.bench.FraudEvents}
 * generates), one-function {@code card_txn} views for sweeps, and loading a whole repository
 * view. Everything is validated and compiled as the engine does it, so a benchmark cannot run a
 * plan the product would reject.
 */
final class BenchViews {
    /** The functions the sweeps take, by their YAML names. */
    static final String ALL_FUNCTIONS = "count,sum,avg,min,max,stddev,last,last_n,count_distinct,"
            + "approx_count_distinct,approx_percentile,top_k";

    /** Slot-path (allocation-free) functions of the read-merge "core" set. */
    static final List<AggregationFunction> CORE = List.of(AggregationFunction.COUNT, AggregationFunction.SUM,
            AggregationFunction.AVG, AggregationFunction.MIN, AggregationFunction.MAX, AggregationFunction.STDDEV,
            AggregationFunction.LAST);

    /** Sketch functions of the read-merge "sketches" set. */
    static final List<AggregationFunction> SKETCHES = List.of(AggregationFunction.APPROX_COUNT_DISTINCT,
            AggregationFunction.APPROX_PERCENTILE, AggregationFunction.TOP_K);

    private static final ExpressionCompiler EXPRESSIONS = new ExpressionCompiler();

    private BenchViews() {
    }

    /** {@code examples/fraud}'s stream: the fields {@link dev.freshet.app.bench.FraudEvents#build} fills. */
    static SourceSpec transactions() {
        return Sources.stream("transactions")
                .field("card_id", FieldType.STRING)
                .field("merchant_id", FieldType.STRING)
                .field("amount", FieldType.FLOAT64)
                .field("currency", FieldType.STRING)
                .field("lat", FieldType.FLOAT64)
                .field("lon", FieldType.FLOAT64)
                .field("event_time", FieldType.TIMESTAMP)
                .eventTime("event_time")
                .allowedLateness(Duration.ofMinutes(5))
                .maxFutureSkew(Duration.ofMinutes(1))
                .build();
    }

    static EntitySpec card() {
        return Entities.entity("card").joinKey("card_id", FieldType.STRING).build();
    }

    /** A stream view of a repository, compiled, with the source it reads. */
    record SourceView(SourceSpec source, CompiledView view) {
    }

    /**
     * Loads a feature repository folder (validated by {@link RepositoryLoader}) and compiles one
     * of its stream views as {@code freshet bench engine} does.
     *
     * @param all every feature; otherwise only the {@link EngineBench#CORE} functions
     *            ({@code --features core})
     */
    static SourceView load(Path repoDir, String viewName, boolean all) {
        if (!Files.isDirectory(repoDir)) {
            throw new IllegalArgumentException("no feature repository at " + repoDir.toAbsolutePath()
                    + ": run from the project root or pass -p repo=/path/to/repo");
        }
        FeatureRepository repo = RepositoryLoader.load(repoDir).repositoryOrThrow();
        FeatureViewSpec full = repo.featureView(viewName)
                .orElseThrow(() -> new IllegalArgumentException("no view " + viewName + " in " + repoDir));
        List<AggregationSpec> aggregations = full.aggregations().stream()
                .filter(a -> all || EngineBench.CORE.contains(a.function()))
                .toList();
        FeatureViewSpec view = new FeatureViewSpec(full.name(), full.entity(), full.source(), aggregations, List.of(),
                full.ttl(), full.tags(), full.description());
        SourceSpec source = repo.source(view.source()).orElseThrow();
        EntitySpec entity = repo.entity(view.entity()).orElseThrow();
        return new SourceView(source, ViewCompiler.compile(view, source, entity, EXPRESSIONS::compile));
    }

    /** A {@code card_txn} view with one feature per function, all over the same window. */
    static FeatureViewSpec view(List<AggregationFunction> functions, WindowSpec window) {
        FeatureViewBuilder b = FeatureViews.view("card_txn").entity("card").source("transactions");
        for (AggregationFunction f : functions) {
            b.aggregation(Aggregations.of(f.yamlName(), f, inputOf(f)).window(window));
        }
        return b.build();
    }

    /**
     * The input a function takes in the fraud workload: none for count, {@code merchant_id} (a
     * string) for the distinct counts and top_k, {@code amount} (float64) otherwise.
     */
    static String inputOf(AggregationFunction f) {
        return switch (f) {
            case COUNT -> null;
            case COUNT_DISTINCT, APPROX_COUNT_DISTINCT, TOP_K -> "merchant_id";
            default -> "amount";
        };
    }

    /** Parses a YAML function name ({@code approx_percentile}). */
    static AggregationFunction function(String name) {
        return AggregationFunction.parse(name).orElseThrow(() -> new IllegalArgumentException("unknown function " + name));
    }

    /**
     * Parses a window parameter: {@code lifetime}, {@code session-GAP}, {@code sliding-SIZE}
     * (hop 1 ms), {@code hopping-SIZE/HOP} or just {@code SIZE/HOP}; durations as in YAML
     * ({@code 5m}, {@code 1h}, {@code 1ms}).
     */
    static WindowSpec window(String text) {
        if (text.equals("lifetime")) {
            return new WindowSpec.Lifetime();
        }
        if (text.startsWith("session-")) {
            return new WindowSpec.Session(duration(text.substring("session-".length())));
        }
        if (text.startsWith("sliding-")) {
            return new WindowSpec.Hopping(duration(text.substring("sliding-".length())), Duration.ofMillis(1));
        }
        String sizeHop = text.startsWith("hopping-") ? text.substring("hopping-".length()) : text;
        int slash = sizeHop.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("window " + text + ": expected SIZE/HOP");
        }
        return new WindowSpec.Hopping(duration(sizeHop.substring(0, slash)), duration(sizeHop.substring(slash + 1)));
    }

    private static Duration duration(String text) {
        return Durations.parse(text).orElseThrow(() -> new IllegalArgumentException("bad duration " + text));
    }

    /** Validates {@code view} with the source and entity above, then compiles it as the engine does. */
    static CompiledView compile(FeatureViewSpec view) {
        SourceSpec source = transactions();
        EntitySpec entity = card();
        FeatureRepository repo = FeatureRepository.builder().source(source).entity(entity).featureView(view).build();
        List<ValidationError> errors = new Validator(EXPRESSIONS).validate(repo);
        if (!errors.isEmpty()) {
            throw new IllegalStateException("benchmark view is invalid: " + errors);
        }
        return ViewCompiler.compile(view, source, entity, EXPRESSIONS::compile);
    }
}
