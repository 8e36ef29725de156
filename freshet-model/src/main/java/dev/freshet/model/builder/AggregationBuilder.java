package dev.freshet.model.builder;

import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationParams;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.WindowSpec;
import java.time.Duration;

/**
 * Builds an {@link AggregationSpec}. Exactly one window is required: {@link #over} (hopping, with
 * {@link #hop} or the default hop of {@link WindowSpec#defaultHop}), {@link #tumbling},
 * {@link #session} or {@link #lifetime}. Semantic problems (a hop that does not divide the window,
 * a percentile outside [0, 1]) are left to the validator, so builder-made and YAML-made
 * repositories are checked alike. The exception is a top_k {@link #k} of 0 or less: a spec's k of 0
 * means "the default", so the validator could not see it, and the builder refuses it itself as the
 * YAML loader refuses {@code k: 0}.
 */
public final class AggregationBuilder {
    private final String name;
    private final AggregationFunction function;
    private final String input;
    private Duration size;
    private Duration hop;
    private WindowSpec window;
    private String filter;
    private int n = AggregationParams.DEFAULTS.n();
    private int k = AggregationParams.DEFAULTS.k();
    private double percentile = AggregationParams.DEFAULTS.percentile();
    private int lgK = AggregationParams.DEFAULTS.lgK();
    private double relativeAccuracy = AggregationParams.DEFAULTS.relativeAccuracy();
    private String description = "";

    AggregationBuilder(String name, AggregationFunction function, String input) {
        this.name = name;
        this.function = function;
        this.input = input;
    }

    /** Hopping window of this size; the hop is {@link WindowSpec#defaultHop} unless {@link #hop} sets it. */
    public AggregationBuilder over(Duration windowSize) {
        this.size = windowSize;
        this.window = null;
        return this;
    }

    /** The hop of a hopping window ({@code 1 ms} = exact sliding window). */
    public AggregationBuilder hop(Duration hopSize) {
        this.hop = hopSize;
        return this;
    }

    public AggregationBuilder tumbling(Duration windowSize) {
        return window(new WindowSpec.Tumbling(windowSize));
    }

    /** Session window: the most recent run of events with gaps below {@code gap}. */
    public AggregationBuilder session(Duration gap) {
        return window(new WindowSpec.Session(gap));
    }

    /** No lower bound: every event ever applied. */
    public AggregationBuilder lifetime() {
        return window(new WindowSpec.Lifetime());
    }

    public AggregationBuilder window(WindowSpec spec) {
        this.window = spec;
        this.size = null;
        return this;
    }

    /** Boolean CEL filter over source fields; events where it is false or null are ignored. */
    public AggregationBuilder where(String celFilter) {
        this.filter = celFilter;
        return this;
    }

    /** last_n: number of values kept. */
    public AggregationBuilder n(int count) {
        this.n = count;
        return this;
    }

    /**
     * top_k: number of items (default 5).
     *
     * @throws IllegalArgumentException on top_k, when {@code value} is not positive (0 would
     *         otherwise silently mean the default)
     */
    public AggregationBuilder k(int value) {
        if (function == AggregationFunction.TOP_K && value <= 0) {
            throw new IllegalArgumentException(name + ": k must be positive, got " + value);
        }
        this.k = value;
        return this;
    }

    /** approx_percentile: quantile in [0, 1] (the value of rank floor(q * (n - 1)) of n sorted values). */
    public AggregationBuilder percentile(double rank) {
        this.percentile = rank;
        return this;
    }

    /** approx_percentile: relative accuracy of the sketch, in [0.001, 0.1] (default 0.01). */
    public AggregationBuilder relativeAccuracy(double alpha) {
        this.relativeAccuracy = alpha;
        return this;
    }

    /** approx_count_distinct: log2 of the HLL bucket count (4..21). */
    public AggregationBuilder lgK(int value) {
        this.lgK = value;
        return this;
    }

    public AggregationBuilder description(String text) {
        this.description = text;
        return this;
    }

    /** @throws IllegalStateException when no window was set, or a hop was set on a non-hopping window */
    public AggregationSpec build() {
        WindowSpec w;
        if (size != null) {
            w = new WindowSpec.Hopping(size, hop != null ? hop : WindowSpec.defaultHop(size));
        } else if (window != null) {
            if (hop != null) {
                throw new IllegalStateException(name + ": hop applies only to hopping windows (use over(size))");
            }
            w = window;
        } else {
            throw new IllegalStateException(name + ": no window; call over, tumbling, session or lifetime");
        }
        return new AggregationSpec(name, function, input, w, filter, new AggregationParams(n, k, percentile, lgK, relativeAccuracy),
                description);
    }
}
