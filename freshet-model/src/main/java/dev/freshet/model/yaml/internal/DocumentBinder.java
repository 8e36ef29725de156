package dev.freshet.model.yaml.internal;

import dev.freshet.model.internal.Suggestions;
import dev.freshet.model.spec.Spec;
import dev.freshet.model.spec.SpecKind;
import dev.freshet.model.validate.SourceMap;
import dev.freshet.model.validate.SourceMap.Location;
import dev.freshet.model.validate.ValidationError;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds one YAML document to a spec: reads {@code kind} and {@code name}, hands the rest to the
 * binder of that kind, and records where every path of the document was written.
 *
 * <p>Binders report what cannot be represented in a spec (unknown keys, unparseable durations,
 * unknown types and functions, wrong shapes) and drop the smallest unit they cannot bind (a schema
 * field, a feature, or the object), declaring its name so references to it are not reported twice.
 * Everything representable (missing references, bad hops, type errors) is left to the validator.
 */
public final class DocumentBinder {
    /** YAML names of the kinds, in {@link SpecKind} order. */
    public static final List<String> KINDS = List.of("entity", "source", "feature_view", "on_demand_feature",
            "feature_service");

    private DocumentBinder() {
    }

    /** The spec of one document, or empty when it could not be bound (errors say why). */
    public static Optional<Spec> bind(YamlNode document, List<ValidationError> errors, SourceMap.Builder sources) {
        DocumentContext ctx = new DocumentContext(errors, sources);
        if (!(document instanceof YamlNode.Mapping map)) {
            ctx.error(document.location(), "", "a document must be a mapping with a 'kind' key, not "
                    + YamlNode.describe(document));
            return Optional.empty();
        }
        MapReader reader = new MapReader(map, "", ctx);
        Optional<SpecKind> kind = reader.requiredString("kind").flatMap(k -> kind(reader, k));
        Optional<String> name = reader.requiredString("name");
        if (kind.isEmpty() || name.isEmpty()) {
            return Optional.empty();
        }
        ctx.object(kind.get(), name.get());
        Optional<? extends Spec> spec = switch (kind.get()) {
            case ENTITY -> EntityBinder.bind(reader, name.get(), ctx);
            case SOURCE -> SourceBinder.bind(reader, name.get(), ctx);
            case FEATURE_VIEW -> ViewBinder.bind(reader, name.get(), ctx);
            case ON_DEMAND_FEATURE -> OnDemandBinder.bind(reader, name.get());
            case FEATURE_SERVICE -> ServiceBinder.bind(reader, name.get());
        };
        spec.ifPresent(s -> {
            Map<String, Location> locations = new HashMap<>();
            Map<String, SourceMap.TextBlock> blocks = new HashMap<>();
            collect(map, "", locations, blocks);
            sources.document(s, locations, blocks);
        });
        return spec.map(Spec.class::cast);
    }

    private static Optional<SpecKind> kind(MapReader reader, String text) {
        int i = KINDS.indexOf(text);
        if (i < 0) {
            reader.error("kind", "unknown kind '" + text + "'" + Suggestions.hint(text, KINDS) + "; kinds are "
                    + String.join(", ", KINDS));
            return Optional.empty();
        }
        return Optional.of(SpecKind.values()[i]);
    }

    /**
     * Every path of the document (e.g. {@code features[2].hop}) with the position of its value, and
     * the paths of block scalars with where their lines are.
     */
    private static void collect(YamlNode node, String path, Map<String, Location> locations,
            Map<String, SourceMap.TextBlock> blocks) {
        locations.put(path, node.location());
        switch (node) {
            case YamlNode.Mapping m -> m.entries().values().forEach(e ->
                    collect(e.value(), path.isEmpty() ? e.key() : path + "." + e.key(), locations, blocks));
            case YamlNode.Sequence s -> {
                for (int i = 0; i < s.items().size(); i++) {
                    collect(s.items().get(i), path + "[" + i + "]", locations, blocks);
                }
            }
            case YamlNode.Scalar s -> {
                if (s.block() != null) {
                    blocks.put(path, s.block());
                }
            }
        }
    }
}
