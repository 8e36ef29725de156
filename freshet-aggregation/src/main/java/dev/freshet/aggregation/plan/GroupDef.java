package dev.freshet.aggregation.plan;

import java.util.List;

/**
 * Features stored together: same window kind and the same hop (hopping), gap (session), or the
 * single lifetime accumulator.
 *
 * @param kind     storage kind
 * @param period   hop (hopping) or gap (session) in ms; 0 for lifetime
 * @param sparse   hopping groups whose windows span more than {@link CompiledView#DENSE_RING_LIMIT}
 *                 hops keep only non-empty tiles
 * @param features the features, with offsets relative to this group's tile layout
 * @param stride   longs per tile (header + slots)
 * @param objects  object IRs per tile
 */
public record GroupDef(WindowKind kind, long period, boolean sparse, List<FeatureDef> features, int stride, int objects) {
    public GroupDef {
        features = List.copyOf(features);
    }
}
