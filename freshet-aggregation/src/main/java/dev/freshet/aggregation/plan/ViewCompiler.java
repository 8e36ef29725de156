package dev.freshet.aggregation.plan;

import dev.freshet.aggregation.ir.Aggregators;
import dev.freshet.aggregation.ir.SlotAggregator;
import dev.freshet.aggregation.state.TileLayout;
import dev.freshet.model.expr.CompiledExpr;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.BatchFeatureSpec;
import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.model.spec.WindowSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles a validated streaming feature view into a {@link CompiledView}: deduplicates input and
 * filter expressions, chooses each feature's aggregator and storage group, and lays out tiles.
 * Throws {@link IllegalArgumentException} on inconsistencies validation should have caught.
 */
public final class ViewCompiler {
    /** Source option naming the field whose value breaks ties between batch rows of equal event time. */
    public static final String CREATED_FIELD_OPTION = "created_timestamp_field";

    private ViewCompiler() {
    }

    private record GroupKey(WindowKind kind, long period, boolean sparse) {
    }

    private record Draft(String name, AggregationFunction function, WindowKind kind, long size, long hop, int input, int filter,
                         Object aggregator) {
    }

    public static CompiledView compile(FeatureViewSpec view, SourceSpec source, EntitySpec entity, ExpressionResolver expressions) {
        var schema = source.schema();
        int eventTimeIndex = schema.indexOf(source.eventTimeField());
        if (eventTimeIndex < 0) {
            throw new IllegalArgumentException("source " + source.name() + " has no event-time field " + source.eventTimeField());
        }
        int[] keyIndexes = new int[entity.joinKeys().size()];
        for (int i = 0; i < keyIndexes.length; i++) {
            Field k = entity.joinKeys().get(i);
            keyIndexes[i] = schema.indexOf(k.name());
            if (keyIndexes[i] < 0) {
                throw new IllegalArgumentException("source " + source.name() + " lacks join key " + k.name());
            }
        }
        Map<String, Integer> inputIds = new LinkedHashMap<>();
        Map<String, Integer> filterIds = new LinkedHashMap<>();
        List<CompiledExpr> inputs = new ArrayList<>();
        List<CompiledExpr> filters = new ArrayList<>();
        List<Draft> drafts = new ArrayList<>();
        for (AggregationSpec a : view.aggregations()) {
            int input = -1;
            CompiledExpr inputExpr = null;
            if (a.function() != AggregationFunction.COUNT) {
                if (a.input() == null) {
                    throw new IllegalArgumentException(view.name() + ":" + a.name() + ": " + a.function().yamlName() + " needs an input");
                }
                input = inputIds.computeIfAbsent(a.input(), text -> {
                    inputs.add(expressions.compile(text, schema));
                    return inputs.size() - 1;
                });
                inputExpr = inputs.get(input);
            }
            int filter = -1;
            if (a.filter() != null && !a.filter().isBlank()) {
                filter = filterIds.computeIfAbsent(a.filter(), text -> {
                    filters.add(expressions.compile(text, schema));
                    return filters.size() - 1;
                });
            }
            Object aggregator = Aggregators.create(a.function(), inputExpr == null ? null : inputExpr.type(), a.params());
            drafts.add(switch (a.window()) {
                case WindowSpec.Hopping h -> {
                    long size = h.size().toMillis();
                    long hop = (h.hop() == null ? WindowSpec.defaultHop(h.size()) : h.hop()).toMillis();
                    if (hop <= 0 || size <= 0 || size % hop != 0) {
                        throw new IllegalArgumentException(view.name() + ":" + a.name() + ": hop " + hop + "ms must divide window " + size + "ms");
                    }
                    yield new Draft(a.name(), a.function(), WindowKind.HOPPING, size, hop, input, filter, aggregator);
                }
                case WindowSpec.Tumbling tw -> new Draft(a.name(), a.function(), WindowKind.HOPPING, tw.size().toMillis(),
                        tw.size().toMillis(), input, filter, aggregator);
                case WindowSpec.Session s -> new Draft(a.name(), a.function(), WindowKind.SESSION, s.gap().toMillis(), 0, input,
                        filter, aggregator);
                case WindowSpec.Lifetime l -> new Draft(a.name(), a.function(), WindowKind.LIFETIME, 0, 0, input, filter, aggregator);
            });
        }
        // Latest-value features of a batch view: the input's value in the key's latest row, within the TTL.
        long ttl = view.ttl() == null ? 0 : view.ttl().toMillis();
        for (BatchFeatureSpec b : view.batchFeatures()) {
            int input = inputIds.computeIfAbsent(b.input(), text -> {
                inputs.add(expressions.compile(text, schema));
                return inputs.size() - 1;
            });
            // typed like `last` of the input: the value keeps the input's type
            drafts.add(new Draft(b.name(), AggregationFunction.LAST, WindowKind.LATEST, ttl, 0, input, -1,
                    new LatestValue(inputs.get(input).type())));
        }
        int createdIndex = -1;
        String created = source.options().get(CREATED_FIELD_OPTION);
        if (created != null) {
            createdIndex = schema.indexOf(created);
            if (createdIndex < 0) {
                throw new IllegalArgumentException("source " + source.name() + ": " + CREATED_FIELD_OPTION + " names unknown field " + created);
            }
            FieldType createdType = schema.field(createdIndex).type();
            if (createdType != FieldType.TIMESTAMP && createdType != FieldType.INT64) {
                // compared as epoch milliseconds: anything else would be truncated or misread
                throw new IllegalArgumentException("source " + source.name() + ": " + CREATED_FIELD_OPTION + " field " + created
                        + " has type " + createdType.yamlName() + "; it must be timestamp or int64");
            }
        }
        // Group features by storage shape, preserving first-appearance order.
        Map<GroupKey, List<Integer>> grouping = new LinkedHashMap<>();
        for (int i = 0; i < drafts.size(); i++) {
            Draft d = drafts.get(i);
            GroupKey key = switch (d.kind()) {
                case HOPPING -> new GroupKey(WindowKind.HOPPING, d.hop(), d.size() / d.hop() > CompiledView.DENSE_RING_LIMIT);
                case SESSION -> new GroupKey(WindowKind.SESSION, d.size(), true);
                case LIFETIME -> new GroupKey(WindowKind.LIFETIME, 0, false);
                case LATEST -> new GroupKey(WindowKind.LATEST, d.size(), false);
            };
            grouping.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        }
        FeatureDef[] features = new FeatureDef[drafts.size()];
        List<GroupDef> groups = new ArrayList<>();
        for (var e : grouping.entrySet()) {
            int groupIndex = groups.size();
            int offset = TileLayout.HEADER;
            int objects = 0;
            List<FeatureDef> members = new ArrayList<>();
            for (int i : e.getValue()) {
                Draft d = drafts.get(i);
                int slotOffset = -1;
                int objectIndex = -1;
                if (d.kind() == WindowKind.LATEST) {
                    slotOffset = offset++; // the LATEST group keeps its own row layout; one slot per feature
                } else if (d.aggregator() instanceof SlotAggregator s) {
                    slotOffset = offset;
                    offset += s.width();
                } else {
                    objectIndex = objects++;
                }
                features[i] = new FeatureDef(i, d.name(), d.function(), d.kind(), d.size(), d.hop(),
                        groupIndex, d.input(), d.filter(), d.aggregator(), slotOffset, objectIndex);
                members.add(features[i]);
            }
            groups.add(new GroupDef(e.getKey().kind(), e.getKey().period(), e.getKey().sparse(), members, offset, objects));
        }
        return new CompiledView(view.name(), schema, eventTimeIndex, entity.joinKeys(), keyIndexes, inputs, filters,
                List.of(features), groups, source.allowedLateness().toMillis(), fingerprint(view, source, entity, features, created),
                createdIndex);
    }

    private static String fingerprint(FeatureViewSpec view, SourceSpec source, EntitySpec entity, FeatureDef[] features,
                                      String created) {
        StringBuilder sb = new StringBuilder();
        sb.append("v1|").append(view.name()).append('|').append(entity.joinKeys()).append('|').append(source.schema().fields())
                .append('|').append(source.eventTimeField()).append('|').append(source.allowedLateness().toMillis());
        for (int i = 0; i < view.aggregations().size(); i++) {
            AggregationSpec a = view.aggregations().get(i);
            FeatureDef f = features[i];
            sb.append('|').append(f.name()).append(',').append(f.function()).append(',').append(f.windowKind())
                    .append(',').append(f.size()).append(',').append(f.hop()).append(',').append(a.input())
                    .append(',').append(a.filter()).append(',').append(a.params());
        }
        if (!view.batchFeatures().isEmpty()) {
            // appended only for batch views, so streaming fingerprints (and their checkpoints) are unchanged
            sb.append("|latest,ttl=").append(view.ttl() == null ? 0 : view.ttl().toMillis()).append(",created=").append(created);
            for (BatchFeatureSpec b : view.batchFeatures()) {
                sb.append('|').append(b.name()).append(',').append(b.input());
            }
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 unavailable", ex);
        }
    }
}
