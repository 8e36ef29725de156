package dev.freshet.serving.features;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.freshet.model.expr.CompiledExpr;
import dev.freshet.model.spec.Field;
import java.util.List;

/**
 * A resolved list of requested features: which views to read, where each output column comes
 * from, and how to compute on-demand features. Built once per distinct request shape and cached.
 *
 * @param names        output names in request order ({@code view:feature} or the on-demand name)
 * @param views        views to read, each with its entity join keys
 * @param columns      per output column: a windowed feature (view slot, feature index) or an on-demand one
 * @param requestFields request-context fields the on-demand features need (name and type)
 * @param refIndexes   per output column, the index of the requested reference it comes from
 *                     ({@code view:*} gives several columns)
 * @param jsonNames    {@code names} with their JSON string encodings computed once (responses write them as bytes)
 * @param joinKeys     the join keys of all views read, each once, in order of first appearance
 *                     (views of one entity share them; a response echoes each once)
 */
public record FeaturePlan(List<String> names, List<ViewRead> views, List<Column> columns, List<Field> requestFields,
                          List<Integer> refIndexes, List<SerializableString> jsonNames, List<String> joinKeys) {

    public FeaturePlan(List<String> names, List<ViewRead> views, List<Column> columns, List<Field> requestFields,
                       List<Integer> refIndexes) {
        this(names, views, columns, requestFields, refIndexes, names.stream().<SerializableString>map(SerializedString::new).toList(),
                views.stream().flatMap(v -> v.joinKeys().stream()).map(Field::name).distinct().toList());
    }

    /**
     * One view to read per entity row; {@code wanted[i]} marks the view's features some column uses
     * (filled while the plan is built, read-only afterwards), so reads skip storage groups no column needs.
     */
    public record ViewRead(String view, List<Field> joinKeys, int features, boolean[] wanted) {
        public ViewRead(String view, List<Field> joinKeys, int features) {
            this(view, joinKeys, features, new boolean[features]);
        }
    }

    /** Where one output column comes from. */
    public sealed interface Column permits Windowed, OnDemand {
    }

    /** Feature {@code feature} of the {@code viewSlot}-th view read. */
    public record Windowed(int viewSlot, int feature) implements Column {
    }

    /**
     * An on-demand feature: {@code expr} over a row whose i-th field is a request field when
     * {@code slots[i] == -1} ({@code indexes[i]} into requestFields) and else feature
     * {@code indexes[i]} of the {@code slots[i]}-th view read.
     */
    public record OnDemand(CompiledExpr expr, int[] slots, int[] indexes) implements Column {
        public OnDemand {
            slots = slots.clone();
            indexes = indexes.clone();
        }
    }
}
