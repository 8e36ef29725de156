package dev.freshet.model.builder;

import dev.freshet.model.spec.SourceKind;

/** Entry point for source builders: {@code Sources.stream("transactions").field(...).eventTime(...)}. */
public final class Sources {
    private Sources() {
    }

    /** A stream source (HTTP push, Kafka topic, file replay). */
    public static SourceBuilder stream(String name) {
        return new SourceBuilder(name, SourceKind.STREAM);
    }

    /** A batch source (file or table read in bulk). */
    public static SourceBuilder batch(String name) {
        return new SourceBuilder(name, SourceKind.BATCH);
    }
}
