package dev.freshet.model.yaml.internal;

import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.SpecKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code kind: entity}: {@code name}, {@code join_keys} (mapping of key name to type, in key
 * order), {@code description}.
 */
final class EntityBinder {
    static final List<String> KEYS = List.of("kind", "name", "description", "join_keys");

    private EntityBinder() {
    }

    static Optional<EntitySpec> bind(MapReader r, String name, DocumentContext ctx) {
        r.checkKeys(KEYS);
        List<Field> keys = new ArrayList<>();
        r.mapping("join_keys").ifPresent(m -> m.entries().values().forEach(e -> {
            String path = "join_keys." + e.key();
            Optional<Field> key = Optional.empty();
            if (e.value() instanceof YamlNode.Scalar s && s.kind() != YamlNode.ScalarKind.NULL) {
                key = r.fieldType(s.location(), path, s.text()).map(t -> Field.required(e.key(), t));
            } else {
                r.error(e.value().location(), path, "a join key maps its name to a type ("
                        + String.join(", ", MapReader.TYPE_NAMES) + ")");
            }
            key.ifPresentOrElse(keys::add, () -> ctx.sources().declareField(SpecKind.ENTITY, name, e.key()));
        }));
        return Optional.of(new EntitySpec(name, keys, r.string("description").orElse("")));
    }
}
