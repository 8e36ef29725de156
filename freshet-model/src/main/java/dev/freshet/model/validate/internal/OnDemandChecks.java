package dev.freshet.model.validate.internal;

import dev.freshet.model.expr.ExpressionCompiler;
import dev.freshet.model.expr.ExpressionResult;
import dev.freshet.model.spec.FeatureRef;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.OnDemandFeatureSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An on-demand feature has a type and an expression; its features resolve to single-valued view
 * features; its variables (request fields and {@code view__feature} names) do not collide; and the
 * expression type-checks over them with the declared result type.
 */
final class OnDemandChecks {
    private OnDemandChecks() {
    }

    static void check(ValidationContext ctx, OnDemandFeatureSpec spec) {
        if (spec.type() == null) {
            ctx.missing(spec, "type", "");
        }
        Map<String, FieldType> variables = new HashMap<>();
        spec.requestFields().forEach((name, type) -> {
            Names.checkIdentifier(ctx, spec, "request_fields." + name, "request field", name, false);
            variables.put(name, type);
        });
        boolean allResolved = true;
        List<String> features = spec.features();
        for (int i = 0; i < features.size(); i++) {
            String path = "features[" + i + "]";
            String text = features.get(i);
            Optional<FeatureRef> ref = FeatureRef.parse(text);
            if (ref.isEmpty() || ref.get().isWildcard()) {
                ctx.error(spec, path, "'" + text + "' is not a feature reference; write view:feature");
                allResolved = false;
                continue;
            }
            if (FeatureRefs.resolve(ctx, spec, path, ref.get()).isEmpty()) {
                allResolved = false;
                continue;
            }
            Optional<FieldType> type = ctx.featureType(ref.get());
            String variable = ref.get().variableName();
            if (type.isEmpty()) {
                ctx.error(spec, path, "feature '" + text + "' has no single-valued type (last_n and top_k give lists,"
                        + " and invalid inputs have none); on-demand expressions cannot read it");
                allResolved = false;
            } else if (variables.putIfAbsent(variable, type.get()) != null) {
                ctx.error(spec, path, "variable '" + variable + "' is declared twice (as a request field or an earlier feature)");
            }
        }
        if (spec.expression() == null || spec.expression().isBlank()) {
            ctx.missing(spec, "expression", "");
            return;
        }
        if (!allResolved) {
            return;
        }
        ExpressionResult result = ctx.compile(spec.expression(), ExpressionCompiler.variables(variables));
        if (!result.ok()) {
            ctx.error(spec, "expression", result);
        } else if (spec.type() != null && result.expr().type() != spec.type()) {
            ctx.error(spec, "type", "expression has type " + result.expr().type().yamlName() + " but type is "
                    + spec.type().yamlName());
        }
    }
}
