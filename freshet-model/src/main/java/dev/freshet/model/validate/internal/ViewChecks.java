package dev.freshet.model.validate.internal;

import dev.freshet.model.expr.ExpressionResult;
import dev.freshet.model.internal.Suggestions;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.BatchFeatureSpec;
import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.Schema;
import dev.freshet.model.spec.SourceKind;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.model.spec.Spec;
import dev.freshet.model.spec.SpecKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A feature view names an existing entity and source, the entity's join keys are source fields of
 * the same type, feature names are unique identifiers, streaming aggregations read stream sources
 * and latest-value features read batch sources.
 */
final class ViewChecks {
    private ViewChecks() {
    }

    static void check(ValidationContext ctx, FeatureViewSpec view) {
        Optional<EntitySpec> entity = resolve(ctx, view, "entity", SpecKind.ENTITY, view.entity(),
                ctx.repo().entities()).flatMap(ctx.repo()::entity);
        Optional<SourceSpec> source = resolve(ctx, view, "source", SpecKind.SOURCE, view.source(),
                ctx.repo().sources()).flatMap(ctx.repo()::source);
        // fields are checked against a schema that could be read (an unreadable one was reported)
        Schema schema = source.filter(s -> !ctx.unreadable(s, "schema")).map(SourceSpec::schema).orElse(null);
        if (entity.isPresent() && schema != null) {
            checkJoinKeys(ctx, view, entity.get(), source.get());
        }
        if (view.aggregations().isEmpty() && view.batchFeatures().isEmpty()
                && !ctx.sources().declaresAnyFeature(view.name())) {
            ctx.missing(view, "features", "a feature view needs at least one feature");
        }
        Map<String, String> seen = new HashMap<>();
        int position = 0;
        for (AggregationSpec agg : view.aggregations()) {
            String path = ctx.elementPath(agg, position++);
            checkFeatureName(ctx, view, path, agg.name(), seen);
            if (source.isPresent() && source.get().sourceKind() != SourceKind.STREAM) {
                ctx.error(view, path + ".function", "streaming aggregations need a stream source; '"
                        + source.get().name() + "' is a batch source");
            }
            AggregationChecks.check(ctx, view, path, agg, schema);
        }
        for (BatchFeatureSpec feature : view.batchFeatures()) {
            String path = ctx.elementPath(feature, position++);
            checkFeatureName(ctx, view, path, feature.name(), seen);
            if (source.isPresent() && source.get().sourceKind() != SourceKind.BATCH) {
                ctx.error(view, path, "feature '" + feature.name() + "' has no function: latest-value features need a"
                        + " batch source, and '" + source.get().name() + "' is a stream; add a function for a streaming aggregation");
            } else if (schema != null) {
                ExpressionResult input = ctx.compile(feature.input(), schema);
                if (!input.ok()) {
                    ctx.error(view, path + ".input", input);
                }
            }
        }
        if (view.ttl() != null && DurationChecks.positive(ctx, view, "ttl", "ttl", view.ttl())
                && view.batchFeatures().isEmpty() && !view.aggregations().isEmpty()) {
            ctx.error(view, "ttl", "ttl applies only to latest-value features of batch sources");
        }
    }

    /** The referenced name when it exists; reports a missing or unknown reference otherwise. */
    private static Optional<String> resolve(ValidationContext ctx, Spec view, String key, SpecKind kind, String name,
            List<? extends Spec> candidates) {
        if (name == null) {
            ctx.missing(view, key, "");
            return Optional.empty();
        }
        if (ctx.repo().spec(kind, name).isPresent()) {
            return Optional.of(name);
        }
        if (!ctx.sources().declaresObject(kind, name)) {
            ctx.error(view, key, "unknown " + Names.kindName(kind) + " '" + name + "'"
                    + Suggestions.hint(name, candidates.stream().map(Spec::name).toList()));
        }
        return Optional.empty();
    }

    private static void checkJoinKeys(ValidationContext ctx, FeatureViewSpec view, EntitySpec entity, SourceSpec source) {
        for (Field key : entity.joinKeys()) {
            Optional<Field> field = source.schema().find(key.name());
            if (field.isEmpty()) {
                if (!ctx.sources().declaresField(SpecKind.SOURCE, source.name(), key.name())) {
                    ctx.error(view, "entity", "join key '" + key.name() + "' of entity '" + entity.name()
                            + "' is not a field of source '" + source.name() + "'");
                }
            } else if (field.get().type() != key.type()) {
                ctx.error(view, "entity", "join key '" + key.name() + "' is " + key.type().yamlName() + " in entity '"
                        + entity.name() + "' but " + field.get().type().yamlName() + " in source '" + source.name() + "'");
            }
        }
    }

    private static void checkFeatureName(ValidationContext ctx, FeatureViewSpec view, String path, String name,
            Map<String, String> seen) {
        Names.checkIdentifier(ctx, view, path + ".name", "feature", name, true);
        String first = seen.putIfAbsent(name, path);
        if (first != null) {
            ctx.error(view, path + ".name", "duplicate feature name '" + name + "' (also " + first + ")");
        }
    }
}
