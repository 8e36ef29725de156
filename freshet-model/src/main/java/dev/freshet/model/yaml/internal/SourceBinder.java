package dev.freshet.model.yaml.internal;

import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import dev.freshet.model.spec.SourceKind;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.model.spec.SpecKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code kind: source}: {@code name}, {@code type} (stream or batch), {@code schema} (mapping of
 * field name to type, or to {@code {type: T, nullable: true}}), {@code event_time_field},
 * {@code allowed_lateness}, {@code max_future_skew}, {@code availability_delay}, {@code options},
 * {@code description}.
 */
final class SourceBinder {
    static final List<String> KEYS = List.of("kind", "name", "description", "type", "schema", "event_time_field",
            "allowed_lateness", "availability_delay", "max_future_skew", "options");
    private static final List<String> FIELD_KEYS = List.of("type", "nullable");

    private SourceBinder() {
    }

    static Optional<SourceSpec> bind(MapReader r, String name, DocumentContext ctx) {
        r.checkKeys(KEYS);
        Optional<SourceKind> kind = r.requiredString("type").flatMap(t -> switch (t) {
            case "stream" -> Optional.of(SourceKind.STREAM);
            case "batch" -> Optional.of(SourceKind.BATCH);
            default -> {
                r.error("type", "unknown source type '" + t + "'; a source is a stream or a batch source");
                yield Optional.empty();
            }
        });
        List<Field> fields = new ArrayList<>();
        r.mapping("schema").ifPresent(m -> m.entries().values().forEach(e ->
                field(r, "schema." + e.key(), e).ifPresentOrElse(fields::add,
                        () -> ctx.sources().declareField(SpecKind.SOURCE, name, e.key()))));
        String eventTime = r.string("event_time_field").orElse(null);
        var lateness = r.duration("allowed_lateness").orElse(null);
        var delay = r.duration("availability_delay").orElse(null);
        var skew = r.duration("max_future_skew").orElse(null);
        var options = r.stringMap("options");
        String description = r.string("description").orElse("");
        SourceSpec spec = kind.map(k -> new SourceSpec(name, k, new Schema(fields), eventTime, lateness, delay, skew,
                options, description)).orElse(null);
        return Optional.ofNullable(spec);
    }

    private static Optional<Field> field(MapReader r, String path, YamlNode.Entry e) {
        if (e.value() instanceof YamlNode.Scalar s && s.kind() != YamlNode.ScalarKind.NULL) {
            return r.fieldType(s.location(), path, s.text()).map(t -> Field.required(e.key(), t));
        }
        if (e.value() instanceof YamlNode.Mapping m) {
            MapReader fr = new MapReader(m, path, r.context());
            fr.checkKeys(FIELD_KEYS);
            Optional<FieldType> type = fr.requiredString("type").flatMap(t -> fr.fieldType(fr.valueLocation("type"),
                    fr.pathOf("type"), t));
            boolean nullable = fr.bool("nullable").orElse(false);
            return fr.failed() ? Optional.empty() : type.map(t -> new Field(e.key(), t, nullable));
        }
        r.error(e.value().location(), path, "a field maps its name to a type, or to {type: T, nullable: true}");
        return Optional.empty();
    }
}
