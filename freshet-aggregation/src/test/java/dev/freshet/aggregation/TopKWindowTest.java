package dev.freshet.aggregation;

import static dev.freshet.aggregation.ViewFixture.agg;
import static dev.freshet.aggregation.ViewFixture.hopping;
import static dev.freshet.aggregation.ViewFixture.lifetime;
import static dev.freshet.aggregation.ViewFixture.session;
import static dev.freshet.aggregation.ViewFixture.txn;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationParams;
import dev.freshet.model.spec.WindowSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * top_k through the tile path: a busy window of flat frequencies — many more distinct values than
 * the summary holds, each as frequent as the others — reads k values with status PRESENT (the
 * previous sketch's provable-only answer was an empty list), and reads the same every time.
 */
class TopKWindowTest {
    @Test
    void flatFrequenciesBusyWindowReadsKValues() {
        for (WindowSpec w : List.of(hopping(10_000, 1_000), lifetime(), session(60_000))) {
            ViewFixture f = ViewFixture.of(
                    agg("top2", AggregationFunction.TOP_K, "merchant", w, null, new AggregationParams(10, 2, 0.5, 12, 0.01)),
                    agg("top5", AggregationFunction.TOP_K, "merchant", w));
            int distinct = 2_000;
            int n = 3 * distinct;
            for (int i = 0; i < n; i++) {
                f.apply(txn("c", i * 10_000L / n, "m" + (i % distinct), 1.0, 1L, true));
            }
            for (String feature : List.of("top2", "top5")) {
                FeatureVector v = f.read("c", 10_000);
                int k = feature.equals("top2") ? 2 : 5;
                assertEquals(Status.PRESENT, v.status(f.index(feature)), feature + " over " + w);
                Object first = v.value(f.index(feature));
                assertEquals(k, ((List<?>) first).size(), feature + " over " + w + ": " + first);
                assertEquals(first, f.read("c", 10_000).value(f.index(feature)));
            }
        }
    }
}
