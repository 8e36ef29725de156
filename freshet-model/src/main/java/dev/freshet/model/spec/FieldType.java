package dev.freshet.model.spec;

import java.util.Locale;
import java.util.Optional;

/**
 * Types a field of a source schema, a join key or a feature value can have.
 *
 * <p>YAML spellings: {@code string}, {@code int64} (alias {@code long}, {@code int}), {@code float64}
 * (alias {@code double}, {@code float}), {@code bool} (alias {@code boolean}), {@code timestamp}
 * (epoch milliseconds, or an ISO-8601 instant in JSON input).
 */
public enum FieldType {
    STRING, INT64, FLOAT64, BOOL, TIMESTAMP;

    /** True for types that aggregate as numbers (timestamps are epoch millis). */
    public boolean isNumeric() {
        return this == INT64 || this == FLOAT64 || this == TIMESTAMP;
    }

    /** The YAML name of this type. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a YAML type name (case-insensitive, with the aliases above). */
    public static Optional<FieldType> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "string", "str" -> Optional.of(STRING);
            case "int64", "long", "int", "integer" -> Optional.of(INT64);
            case "float64", "double", "float" -> Optional.of(FLOAT64);
            case "bool", "boolean" -> Optional.of(BOOL);
            case "timestamp" -> Optional.of(TIMESTAMP);
            default -> Optional.empty();
        };
    }
}
