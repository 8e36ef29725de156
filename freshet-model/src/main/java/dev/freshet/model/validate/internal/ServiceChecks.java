package dev.freshet.model.validate.internal;

import dev.freshet.model.internal.Suggestions;
import dev.freshet.model.spec.FeatureRef;
import dev.freshet.model.spec.FeatureServiceSpec;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.OnDemandFeatureSpec;
import dev.freshet.model.spec.Spec;
import dev.freshet.model.spec.SpecKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A feature service lists at least one feature; every reference resolves ({@code view:feature},
 * {@code view:*} or an on-demand feature name); and no two served features have the same name,
 * since a served vector names its values by bare feature name.
 */
final class ServiceChecks {
    private ServiceChecks() {
    }

    static void check(ValidationContext ctx, FeatureServiceSpec service) {
        if (service.features().isEmpty()) {
            ctx.missing(service, "features", "a feature service needs at least one feature");
        }
        Map<String, String> servedBy = new HashMap<>();
        List<String> refs = service.features();
        for (int i = 0; i < refs.size(); i++) {
            String path = "features[" + i + "]";
            String text = refs.get(i);
            if (text.contains(FeatureRef.SEPARATOR)) {
                Optional<FeatureRef> ref = FeatureRef.parse(text);
                if (ref.isEmpty()) {
                    ctx.error(service, path, "'" + text + "' is not a feature reference; write view:feature, view:* or"
                            + " an on-demand feature name");
                    continue;
                }
                Optional<FeatureViewSpec> view = FeatureRefs.resolve(ctx, service, path, ref.get());
                if (view.isEmpty()) {
                    continue;
                }
                List<String> names = ref.get().isWildcard() ? FeatureRefs.featureNames(view.get())
                        : List.of(ref.get().feature());
                for (String name : names) {
                    served(ctx, service, path, name, new FeatureRef(view.get().name(), name).toString(), servedBy);
                }
            } else {
                Optional<OnDemandFeatureSpec> onDemand = ctx.repo().onDemandFeature(text);
                if (onDemand.isPresent()) {
                    served(ctx, service, path, text, text, servedBy);
                } else if (!ctx.sources().declaresObject(SpecKind.ON_DEMAND_FEATURE, text)) {
                    String hint = ctx.repo().featureView(text).isPresent()
                            ? " ('" + text + "' is a feature view: write '" + text + ":*' for all its features)"
                            : Suggestions.hint(text, ctx.repo().onDemandFeatures().stream().map(Spec::name).toList());
                    ctx.error(service, path, "unknown on-demand feature '" + text + "'" + hint);
                }
            }
        }
    }

    private static void served(ValidationContext ctx, FeatureServiceSpec service, String path, String name,
            String ref, Map<String, String> servedBy) {
        String first = servedBy.putIfAbsent(name, ref);
        if (first != null) {
            ctx.error(service, path, first.equals(ref)
                    ? "feature '" + ref + "' is listed twice"
                    : "feature name '" + name + "' is served twice (" + first + " and " + ref
                            + "); names must be unique within a service");
        }
    }
}
