package dev.freshet.aggregation.plan;

import dev.freshet.model.expr.CompiledExpr;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.Schema;
import java.util.List;

/**
 * A feature view compiled for execution: schema positions resolved, expressions compiled, features
 * assigned to storage groups with fixed slot layouts. Immutable and shared by every driver
 * (streaming, serving, offline), so all of them run the same tile math.
 *
 * @param name            view name
 * @param schema          source schema
 * @param eventTimeIndex  index of the event-time field
 * @param keyFields       join-key fields of the entity, in order
 * @param keyIndexes      their positions in the schema
 * @param inputs          distinct input expressions (evaluated once per event)
 * @param filters         distinct filter expressions (evaluated once per event)
 * @param features        all features in declaration order; {@code features.get(i).index() == i}
 * @param groups          storage groups
 * @param allowedLateness the source's allowed lateness in ms
 * @param fingerprint     hash of everything that shapes the state layout; checkpoints record it
 * @param createdIndex    batch sources: schema index of the created timestamp that breaks ties
 *                        between rows with equal event times (before ingestion order); -1 if none
 */
public record CompiledView(
        String name,
        Schema schema,
        int eventTimeIndex,
        List<Field> keyFields,
        int[] keyIndexes,
        List<CompiledExpr> inputs,
        List<CompiledExpr> filters,
        List<FeatureDef> features,
        List<GroupDef> groups,
        long allowedLateness,
        String fingerprint,
        int createdIndex) {

    /** Hopping groups spanning more hops than this per window use sparse tile lists. */
    public static final int DENSE_RING_LIMIT = 512;

    public CompiledView {
        keyIndexes = keyIndexes.clone();
        inputs = List.copyOf(inputs);
        filters = List.copyOf(filters);
        features = List.copyOf(features);
        groups = List.copyOf(groups);
    }

    /** Index of the feature with this name, or -1. */
    public int featureIndex(String feature) {
        for (FeatureDef f : features) {
            if (f.name().equals(feature)) {
                return f.index();
            }
        }
        return -1;
    }

    public List<String> featureNames() {
        return features.stream().map(FeatureDef::name).toList();
    }
}
