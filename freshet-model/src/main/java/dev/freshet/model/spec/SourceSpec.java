package dev.freshet.model.spec;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where events come from.
 *
 * @param name              unique name
 * @param sourceKind        stream (pushed over HTTP, Kafka topic, file replay) or batch (file, JDBC table)
 * @param schema            typed fields of every event
 * @param eventTimeField    name of the field carrying event time (type timestamp or int64 epoch millis)
 * @param allowedLateness   events older than (max event time seen in the partition - lateness) are
 *                          not applied; they go to the dead-letter store
 * @param availabilityDelay for historical imports: available_at = event_time + delay
 * @param maxFutureSkew     events whose event time is further than this ahead of the accept time are rejected
 * @param options           connector settings (e.g. {@code topic}, {@code path}, {@code format}, {@code jdbc_url})
 * @param description       free text
 */
public record SourceSpec(
        String name,
        SourceKind sourceKind,
        Schema schema,
        String eventTimeField,
        Duration allowedLateness,
        Duration availabilityDelay,
        Duration maxFutureSkew,
        Map<String, String> options,
        String description) implements Spec {

    /** Default allowed lateness when a source does not say. */
    public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ofMinutes(5);
    /** Default maximum future skew when a source does not say. */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(5);

    public SourceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sourceKind, "sourceKind");
        Objects.requireNonNull(schema, "schema");
        allowedLateness = allowedLateness == null ? DEFAULT_ALLOWED_LATENESS : allowedLateness;
        availabilityDelay = availabilityDelay == null ? Duration.ZERO : availabilityDelay;
        maxFutureSkew = maxFutureSkew == null ? DEFAULT_MAX_FUTURE_SKEW : maxFutureSkew;
        options = options == null ? Map.of() : Map.copyOf(options);
        description = description == null ? "" : description;
    }

    @Override
    public SpecKind kind() {
        return SpecKind.SOURCE;
    }

    /** Index of the event-time field in the schema (validation guarantees it exists). */
    public int eventTimeIndex() {
        return schema.indexOf(eventTimeField);
    }
}
