package dev.freshet.model.validate.internal;

import dev.freshet.model.expr.ExpressionResult;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationParams;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.Schema;

/**
 * One streaming aggregation: its window, its parameters (each only on the function that takes it,
 * or left at its default), an input whose type the function accepts (none for count), and a
 * boolean filter. Expressions are checked only when the source resolves.
 */
final class AggregationChecks {
    private AggregationChecks() {
    }

    static void check(ValidationContext ctx, FeatureViewSpec view, String path, AggregationSpec agg, Schema schema) {
        WindowChecks.check(ctx, view, path, agg.window());
        checkParams(ctx, view, path, agg);
        AggregationFunction f = agg.function();
        if (f == AggregationFunction.COUNT && agg.input() != null) {
            ctx.error(view, path + ".input", "count takes no input: it counts events (use a filter to count some)");
        } else if (f.requiresInput() && agg.input() == null) {
            if (!ctx.unreadable(view, path + ".input")) { // e.g. written as an unknown key 'inptu', reported
                ctx.error(view, path + ".input", "missing required key 'input': " + f.yamlName() + " needs an input expression");
            }
        } else if (f.requiresInput() && schema != null) {
            ExpressionResult input = ctx.compile(agg.input(), schema);
            if (!input.ok()) {
                ctx.error(view, path + ".input", input);
            } else if (!f.acceptsInput(input.expr().type())) {
                ctx.error(view, path + ".input", f.yamlName() + " needs a numeric input (int64, float64 or timestamp), but '"
                        + agg.input() + "' is " + input.expr().type().yamlName());
            }
        }
        if (agg.filter() != null && schema != null) {
            ExpressionResult filter = ctx.compile(agg.filter(), schema);
            if (!filter.ok()) {
                ctx.error(view, path + ".filter", filter);
            } else if (filter.expr().type() != FieldType.BOOL) {
                ctx.error(view, path + ".filter", "filter must be a bool expression, but '" + agg.filter() + "' is "
                        + filter.expr().type().yamlName());
            }
        }
    }

    private static void checkParams(ValidationContext ctx, FeatureViewSpec view, String path, AggregationSpec agg) {
        AggregationParams p = agg.params();
        AggregationParams d = AggregationParams.DEFAULTS;
        // Set on a function that does not take it (the YAML loader reports these keys itself, with the
        // same message, and drops the feature); k on approx_percentile has its own message below.
        takenOnlyBy(ctx, view, path, agg, "n", AggregationFunction.LAST_N, p.n() != d.n());
        takenOnlyBy(ctx, view, path, agg, "k", AggregationFunction.TOP_K,
                p.k() != d.k() && agg.function() != AggregationFunction.APPROX_PERCENTILE);
        takenOnlyBy(ctx, view, path, agg, "percentile", AggregationFunction.APPROX_PERCENTILE,
                Double.compare(p.percentile(), d.percentile()) != 0);
        takenOnlyBy(ctx, view, path, agg, "relative_accuracy", AggregationFunction.APPROX_PERCENTILE,
                Double.compare(p.relativeAccuracy(), d.relativeAccuracy()) != 0);
        takenOnlyBy(ctx, view, path, agg, "lg_k", AggregationFunction.APPROX_COUNT_DISTINCT, p.lgK() != d.lgK());
        switch (agg.function()) {
            case APPROX_PERCENTILE -> {
                if (!(p.percentile() >= 0.0 && p.percentile() <= 1.0)) {
                    ctx.error(view, path + ".percentile", "percentile must be in [0, 1], got " + p.percentile());
                }
                if (!(p.relativeAccuracy() >= AggregationParams.MIN_RELATIVE_ACCURACY
                        && p.relativeAccuracy() <= AggregationParams.MAX_RELATIVE_ACCURACY)) {
                    ctx.error(view, path + ".relative_accuracy", "relative_accuracy must be in ["
                            + AggregationParams.MIN_RELATIVE_ACCURACY + ", " + AggregationParams.MAX_RELATIVE_ACCURACY
                            + "], got " + p.relativeAccuracy());
                }
                if (p.k() != 0) {
                    ctx.error(view, path + ".k", "k does not apply to approx_percentile (a DDSketch: set relative_accuracy"
                            + " to trade accuracy for memory), got " + p.k());
                }
            }
            case TOP_K -> {
                if (p.k() < 0) {
                    ctx.error(view, path + ".k", "k must be positive, got " + p.k());
                }
            }
            case LAST_N -> {
                if (p.n() < 1) {
                    ctx.error(view, path + ".n", "n must be positive, got " + p.n());
                }
            }
            case APPROX_COUNT_DISTINCT -> {
                if (p.lgK() < 4 || p.lgK() > 21) {
                    ctx.error(view, path + ".lg_k", "lg_k must be in [4, 21], got " + p.lgK());
                }
            }
            default -> {
            }
        }
    }

    private static void takenOnlyBy(ValidationContext ctx, FeatureViewSpec view, String path, AggregationSpec agg,
            String key, AggregationFunction takenBy, boolean set) {
        if (set && agg.function() != takenBy) {
            ctx.error(view, path + "." + key, "key '" + key + "' applies only to " + takenBy.yamlName());
        }
    }
}
