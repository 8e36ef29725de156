package dev.freshet.model.spec;

import java.util.Locale;
import java.util.Optional;

/**
 * Aggregation functions of DESIGN §3. {@code COUNT} counts events; every other function ignores
 * null inputs.
 */
public enum AggregationFunction {
    COUNT(false, false),
    SUM(true, false),
    AVG(true, false),
    MIN(true, false),
    MAX(true, false),
    /** Sample standard deviation (n - 1); fewer than two values give NULL_VALUE. */
    STDDEV(true, false),
    /** Sample variance (n - 1). */
    VARIANCE(true, false),
    STDDEV_POP(true, false),
    VARIANCE_POP(true, false),
    FIRST(false, true),
    LAST(false, true),
    /** Up to {@code n} most recent values, most recent first. */
    LAST_N(false, true),
    COUNT_DISTINCT(false, true),
    /** HyperLogLog (Apache DataSketches), parameter {@code lg_k}. */
    APPROX_COUNT_DISTINCT(false, true),
    /**
     * DDSketch (DataDog sketches-java), parameters {@code percentile} (quantile q in [0, 1]) and
     * {@code relative_accuracy} (α, default 0.01): the value of rank {@code floor(q * (n - 1))} among
     * the window's n values sorted ascending, within α of it relatively. Deterministic: the same
     * values read the same bits on every path.
     */
    APPROX_PERCENTILE(true, false),
    /** Most frequent values (a bounded Misra-Gries summary, exact while the distinct values fit), parameter {@code k}. */
    TOP_K(false, true);

    private final boolean numericInput;
    private final boolean anyInput;

    AggregationFunction(boolean numericInput, boolean anyInput) {
        this.numericInput = numericInput;
        this.anyInput = anyInput;
    }

    /** The input must be numeric (int64, float64, timestamp). */
    public boolean requiresNumericInput() {
        return numericInput;
    }

    /** Takes an input expression of any type. */
    public boolean acceptsAnyInput() {
        return anyInput;
    }

    /** Whether an input expression is required ({@code COUNT} needs none). */
    public boolean requiresInput() {
        return this != COUNT;
    }

    /** Whether the result is a list ({@code last_n}, {@code top_k}) rather than a single value. */
    public boolean isListValued() {
        return this == LAST_N || this == TOP_K;
    }

    /** Whether this function accepts an input of this type ({@code count} takes no input). */
    public boolean acceptsInput(FieldType inputType) {
        if (this == COUNT) {
            return false;
        }
        return anyInput || inputType.isNumeric();
    }

    /**
     * The type of the feature value for an input of this type: count and the distinct counts give
     * int64; avg, the variances and deviations and approx_percentile give float64; sum gives int64
     * for int64 and timestamp inputs and float64 for float64; min, max, first and last keep the
     * input type. Empty for list-valued functions and for inputs the function does not accept.
     * {@code inputType} is ignored for {@code count} and may be null there.
     */
    public Optional<FieldType> resultType(FieldType inputType) {
        if (this == COUNT) {
            return Optional.of(FieldType.INT64);
        }
        if (isListValued() || inputType == null || !acceptsInput(inputType)) {
            return Optional.empty();
        }
        return Optional.of(switch (this) {
            case COUNT_DISTINCT, APPROX_COUNT_DISTINCT -> FieldType.INT64;
            case SUM -> inputType == FieldType.FLOAT64 ? FieldType.FLOAT64 : FieldType.INT64;
            case AVG, STDDEV, VARIANCE, STDDEV_POP, VARIANCE_POP, APPROX_PERCENTILE -> FieldType.FLOAT64;
            default -> inputType;
        });
    }

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AggregationFunction> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        if (t.equals("MEAN")) {
            t = "AVG";
        }
        for (AggregationFunction f : values()) {
            if (f.name().equals(t)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
