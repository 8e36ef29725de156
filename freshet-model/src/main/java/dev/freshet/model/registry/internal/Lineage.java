package dev.freshet.model.registry.internal;

import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.FeatureRef;
import dev.freshet.model.spec.FeatureServiceSpec;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.OnDemandFeatureSpec;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.model.spec.Spec;
import dev.freshet.model.spec.SpecKind;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an object is built from, as {@code kind:name}, derived from the spec alone: view → source,
 * entity; on-demand feature → the views it reads; service → its views and on-demand features.
 */
public final class Lineage {
    private Lineage() {
    }

    public static List<String> of(Spec spec) {
        Set<String> out = new LinkedHashSet<>();
        switch (spec) {
            case EntitySpec e -> {
            }
            case SourceSpec s -> {
            }
            case FeatureViewSpec v -> {
                add(out, SpecKind.SOURCE, v.source());
                add(out, SpecKind.ENTITY, v.entity());
            }
            case OnDemandFeatureSpec o -> o.features().forEach(ref ->
                    FeatureRef.parse(ref).ifPresent(r -> add(out, SpecKind.FEATURE_VIEW, r.view())));
            case FeatureServiceSpec s -> s.features().forEach(ref -> {
                Optional<FeatureRef> parsed = FeatureRef.parse(ref);
                if (parsed.isPresent()) {
                    add(out, SpecKind.FEATURE_VIEW, parsed.get().view());
                } else {
                    add(out, SpecKind.ON_DEMAND_FEATURE, ref);
                }
            });
        }
        return List.copyOf(out);
    }

    private static void add(Set<String> out, SpecKind kind, String name) {
        if (name != null) {
            out.add(SpecCodec.kindName(kind) + ":" + name);
        }
    }
}
