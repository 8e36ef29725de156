package dev.freshet.model.validate.internal;

import dev.freshet.model.internal.Suggestions;
import dev.freshet.model.spec.FeatureRef;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.Spec;
import dev.freshet.model.spec.SpecKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Resolves {@code view:feature} references of on-demand features and services, reporting dangling ones. */
final class FeatureRefs {
    private FeatureRefs() {
    }

    /**
     * The view of a reference when it and (unless {@code *}) its feature exist. Reports unknown views
     * and features, except those that were declared but failed to load (already reported).
     */
    static Optional<FeatureViewSpec> resolve(ValidationContext ctx, Spec owner, String path, FeatureRef ref) {
        Optional<FeatureViewSpec> view = ctx.repo().featureView(ref.view());
        if (view.isEmpty()) {
            if (!ctx.sources().declaresObject(SpecKind.FEATURE_VIEW, ref.view())) {
                ctx.error(owner, path, "unknown feature view '" + ref.view() + "' in '" + ref + "'"
                        + Suggestions.hint(ref.view(), ctx.repo().featureViews().stream().map(Spec::name).toList()));
            }
            return Optional.empty();
        }
        if (ref.isWildcard()) {
            return view;
        }
        List<String> names = featureNames(view.get());
        if (!names.contains(ref.feature())) {
            if (!ctx.sources().declaresFeature(ref.view(), ref.feature()) && !ctx.unreadable(view.get(), "features")) {
                ctx.error(owner, path, "unknown feature '" + ref + "': view '" + ref.view() + "' has no feature '"
                        + ref.feature() + "'" + Suggestions.hint(ref.feature(), names));
            }
            return Optional.empty();
        }
        return view;
    }

    static List<String> featureNames(FeatureViewSpec view) {
        List<String> names = new ArrayList<>();
        view.aggregations().forEach(a -> names.add(a.name()));
        view.batchFeatures().forEach(b -> names.add(b.name()));
        return names;
    }
}
