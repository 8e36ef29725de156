package dev.freshet.model.yaml.internal;

import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.OnDemandFeatureSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code kind: on_demand_feature}: {@code name}, {@code type}, {@code expression},
 * {@code request_fields} (mapping of field name to type), {@code features} (list of
 * {@code view:feature}), {@code description}. Dropped whole when a type, the request fields or
 * the features cannot be read, since its expression could not be checked; a missing type (absent
 * or {@code type:} with no value) is reported by the validator, which still checks the expression.
 */
final class OnDemandBinder {
    static final List<String> KEYS = List.of("kind", "name", "description", "type", "expression", "request_fields",
            "features");

    private OnDemandBinder() {
    }

    static Optional<OnDemandFeatureSpec> bind(MapReader r, String name) {
        r.checkKeys(KEYS);
        FieldType type = r.string("type").flatMap(t -> r.fieldType(r.valueLocation("type"), "type", t)).orElse(null);
        Map<String, FieldType> requestFields = new LinkedHashMap<>();
        // type: with no value is kept (as a null type) so the checks report it and still check the expression
        boolean[] typesFailed = {r.has("type") && !r.isNull("type") && type == null};
        r.mapping("request_fields").ifPresent(m -> m.entries().values().forEach(e -> {
            String path = "request_fields." + e.key();
            Optional<FieldType> t = Optional.empty();
            if (e.value() instanceof YamlNode.Scalar s && s.kind() != YamlNode.ScalarKind.NULL) {
                t = r.fieldType(s.location(), path, s.text());
            } else {
                r.error(e.value().location(), path, "a request field maps its name to a type");
            }
            t.ifPresentOrElse(v -> requestFields.put(e.key(), v), () -> typesFailed[0] = true);
        }));
        List<String> features = ServiceBinder.stringList(r, "features");
        String expression = r.string("expression").orElse(null);
        String description = r.string("description").orElse("");
        if (typesFailed[0] || r.unreadable("request_fields") || r.unreadable("features")) {
            return Optional.empty();
        }
        return Optional.of(new OnDemandFeatureSpec(name, type, expression, features, requestFields, description));
    }
}
