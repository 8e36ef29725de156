package dev.freshet.engine;

import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.plan.ViewCompiler;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.expr.ExpressionCompiler;
import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.SourceSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stateful views of a repository (streaming aggregations and latest-value batch features),
 * compiled and grouped by source: the set of tile tables a source's driver updates. Every driver (the embedded engine, the offline replay) takes its table
 * set from here, so they judge and apply events identically, online and offline alike. An event
 * updates every view whose join key it has; it is dropped (NULL_KEY) only when it has none.
 */
public final class StreamingViews {
    private StreamingViews() {
    }

    /**
     * Per source (repository order), its views with aggregations or batch features (repository order), compiled.
     *
     * @throws IllegalArgumentException if a view names an unknown entity or cannot be compiled
     */
    public static Map<String, List<CompiledView>> compile(FeatureRepository repo) {
        ExpressionCompiler compiler = new ExpressionCompiler();
        Map<String, List<CompiledView>> out = new LinkedHashMap<>();
        for (SourceSpec source : repo.sources()) {
            List<CompiledView> views = new ArrayList<>();
            for (FeatureViewSpec v : repo.featureViews()) {
                if (v.source().equals(source.name()) && (!v.aggregations().isEmpty() || !v.batchFeatures().isEmpty())) {
                    EntitySpec entity = repo.entity(v.entity()).orElseThrow(() -> new IllegalArgumentException(
                            "view " + v.name() + " names unknown entity " + v.entity()));
                    views.add(ViewCompiler.compile(v, source, entity, compiler::compile));
                }
            }
            out.put(source.name(), List.copyOf(views));
        }
        return Collections.unmodifiableMap(out);
    }
}
