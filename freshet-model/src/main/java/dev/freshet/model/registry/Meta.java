package dev.freshet.model.registry;

import dev.freshet.model.spec.SpecKind;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What Freshet records about one version of a registered object (the user's part is the
 * {@link dev.freshet.model.spec.Spec}).
 *
 * @param name        object name
 * @param kind        object kind
 * @param version     1 for the first registration, +1 for every changed content
 * @param contentHash SHA-256 (lowercase hex) of the canonical JSON of the spec: equal specs have
 *                    equal hashes whatever their YAML formatting or key order
 * @param createdAt   when the object was first registered (the same for all its versions)
 * @param updatedAt   when this version was registered
 * @param lineage     what the object is built from, as {@code kind:name}: a view lists its source
 *                    and entity, an on-demand feature the views it reads, a service its views and
 *                    on-demand features; empty for entities and sources
 */
public record Meta(
        String name,
        SpecKind kind,
        int version,
        String contentHash,
        Instant createdAt,
        Instant updatedAt,
        List<String> lineage) {
    public Meta {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(contentHash, "contentHash");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        lineage = List.copyOf(lineage);
    }
}
