package dev.freshet.model.registry;

import dev.freshet.model.spec.Spec;
import java.util.Objects;

/** One registered version of an object: the spec as written and Freshet's metadata about it. */
public record RegisteredSpec(Meta meta, Spec spec) {
    public RegisteredSpec {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(spec, "spec");
    }
}
