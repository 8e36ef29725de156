package dev.freshet.model.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationParams;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.BatchFeatureSpec;
import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.FeatureServiceSpec;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.OnDemandFeatureSpec;
import dev.freshet.model.spec.Schema;
import dev.freshet.model.spec.SourceKind;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.model.spec.Spec;
import dev.freshet.model.spec.SpecKind;
import dev.freshet.model.spec.WindowSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The registry's JSON form of specs, and the canonical form content hashes are computed from:
 * every record component is written (nulls as JSON null), object keys are sorted, durations are
 * ISO-8601 ({@link Duration#toString()}), maps are sorted by key, and lists keep their order
 * (schema, feature and service order carry meaning). {@link #decode} reverses {@link #encode}.
 *
 * <p>Two exceptions keep the hashes of specs registered before them: an aggregation's
 * {@code relative_accuracy} parameter is written only when it differs from its default, and read
 * as the default when absent; and in the {@link #hashForm} only, top_k's {@code k}, whose default 5
 * may be written explicitly or left unset (0), is written as 0 when it resolves to 5, so both
 * forms hash alike (the registry still stores the spec as written).
 */
public final class SpecCodec {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private SpecCodec() {
    }

    /** The registry's JSON form of a spec: what was written, as {@link #decode} reads it back. */
    public static ObjectNode encode(Spec spec) {
        return encode(spec, false);
    }

    /**
     * The form content hashes are computed from: {@link #encode}'s, with parameters that resolve to
     * their defaults written as their defaults (see the class comment), keys sorted.
     */
    public static JsonNode hashForm(Spec spec) {
        return canonical(encode(spec, true));
    }

    private static ObjectNode encode(Spec spec, boolean resolved) {
        ObjectNode n = F.objectNode();
        n.put("kind", kindName(spec.kind()));
        n.put("name", spec.name());
        switch (spec) {
            case EntitySpec e -> {
                n.set("join_keys", fields(e.joinKeys()));
                n.put("description", e.description());
            }
            case SourceSpec s -> {
                n.put("source_kind", s.sourceKind().name().toLowerCase(Locale.ROOT));
                n.set("schema", fields(s.schema().fields()));
                n.put("event_time_field", s.eventTimeField());
                n.put("allowed_lateness", duration(s.allowedLateness()));
                n.put("availability_delay", duration(s.availabilityDelay()));
                n.put("max_future_skew", duration(s.maxFutureSkew()));
                n.set("options", stringMap(s.options(), F::textNode));
                n.put("description", s.description());
            }
            case FeatureViewSpec v -> {
                n.put("entity", v.entity());
                n.put("source", v.source());
                ArrayNode aggs = n.putArray("aggregations");
                v.aggregations().forEach(a -> aggs.add(aggregation(a, resolved)));
                ArrayNode batch = n.putArray("batch_features");
                v.batchFeatures().forEach(b -> batch.add(F.objectNode().put("name", b.name()).put("input", b.input())
                        .put("description", b.description())));
                n.put("ttl", duration(v.ttl()));
                n.set("tags", stringMap(v.tags(), F::textNode));
                n.put("description", v.description());
            }
            case OnDemandFeatureSpec o -> {
                n.put("type", o.type() == null ? null : o.type().yamlName());
                n.put("expression", o.expression());
                n.set("features", strings(o.features()));
                n.set("request_fields", stringMap(o.requestFields(), t -> F.textNode(t.yamlName())));
                n.put("description", o.description());
            }
            case FeatureServiceSpec s -> {
                n.set("features", strings(s.features()));
                n.put("description", s.description());
            }
        }
        return n;
    }

    public static Spec decode(JsonNode n) {
        String name = n.get("name").asText();
        return switch (kind(n.get("kind").asText())) {
            case ENTITY -> new EntitySpec(name, fields(n.get("join_keys")), text(n, "description"));
            case SOURCE -> new SourceSpec(name, SourceKind.valueOf(n.get("source_kind").asText().toUpperCase(Locale.ROOT)),
                    new Schema(fields(n.get("schema"))), text(n, "event_time_field"),
                    duration(n, "allowed_lateness"), duration(n, "availability_delay"), duration(n, "max_future_skew"),
                    stringMap(n.get("options"), JsonNode::asText), text(n, "description"));
            case FEATURE_VIEW -> {
                List<AggregationSpec> aggs = new ArrayList<>();
                n.get("aggregations").forEach(a -> aggs.add(aggregation(a)));
                List<BatchFeatureSpec> batch = new ArrayList<>();
                n.get("batch_features").forEach(b -> batch.add(new BatchFeatureSpec(b.get("name").asText(),
                        b.get("input").asText(), text(b, "description"))));
                yield new FeatureViewSpec(name, text(n, "entity"), text(n, "source"), aggs, batch, duration(n, "ttl"),
                        stringMap(n.get("tags"), JsonNode::asText), text(n, "description"));
            }
            case ON_DEMAND_FEATURE -> new OnDemandFeatureSpec(name,
                    text(n, "type") == null ? null : FieldType.parse(text(n, "type")).orElseThrow(),
                    text(n, "expression"), strings(n.get("features")),
                    stringMap(n.get("request_fields"), t -> FieldType.parse(t.asText()).orElseThrow()),
                    text(n, "description"));
            case FEATURE_SERVICE -> new FeatureServiceSpec(name, strings(n.get("features")), text(n, "description"));
        };
    }

    /** The same tree with every object's keys sorted, recursively. */
    public static JsonNode canonical(JsonNode node) {
        if (node.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            node.properties().forEach(e -> sorted.put(e.getKey(), canonical(e.getValue())));
            ObjectNode out = F.objectNode();
            sorted.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = F.arrayNode();
            node.forEach(item -> out.add(canonical(item)));
            return out;
        }
        return node;
    }

    public static String kindName(SpecKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    public static SpecKind kind(String name) {
        return SpecKind.valueOf(name.toUpperCase(Locale.ROOT));
    }

    private static ObjectNode aggregation(AggregationSpec a, boolean resolved) {
        ObjectNode n = F.objectNode();
        n.put("name", a.name());
        n.put("function", a.function().yamlName());
        n.put("input", a.input());
        n.set("window", window(a.window()));
        n.put("filter", a.filter());
        AggregationParams p = a.params();
        // top_k's k resolves 0 (unset) to 5: for hashing, the explicit default is written as unset (the
        // form it always had), so both hash alike and earlier hashes of top_k without k stay unchanged
        int k = resolved && a.function() == AggregationFunction.TOP_K && p.topK() == AggregationParams.DEFAULTS.topK()
                ? AggregationParams.DEFAULTS.k() : p.k();
        ObjectNode params = F.objectNode().put("n", p.n()).put("k", k).put("percentile", p.percentile())
                .put("lg_k", p.lgK());
        if (p.relativeAccuracy() != AggregationParams.DEFAULTS.relativeAccuracy()) {
            params.put("relative_accuracy", p.relativeAccuracy());
        }
        n.set("params", params);
        n.put("description", a.description());
        return n;
    }

    private static AggregationSpec aggregation(JsonNode n) {
        JsonNode p = n.get("params");
        return new AggregationSpec(n.get("name").asText(), AggregationFunction.parse(n.get("function").asText()).orElseThrow(),
                text(n, "input"), window(n.get("window")), text(n, "filter"),
                new AggregationParams(p.get("n").asInt(), p.get("k").asInt(), p.get("percentile").asDouble(),
                        p.get("lg_k").asInt(), p.path("relative_accuracy").asDouble(AggregationParams.DEFAULTS.relativeAccuracy())),
                text(n, "description"));
    }

    private static ObjectNode window(WindowSpec w) {
        return switch (w) {
            case WindowSpec.Hopping h -> F.objectNode().put("type", "hopping").put("size", duration(h.size()))
                    .put("hop", duration(h.hop()));
            case WindowSpec.Tumbling t -> F.objectNode().put("type", "tumbling").put("size", duration(t.size()));
            case WindowSpec.Session s -> F.objectNode().put("type", "session").put("gap", duration(s.gap()));
            case WindowSpec.Lifetime l -> F.objectNode().put("type", "lifetime");
        };
    }

    private static WindowSpec window(JsonNode n) {
        return switch (n.get("type").asText()) {
            case "hopping" -> new WindowSpec.Hopping(duration(n, "size"), duration(n, "hop"));
            case "tumbling" -> new WindowSpec.Tumbling(duration(n, "size"));
            case "session" -> new WindowSpec.Session(duration(n, "gap"));
            case "lifetime" -> new WindowSpec.Lifetime();
            default -> throw new IllegalArgumentException("unknown window type " + n.get("type"));
        };
    }

    private static ArrayNode fields(List<Field> fields) {
        ArrayNode out = F.arrayNode();
        fields.forEach(f -> out.add(F.objectNode().put("name", f.name()).put("type", f.type().yamlName())
                .put("nullable", f.nullable())));
        return out;
    }

    private static List<Field> fields(JsonNode n) {
        List<Field> out = new ArrayList<>();
        n.forEach(f -> out.add(new Field(f.get("name").asText(), FieldType.parse(f.get("type").asText()).orElseThrow(),
                f.get("nullable").asBoolean())));
        return out;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode out = F.arrayNode();
        values.forEach(out::add);
        return out;
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(s -> out.add(s.asText()));
        return out;
    }

    private static <V> ObjectNode stringMap(Map<String, V> map, Function<V, JsonNode> value) {
        ObjectNode out = F.objectNode();
        new TreeMap<>(map).forEach((k, v) -> out.set(k, value.apply(v)));
        return out;
    }

    private static <V> Map<String, V> stringMap(JsonNode n, Function<JsonNode, V> value) {
        Map<String, V> out = new LinkedHashMap<>();
        n.properties().forEach(e -> out.put(e.getKey(), value.apply(e.getValue())));
        return out;
    }

    private static String duration(Duration d) {
        return d == null ? null : d.toString();
    }

    private static Duration duration(JsonNode n, String key) {
        String text = text(n, key);
        return text == null ? null : Duration.parse(text);
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }
}
