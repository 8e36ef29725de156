package dev.freshet.model.builder;

import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import dev.freshet.model.spec.SourceKind;
import dev.freshet.model.spec.SourceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link SourceSpec}. Schema fields keep the order they are added in; unset durations take
 * the {@link SourceSpec} defaults.
 */
public final class SourceBuilder {
    private final String name;
    private final SourceKind kind;
    private final List<Field> fields = new ArrayList<>();
    private final Map<String, String> options = new LinkedHashMap<>();
    private String eventTimeField;
    private Duration allowedLateness;
    private Duration availabilityDelay;
    private Duration maxFutureSkew;
    private String description = "";

    SourceBuilder(String name, SourceKind kind) {
        this.name = name;
        this.kind = kind;
    }

    /** Adds a required (non-nullable) field. */
    public SourceBuilder field(String field, FieldType type) {
        fields.add(Field.required(field, type));
        return this;
    }

    /** Adds a nullable field. */
    public SourceBuilder optionalField(String field, FieldType type) {
        fields.add(Field.optional(field, type));
        return this;
    }

    public SourceBuilder field(Field field) {
        fields.add(field);
        return this;
    }

    /** Names the field carrying event time (timestamp or int64 epoch millis). */
    public SourceBuilder eventTime(String field) {
        this.eventTimeField = field;
        return this;
    }

    public SourceBuilder allowedLateness(Duration lateness) {
        this.allowedLateness = lateness;
        return this;
    }

    public SourceBuilder availabilityDelay(Duration delay) {
        this.availabilityDelay = delay;
        return this;
    }

    public SourceBuilder maxFutureSkew(Duration skew) {
        this.maxFutureSkew = skew;
        return this;
    }

    /** A connector setting (e.g. {@code topic}, {@code path}, {@code format}). */
    public SourceBuilder option(String key, String value) {
        options.put(key, value);
        return this;
    }

    public SourceBuilder description(String text) {
        this.description = text;
        return this;
    }

    public SourceSpec build() {
        return new SourceSpec(name, kind, new Schema(fields), eventTimeField, allowedLateness, availabilityDelay,
                maxFutureSkew, options, description);
    }
}
