package dev.freshet.aggregation;

import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.plan.ViewCompiler;
import dev.freshet.aggregation.state.ApplyOutcome;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationParams;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.Schema;
import dev.freshet.model.spec.SourceKind;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.model.spec.WindowSpec;
import dev.freshet.testkit.FieldReferences;
import dev.freshet.testkit.TestRow;
import dev.freshet.testkit.TestStreams;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A {@link TileTable} over a hand-written view, for example-based tests: builds aggregations
 * tersely, applies rows with increasing arrival seqs and reads features by name.
 */
final class ViewFixture {
    final CompiledView view;
    final TileTable table;
    private final TileTable.Reader reader;
    private final FeatureVector out;
    private long seq;

    ViewFixture(CompiledView view) {
        this.view = view;
        this.table = new TileTable(view, 4);
        this.reader = table.newReader();
        this.out = new FeatureVector(view.features().size());
    }

    /** A table over {@link TestStreams#SCHEMA} keyed by card_id, lateness {@link OracleHarness#LATENESS}. */
    static ViewFixture of(AggregationSpec... aggregations) {
        return new ViewFixture(compile(OracleHarness.source(), OracleHarness.CARD, aggregations));
    }

    static CompiledView compile(SourceSpec source, EntitySpec entity, AggregationSpec... aggregations) {
        FeatureViewSpec spec = new FeatureViewSpec("v", entity.name(), source.name(), List.of(aggregations), null, null, Map.of(), "");
        return ViewCompiler.compile(spec, source, entity, FieldReferences::compile);
    }

    static SourceSpec source(Schema schema, long latenessMs) {
        return new SourceSpec("events", SourceKind.STREAM, schema, "event_time", Duration.ofMillis(latenessMs), null, null, null, "");
    }

    static AggregationSpec agg(String name, AggregationFunction fn, String input, WindowSpec window) {
        return new AggregationSpec(name, fn, input, window, null, null, "");
    }

    static AggregationSpec agg(String name, AggregationFunction fn, String input, WindowSpec window, String filter,
                               AggregationParams params) {
        return new AggregationSpec(name, fn, input, window, filter, params, "");
    }

    static WindowSpec hopping(long sizeMs, long hopMs) {
        return new WindowSpec.Hopping(Duration.ofMillis(sizeMs), Duration.ofMillis(hopMs));
    }

    static WindowSpec tumbling(long sizeMs) {
        return new WindowSpec.Tumbling(Duration.ofMillis(sizeMs));
    }

    static WindowSpec session(long gapMs) {
        return new WindowSpec.Session(Duration.ofMillis(gapMs));
    }

    static WindowSpec lifetime() {
        return new WindowSpec.Lifetime();
    }

    /** A row of {@link TestStreams#SCHEMA}. */
    static Object[] txn(String card, long eventTime, String merchant, Double amount, Long qty, boolean flag) {
        Object[] v = new Object[TestStreams.SCHEMA.size()];
        v[TestStreams.CARD] = card;
        v[TestStreams.MERCHANT] = merchant;
        v[TestStreams.AMOUNT] = amount;
        v[TestStreams.QTY] = qty;
        v[TestStreams.FLAG] = flag;
        v[TestStreams.EVENT_TIME] = eventTime;
        return v;
    }

    /** A row of {@link TestStreams#SCHEMA} with only key, time and amount. */
    static Object[] txn(String card, long eventTime, Double amount) {
        return txn(card, eventTime, null, amount, null, true);
    }

    /** Applies a row with the next arrival seq. */
    ApplyOutcome apply(Object[] values) {
        return table.apply(new TestRow(values), seq++);
    }

    /** Applies a row with an explicit arrival seq. */
    ApplyOutcome apply(Object[] values, long arrivalSeq) {
        return table.apply(new TestRow(values), arrivalSeq);
    }

    /** Reads every feature of {@code key} at {@code t}; returns the (reused) vector. */
    FeatureVector read(Object key, long t) {
        table.read(key, t, out, reader);
        return out;
    }

    int index(String feature) {
        int i = view.featureIndex(feature);
        if (i < 0) {
            throw new IllegalArgumentException("no feature " + feature + " in " + view.featureNames());
        }
        return i;
    }

    Status status(Object key, long t, String feature) {
        return read(key, t).status(index(feature));
    }

    Object value(Object key, long t, String feature) {
        return read(key, t).value(index(feature));
    }

    long eventTime(Object key, long t, String feature) {
        return read(key, t).eventTime(index(feature));
    }
}
