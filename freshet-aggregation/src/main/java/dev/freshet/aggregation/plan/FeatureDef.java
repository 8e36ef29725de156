package dev.freshet.aggregation.plan;

import dev.freshet.model.spec.AggregationFunction;

/**
 * One compiled feature of a view.
 *
 * @param index       position in the view's {@link dev.freshet.aggregation.FeatureVector}
 * @param name        feature name
 * @param function    aggregation function
 * @param windowKind  storage kind
 * @param size        window size in ms (hopping), gap in ms (session), 0 (lifetime)
 * @param hop         hop in ms (hopping), else 0
 * @param group       index of the group holding its state (within its kind)
 * @param input       index into the view's inputs, or -1 (count)
 * @param filter      index into the view's filters, or -1
 * @param aggregator  a {@link dev.freshet.aggregation.ir.SlotAggregator} or {@link dev.freshet.aggregation.ir.ObjectAggregator}
 * @param slotOffset  offset of its slots in a tile (slot aggregators), else -1
 * @param objectIndex index of its object in a tile (object aggregators), else -1
 */
public record FeatureDef(
        int index,
        String name,
        AggregationFunction function,
        WindowKind windowKind,
        long size,
        long hop,
        int group,
        int input,
        int filter,
        Object aggregator,
        int slotOffset,
        int objectIndex) {
}
