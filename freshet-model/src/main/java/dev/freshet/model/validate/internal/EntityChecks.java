package dev.freshet.model.validate.internal;

import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.SpecKind;
import java.util.HashSet;
import java.util.Set;

/** An entity has at least one join key, each an identifier, none twice. */
final class EntityChecks {
    private EntityChecks() {
    }

    static void check(ValidationContext ctx, EntitySpec entity) {
        if (entity.joinKeys().isEmpty() && !ctx.sources().declaresAnyField(SpecKind.ENTITY, entity.name())) {
            ctx.missing(entity, "join_keys", "an entity needs at least one join key");
        }
        Set<String> seen = new HashSet<>();
        for (Field key : entity.joinKeys()) {
            String path = "join_keys." + key.name();
            Names.checkIdentifier(ctx, entity, path, "join key", key.name(), false);
            if (!seen.add(key.name())) {
                ctx.error(entity, path, "duplicate join key '" + key.name() + "'");
            }
        }
    }
}
