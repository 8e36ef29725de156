package dev.freshet.model.yaml.internal;

import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.BatchFeatureSpec;
import dev.freshet.model.spec.FeatureViewSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code kind: feature_view}: {@code name}, {@code entity}, {@code source}, {@code features} (list;
 * see {@link FeatureBinder}), {@code ttl}, {@code tags}, {@code description}. The view is kept even
 * when some features fail to bind; those are declared so references to them stay quiet.
 */
final class ViewBinder {
    static final List<String> KEYS = List.of("kind", "name", "description", "entity", "source", "features", "ttl",
            "tags");

    private ViewBinder() {
    }

    static Optional<FeatureViewSpec> bind(MapReader r, String name, DocumentContext ctx) {
        r.checkKeys(KEYS);
        List<AggregationSpec> aggregations = new ArrayList<>();
        List<BatchFeatureSpec> batchFeatures = new ArrayList<>();
        r.sequence("features").ifPresent(list -> {
            for (int i = 0; i < list.items().size(); i++) {
                String path = "features[" + i + "]";
                YamlNode item = list.items().get(i);
                if (!(item instanceof YamlNode.Mapping m)) {
                    r.error(item.location(), path, "a feature is a mapping with at least a name, not "
                            + YamlNode.describe(item));
                    continue;
                }
                MapReader fr = new MapReader(m, path, ctx);
                Optional<String> featureName = fr.requiredString("name");
                featureName.ifPresent(f -> ctx.sources().declareFeature(name, f));
                Optional<Object> feature = featureName.flatMap(f -> FeatureBinder.bind(fr, f));
                feature.ifPresent(f -> {
                    ctx.sources().element(f, path);
                    if (f instanceof AggregationSpec a) {
                        aggregations.add(a);
                    } else {
                        batchFeatures.add((BatchFeatureSpec) f);
                    }
                });
            }
        });
        String entity = r.string("entity").orElse(null);
        String source = r.string("source").orElse(null);
        Duration ttl = r.duration("ttl").orElse(null);
        Map<String, String> tags = r.stringMap("tags");
        String description = r.string("description").orElse("");
        return Optional.of(new FeatureViewSpec(name, entity, source, aggregations, batchFeatures, ttl, tags, description));
    }
}
