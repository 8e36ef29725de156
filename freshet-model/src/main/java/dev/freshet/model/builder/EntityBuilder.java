package dev.freshet.model.builder;

import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import java.util.ArrayList;
import java.util.List;

/** Builds an {@link EntitySpec}; join keys keep the order they are added in. */
public final class EntityBuilder {
    private final String name;
    private final List<Field> joinKeys = new ArrayList<>();
    private String description = "";

    EntityBuilder(String name) {
        this.name = name;
    }

    /** Adds a join key (join keys are never nullable). */
    public EntityBuilder joinKey(String field, FieldType type) {
        joinKeys.add(Field.required(field, type));
        return this;
    }

    public EntityBuilder description(String text) {
        this.description = text;
        return this;
    }

    public EntitySpec build() {
        return new EntitySpec(name, joinKeys, description);
    }
}
