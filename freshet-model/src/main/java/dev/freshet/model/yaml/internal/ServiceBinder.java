package dev.freshet.model.yaml.internal;

import dev.freshet.model.spec.FeatureServiceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code kind: feature_service}: {@code name}, {@code features} (list of {@code view:feature},
 * {@code view:*} or on-demand feature names), {@code description}.
 */
final class ServiceBinder {
    static final List<String> KEYS = List.of("kind", "name", "description", "features");

    private ServiceBinder() {
    }

    static Optional<FeatureServiceSpec> bind(MapReader r, String name) {
        r.checkKeys(KEYS);
        List<String> features = stringList(r, "features");
        return Optional.of(new FeatureServiceSpec(name, features, r.string("description").orElse("")));
    }

    /** A list of single values; other items are reported and skipped. */
    static List<String> stringList(MapReader r, String key) {
        List<String> out = new ArrayList<>();
        r.sequence(key).ifPresent(list -> {
            for (int i = 0; i < list.items().size(); i++) {
                YamlNode item = list.items().get(i);
                if (item instanceof YamlNode.Scalar s && s.kind() != YamlNode.ScalarKind.NULL) {
                    out.add(s.text());
                } else {
                    r.error(item.location(), key + "[" + i + "]", "expected a feature reference, not "
                            + YamlNode.describe(item));
                }
            }
        });
        return out;
    }
}
