package dev.freshet.serving.features;

import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.plan.FeatureDef;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.expr.CompiledExpr;
import dev.freshet.model.expr.ExpressionCompiler;
import dev.freshet.model.expr.ExpressionResult;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.FeatureRef;
import dev.freshet.model.spec.FeatureServiceSpec;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.OnDemandFeatureSpec;
import dev.freshet.model.spec.Schema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves requested features — {@code view:feature} references, {@code view:*}, on-demand feature
 * names, or a feature service — into a {@link FeaturePlan}, with precise 404s for unknown names
 * (services, views, features of a view, on-demand features), each listing what exists.
 * Plans are cached by request shape, so steady-state requests do no resolution work.
 */
public final class FeaturePlanner {
    private final FeatureRepository repo;
    private final Map<String, CompiledView> views = new TreeMap<>(); // sorted: named in errors
    private final ExpressionCompiler compiler;
    private final Map<List<String>, FeaturePlan> cache = new ConcurrentHashMap<>();
    private final Map<String, FeaturePlan> services = new ConcurrentHashMap<>();

    public FeaturePlanner(FeatureRepository repo, FeatureSource source, ExpressionCompiler compiler) {
        this.repo = repo;
        this.compiler = compiler;
        for (CompiledView v : source.views()) {
            views.put(v.name(), v);
        }
    }

    /** The plan for a feature service. */
    public FeaturePlan forService(String service) {
        FeaturePlan cached = services.get(service);
        if (cached != null) {
            return cached;
        }
        FeatureServiceSpec spec = repo.featureService(service)
                .orElseThrow(() -> new RequestException(404, "unknown feature service '" + service + "'; known: "
                        + repo.featureServices().stream().map(FeatureServiceSpec::name).toList(), "/feature_service"));
        FeaturePlan plan = forFeatures(repo.expandFeatures(spec));
        services.put(service, plan); // bounded: only services the repository defines get here
        return plan;
    }

    /** The plan for a list of feature references. */
    public FeaturePlan forFeatures(List<String> refs) {
        if (refs.isEmpty()) {
            throw new RequestException(400, "no features requested: give 'features' or 'feature_service'", "/features");
        }
        FeaturePlan cached = cache.get(refs);
        if (cached != null) {
            return cached;
        }
        FeaturePlan plan = build(List.copyOf(refs));
        if (cache.size() < 10_000) {
            cache.put(List.copyOf(refs), plan);
        }
        return plan;
    }

    private FeaturePlan build(List<String> refs) {
        Map<String, Integer> slots = new LinkedHashMap<>();
        List<FeaturePlan.ViewRead> reads = new ArrayList<>();
        List<FeaturePlan.Column> columns = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Field> requestFields = new ArrayList<>();
        List<Integer> refIndexes = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
            String ref = refs.get(i);
            String pointer = "/features/" + i;
            Optional<OnDemandFeatureSpec> onDemand = repo.onDemandFeature(ref);
            if (onDemand.isPresent()) {
                columns.add(onDemand(onDemand.get(), slots, reads, requestFields, pointer));
                names.add(ref);
                refIndexes.add(i);
                continue;
            }
            FeatureRef parsed = FeatureRef.parse(ref).orElseThrow(() -> notAFeature(ref, pointer));
            CompiledView view = view(parsed.view(), pointer);
            if (parsed.isWildcard()) {
                for (FeatureDef f : view.features()) {
                    int slot = slot(view, slots, reads);
                    reads.get(slot).wanted()[f.index()] = true;
                    columns.add(new FeaturePlan.Windowed(slot, f.index()));
                    names.add(view.name() + FeatureRef.SEPARATOR + f.name());
                    refIndexes.add(i);
                }
                continue;
            }
            columns.add(windowed(view, parsed.feature(), slots, reads, pointer));
            names.add(parsed.toString());
            refIndexes.add(i);
        }
        return new FeaturePlan(names, reads, columns, requestFields, refIndexes);
    }

    /**
     * For a reference that is neither an on-demand feature nor {@code view:feature}: 404 naming the
     * on-demand features for a name (as for an unknown view), 400 for text that is no name.
     */
    private RequestException notAFeature(String ref, String pointer) {
        if (ref.isBlank() || ref.contains(FeatureRef.SEPARATOR)) {
            return new RequestException(400, "'" + ref + "' is not a feature reference: write view:feature or the name of an"
                    + " on-demand feature", pointer);
        }
        return new RequestException(404, "unknown on-demand feature '" + ref + "'; on-demand features: "
                + repo.onDemandFeatures().stream().map(OnDemandFeatureSpec::name).toList()
                + "; features of views are named view:feature (served views: " + views.keySet() + ")", pointer);
    }

    private CompiledView view(String name, String pointer) {
        CompiledView view = views.get(name);
        if (view == null) {
            throw new RequestException(404, "unknown feature view '" + name + "'; served views: " + views.keySet(), pointer);
        }
        return view;
    }

    private static int slot(CompiledView view, Map<String, Integer> slots, List<FeaturePlan.ViewRead> reads) {
        return slots.computeIfAbsent(view.name(), n -> {
            reads.add(new FeaturePlan.ViewRead(n, view.keyFields(), view.features().size()));
            return reads.size() - 1;
        });
    }

    private static FeaturePlan.Windowed windowed(CompiledView view, String feature, Map<String, Integer> slots,
                                                 List<FeaturePlan.ViewRead> reads, String pointer) {
        int index = view.featureIndex(feature);
        if (index < 0) {
            throw new RequestException(404, "view '" + view.name() + "' has no feature '" + feature + "'; it has "
                    + view.featureNames(), pointer);
        }
        int slot = slot(view, slots, reads);
        reads.get(slot).wanted()[index] = true;
        return new FeaturePlan.Windowed(slot, index);
    }

    private FeaturePlan.OnDemand onDemand(OnDemandFeatureSpec spec, Map<String, Integer> slots, List<FeaturePlan.ViewRead> reads,
                                          List<Field> requestFields, String pointer) {
        Map<String, FieldType> variables = new HashMap<>(spec.requestFields());
        Map<String, FeaturePlan.Windowed> featureVars = new HashMap<>();
        for (String ref : spec.features()) {
            FeatureRef r = FeatureRef.parse(ref).orElseThrow(() -> new RequestException(500, "bad reference " + ref, pointer));
            CompiledView view = view(r.view(), pointer);
            FeaturePlan.Windowed w = windowed(view, r.feature(), slots, reads, pointer);
            String variable = r.view() + FeatureRef.VARIABLE_SEPARATOR + r.feature();
            featureVars.put(variable, w);
            variables.put(variable, resultType(view, w.feature()));
        }
        Schema schema = ExpressionCompiler.variables(variables);
        ExpressionResult compiled = compiler.tryCompile(spec.expression(), schema);
        CompiledExpr expr = compiled.orThrow(spec.expression());
        int n = schema.size();
        int[] slotOf = new int[n];
        int[] indexOf = new int[n];
        for (int i = 0; i < n; i++) {
            Field f = schema.field(i);
            FeaturePlan.Windowed w = featureVars.get(f.name());
            if (w != null) {
                slotOf[i] = w.viewSlot();
                indexOf[i] = w.feature();
            } else {
                slotOf[i] = -1;
                int at = indexOfField(requestFields, f.name());
                if (at < 0) {
                    requestFields.add(f);
                    at = requestFields.size() - 1;
                }
                indexOf[i] = at;
            }
        }
        return new FeaturePlan.OnDemand(expr, slotOf, indexOf);
    }

    private static int indexOfField(List<Field> fields, String name) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The type a windowed feature's value has, for typing on-demand expressions. */
    static FieldType resultType(CompiledView view, int feature) {
        FeatureDef f = view.features().get(feature);
        if (f.function() == AggregationFunction.COUNT) {
            return FieldType.INT64;
        }
        FieldType input = view.inputs().get(f.input()).type();
        return f.function().resultType(input).orElse(FieldType.STRING);
    }
}
