package dev.freshet.aggregation.state;

import java.util.Arrays;
import java.util.List;

/** An entity key of several join-key values, compared by value. */
public final class CompositeKey {
    private final Object[] parts;
    private final int hash;

    public CompositeKey(Object... parts) {
        this.parts = parts.clone();
        this.hash = Arrays.hashCode(this.parts);
    }

    public List<Object> parts() {
        return List.of(parts);
    }

    public int size() {
        return parts.length;
    }

    public Object part(int i) {
        return parts[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CompositeKey c && c.hash == hash && Arrays.equals(c.parts, parts);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return Arrays.toString(parts);
    }
}
