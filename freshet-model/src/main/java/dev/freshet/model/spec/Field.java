package dev.freshet.model.spec;

import java.util.Objects;

/**
 * A named, typed field of a schema or a join key.
 *
 * @param name     field name as it appears in event payloads
 * @param type     value type
 * @param nullable whether events may omit the field or send {@code null}
 */
public record Field(String name, FieldType type, boolean nullable) {
    public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    public static Field required(String name, FieldType type) {
        return new Field(name, type, false);
    }

    public static Field optional(String name, FieldType type) {
        return new Field(name, type, true);
    }
}
