package dev.freshet.offline.io;

import dev.freshet.model.spec.FieldType;
import java.util.Objects;

/**
 * A feature column of a training set.
 *
 * @param name the column name; the writer adds a second column {@code <name>__status}
 * @param type the value type, or {@code null} for JSON (lists and maps written as JSON text)
 */
public record OutputColumn(String name, FieldType type) {
    public OutputColumn {
        Objects.requireNonNull(name, "name");
    }

    /** A feature whose values are written as JSON text. */
    public static OutputColumn json(String name) {
        return new OutputColumn(name, null);
    }
}
