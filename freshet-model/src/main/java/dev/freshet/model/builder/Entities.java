package dev.freshet.model.builder;

/** Entry point for entity builders: {@code Entities.entity("card").joinKey("card_id", FieldType.STRING)}. */
public final class Entities {
    private Entities() {
    }

    public static EntityBuilder entity(String name) {
        return new EntityBuilder(name);
    }
}
