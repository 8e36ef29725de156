package dev.freshet.bench;

import dev.freshet.aggregation.ir.Aggregators;
import dev.freshet.aggregation.ir.InputCell;
import dev.freshet.aggregation.ir.ObjectAggregator;
import dev.freshet.aggregation.ir.SlotAggregator;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationParams;
import dev.freshet.model.spec.FieldType;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-event update cost of each aggregation function on one tile's intermediate representation,
 * with nothing else around it: no key lookup, no expression evaluation, no tile bookkeeping.
 * Slot aggregators update a {@code long[]} of their width; object aggregators fold into their IR
 * object (HashSet, HLL union, DDSketch, frequent-items summary, last-N arrays).
 *
 * <p>Inputs are pre-built {@link InputCell}s cycled by index: 4096 log-normal amounts (float64)
 * for the numeric functions and last_n, 4096 draws from 1000 merchant ids (strings) for
 * count_distinct, approx_count_distinct and top_k, as the fraud workload feeds them. Event time and
 * arrival seq advance by one per update, so last / last_n always take the new value. The one IR
 * is updated forever, so the figures are steady-state: the sets and sketches are saturated
 * (1000 distinct values), the DDSketch keeps adding bins.
 *
 * <p>{@link #baseline} is the harness cost of one call plus cycling the input index; subtract it
 * to get the update alone.
 *
 * <pre>
 * java -jar freshet-bench/target/benchmarks.jar AggregatorUpdateBenchmark -f 1 -wi 3 -i 5
 * java -jar freshet-bench/target/benchmarks.jar AggregatorUpdateBenchmark -p function=count,sum,avg
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--sun-misc-unsafe-memory-access=allow"})
public class AggregatorUpdateBenchmark {
    private static final int INPUTS = 4096;
    private static final int MERCHANTS = 1000;

    /** Pre-built inputs; index {@code i & MASK}. */
    @State(Scope.Thread)
    public static class Inputs {
        static final int MASK = INPUTS - 1;
        final InputCell[] amounts = new InputCell[INPUTS];
        final InputCell[] merchants = new InputCell[INPUTS];
        long seq;

        @Setup
        public void build() {
            SplittableRandom r = new SplittableRandom(42);
            String[] ids = new String[MERCHANTS];
            for (int i = 0; i < MERCHANTS; i++) {
                ids[i] = "m-" + i;
            }
            for (int i = 0; i < INPUTS; i++) {
                amounts[i] = new InputCell().setDouble(Math.round(Math.exp(r.nextGaussian() * 1.1 + 3.5) * 100) / 100.0);
                merchants[i] = new InputCell().setObject(ids[r.nextInt(MERCHANTS)]);
            }
        }
    }

    /** One tile IR of the function under test. */
    @State(Scope.Thread)
    public static class Tile {
        @Param({"count", "sum", "avg", "min", "max", "stddev", "last", "last_n", "count_distinct",
                "approx_count_distinct", "approx_percentile", "top_k"})
        String function;

        SlotAggregator slot;
        ObjectAggregator object;
        long[] slots;
        Object ir;
        boolean strings;

        @Setup
        public void create() {
            AggregationFunction f = BenchViews.function(function);
            strings = "merchant_id".equals(BenchViews.inputOf(f));
            Object agg = Aggregators.create(f, strings ? FieldType.STRING : FieldType.FLOAT64, AggregationParams.DEFAULTS);
            if (agg instanceof SlotAggregator s) {
                slot = s;
                slots = new long[s.width()];
                s.init(slots, 0);
            } else {
                object = (ObjectAggregator) agg;
            }
        }
    }

    @Benchmark
    public void update(Inputs in, Tile tile) {
        long seq = in.seq++;
        int i = (int) seq & Inputs.MASK;
        if (tile.slot != null) {
            tile.slot.update(tile.slots, 0, in.amounts[i], seq, seq);
        } else {
            tile.ir = tile.object.update(tile.ir, tile.strings ? in.merchants[i] : in.amounts[i], seq, seq);
        }
    }

    /** The same call shape with no aggregator: harness overhead plus input cycling. */
    @Benchmark
    public InputCell baseline(Inputs in) {
        long seq = in.seq++;
        return in.amounts[(int) seq & Inputs.MASK];
    }
}
