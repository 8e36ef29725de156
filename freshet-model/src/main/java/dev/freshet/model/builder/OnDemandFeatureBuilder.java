package dev.freshet.model.builder;

import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.OnDemandFeatureSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds an {@link OnDemandFeatureSpec}. */
public final class OnDemandFeatureBuilder {
    private final String name;
    private final List<String> features = new ArrayList<>();
    private final Map<String, FieldType> requestFields = new LinkedHashMap<>();
    private FieldType type;
    private String expression;
    private String description = "";

    OnDemandFeatureBuilder(String name) {
        this.name = name;
    }

    /** The result type; must equal the expression's type. */
    public OnDemandFeatureBuilder type(FieldType resultType) {
        this.type = resultType;
        return this;
    }

    /** The CEL expression; features are named {@code view__feature} in it. */
    public OnDemandFeatureBuilder expression(String cel) {
        this.expression = cel;
        return this;
    }

    /** A feature the expression reads, as {@code view:feature}. */
    public OnDemandFeatureBuilder feature(String ref) {
        features.add(ref);
        return this;
    }

    /** A field the caller passes in the request. */
    public OnDemandFeatureBuilder requestField(String field, FieldType fieldType) {
        requestFields.put(field, fieldType);
        return this;
    }

    public OnDemandFeatureBuilder description(String text) {
        this.description = text;
        return this;
    }

    public OnDemandFeatureSpec build() {
        return new OnDemandFeatureSpec(name, type, expression, features, requestFields, description);
    }
}
