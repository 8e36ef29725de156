package dev.freshet.aggregation.ir;

import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationParams;
import dev.freshet.model.spec.FieldType;

/** Chooses the aggregator implementation for a function and an input type. */
public final class Aggregators {
    private Aggregators() {
    }

    /**
     * Returns a {@link SlotAggregator} or an {@link ObjectAggregator}.
     *
     * @param inputType type of the input expression; ignored for count
     * @throws IllegalArgumentException if the function cannot take that input type
     */
    public static Object create(AggregationFunction function, FieldType inputType, AggregationParams params) {
        boolean numeric = inputType != null && inputType.isNumeric();
        boolean integral = inputType == FieldType.INT64 || inputType == FieldType.TIMESTAMP;
        if (function.requiresNumericInput() && !numeric) {
            throw new IllegalArgumentException(function.yamlName() + " needs a numeric input, got " + inputType);
        }
        return switch (function) {
            case COUNT -> CountAggregator.INSTANCE;
            case SUM -> integral ? SumAggregator.LONG : SumAggregator.DOUBLE;
            case AVG -> AvgAggregator.INSTANCE;
            case MIN -> integral ? MinMaxAggregator.MIN_LONG : MinMaxAggregator.MIN_DOUBLE;
            case MAX -> integral ? MinMaxAggregator.MAX_LONG : MinMaxAggregator.MAX_DOUBLE;
            case STDDEV -> MomentsAggregator.STDDEV;
            case VARIANCE -> MomentsAggregator.VARIANCE;
            case STDDEV_POP -> MomentsAggregator.STDDEV_POP;
            case VARIANCE_POP -> MomentsAggregator.VARIANCE_POP;
            case FIRST -> numeric
                    ? (integral ? FirstLastNumberAggregator.FIRST_LONG : FirstLastNumberAggregator.FIRST_DOUBLE)
                    : FirstLastObjectAggregator.FIRST;
            case LAST -> numeric
                    ? (integral ? FirstLastNumberAggregator.LAST_LONG : FirstLastNumberAggregator.LAST_DOUBLE)
                    : FirstLastObjectAggregator.LAST;
            case LAST_N -> new LastNAggregator(params.n());
            case COUNT_DISTINCT -> CountDistinctAggregator.INSTANCE;
            case APPROX_COUNT_DISTINCT -> new HllDistinctAggregator(params.lgK());
            case APPROX_PERCENTILE -> new DDSketchPercentileAggregator(params.percentile(), params.relativeAccuracy());
            case TOP_K -> new TopKAggregator(params.topK());
        };
    }
}
