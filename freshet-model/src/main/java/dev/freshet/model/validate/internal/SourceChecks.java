package dev.freshet.model.validate.internal;

import dev.freshet.model.internal.Suggestions;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.model.spec.SpecKind;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A source has a schema of uniquely named identifier fields, an event-time field of type timestamp
 * or int64 that exists in it (so has its optional {@code created_timestamp_field}, the tie-breaker of
 * batch rows with equal event times), and non-negative whole-millisecond durations.
 */
final class SourceChecks {
    /** The source option naming the field that orders batch rows with equal event times. */
    static final String CREATED_FIELD_OPTION = "created_timestamp_field";
    private SourceChecks() {
    }

    static void check(ValidationContext ctx, SourceSpec source) {
        if (source.schema().size() == 0 && !ctx.sources().declaresAnyField(SpecKind.SOURCE, source.name())) {
            ctx.missing(source, "schema", "a source needs at least one field");
        }
        Set<String> seen = new HashSet<>();
        for (Field field : source.schema().fields()) {
            String path = "schema." + field.name();
            Names.checkIdentifier(ctx, source, path, "field", field.name(), false);
            if (!seen.add(field.name())) {
                ctx.error(source, path, "duplicate field '" + field.name() + "'");
            }
        }
        checkEventTime(ctx, source);
        String created = source.options().get(CREATED_FIELD_OPTION);
        if (created != null) {
            checkTimeField(ctx, source, "options." + CREATED_FIELD_OPTION, "created-timestamp field", created);
        }
        DurationChecks.nonNegative(ctx, source, "allowed_lateness", "allowed_lateness", source.allowedLateness());
        DurationChecks.nonNegative(ctx, source, "availability_delay", "availability_delay", source.availabilityDelay());
        DurationChecks.nonNegative(ctx, source, "max_future_skew", "max_future_skew", source.maxFutureSkew());
    }

    private static void checkEventTime(ValidationContext ctx, SourceSpec source) {
        String name = source.eventTimeField();
        if (name == null) {
            ctx.missing(source, "event_time_field", "");
            return;
        }
        checkTimeField(ctx, source, "event_time_field", "event-time field", name);
    }

    /** {@code name} (given at {@code path}) must be a schema field of type timestamp or int64. */
    private static void checkTimeField(ValidationContext ctx, SourceSpec source, String path, String what, String name) {
        Optional<Field> field = source.schema().find(name);
        if (field.isEmpty()) {
            if (!ctx.sources().declaresField(SpecKind.SOURCE, source.name(), name) && !ctx.unreadable(source, "schema")) {
                ctx.error(source, path, "unknown " + what + " '" + name + "'"
                        + Suggestions.hint(name, source.schema().types().keySet()));
            }
            return;
        }
        FieldType type = field.get().type();
        if (type != FieldType.TIMESTAMP && type != FieldType.INT64) {
            ctx.error(source, path, what + " '" + name + "' has type " + type.yamlName()
                    + "; it must be timestamp or int64 (epoch milliseconds)");
        }
    }
}
