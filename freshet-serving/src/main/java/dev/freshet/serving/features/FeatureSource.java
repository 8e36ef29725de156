package dev.freshet.serving.features;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.plan.CompiledView;
import java.util.List;

/** Where served values come from: the embedded engine's tile tables (later also Redis). */
public interface FeatureSource {
    /** The streaming views this source serves. */
    List<CompiledView> views();

    /** Reads every feature of {@code view} for {@code key} at read time {@code t}; thread-safe. */
    boolean read(String view, Object key, long t, FeatureVector out);
}
