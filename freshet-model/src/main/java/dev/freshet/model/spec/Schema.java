package dev.freshet.model.spec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An ordered list of fields. Field positions are stable: rows ({@link dev.freshet.model.expr.Row})
 * address fields by index into this list, so hot paths never look names up.
 */
public record Schema(List<Field> fields) {
    public Schema {
        fields = List.copyOf(fields);
    }

    public static Schema of(Field... fields) {
        return new Schema(List.of(fields));
    }

    public int size() {
        return fields.size();
    }

    public Field field(int index) {
        return fields.get(index);
    }

    /** Index of the field with this name, or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public Optional<Field> find(String name) {
        int i = indexOf(name);
        return i < 0 ? Optional.empty() : Optional.of(fields.get(i));
    }

    /** Name to type, for declaring expression variables. */
    public Map<String, FieldType> types() {
        Map<String, FieldType> m = new HashMap<>();
        for (Field f : fields) {
            m.put(f.name(), f.type());
        }
        return m;
    }
}
