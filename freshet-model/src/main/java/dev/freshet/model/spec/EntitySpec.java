package dev.freshet.model.spec;

import java.util.List;
import java.util.Objects;

/**
 * An entity: the thing features describe (a card, a user, a device). Its join keys, in order, form
 * the entity key; composite keys have more than one.
 *
 * @param name        unique name within the repository
 * @param joinKeys    typed key fields; their names must exist in every source feeding the entity
 * @param description free text for catalogs
 */
public record EntitySpec(String name, List<Field> joinKeys, String description) implements Spec {
    public EntitySpec {
        Objects.requireNonNull(name, "name");
        joinKeys = List.copyOf(joinKeys);
        description = description == null ? "" : description;
    }

    @Override
    public SpecKind kind() {
        return SpecKind.ENTITY;
    }
}
