package dev.freshet.model.validate;

import dev.freshet.model.spec.SpecKind;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where each object of a loaded repository was written, so validation errors can name a file,
 * line and column. Objects are keyed by identity (two equal specs from different files keep their
 * own locations). Builder-made repositories use {@link #EMPTY}.
 *
 * <p>It also remembers what was <em>declared</em> even when it could not be bound (an entity whose
 * YAML was malformed, a feature with an unknown function): references to those are not reported
 * again as unknown, because their own error already was. Likewise a key that was written but could
 * not be read ({@code join_keys: card_id}, where a mapping belongs) is <em>unreadable</em>: its
 * absence and the checks that depend on its value are not reported.
 */
public final class SourceMap {
    /** No locations: every error is reported at {@value ValidationError#BUILDER}. */
    public static final SourceMap EMPTY = builder().build();

    /** A position in a file; line and column are 1-based. */
    public record Location(String file, int line, int column) {
    }

    /**
     * Where the text of a block scalar value ({@code |} or {@code >}) was written: its first
     * {@code lines} lines are the file's lines from {@code firstLine} on, each after {@code indent}
     * columns of indentation (a folded scalar's lines stop matching where it folded two lines).
     */
    public record TextBlock(int firstLine, int indent, int lines) {
    }

    private final Map<Object, Map<String, Location>> locations;
    private final Map<Object, Map<String, TextBlock>> textBlocks;
    private final Map<Object, String> elementPaths;
    private final Map<SpecKind, Set<String>> declaredObjects;
    private final Map<String, Set<String>> declaredFeatures;
    private final Map<Owner, Set<String>> declaredFields;
    private final Map<Owner, Set<String>> unreadableKeys;

    /**
     * An object, by kind and name (kinds have separate namespaces): the owner of fields (a source's
     * schema, an entity's join keys) and of unreadable keys.
     */
    private record Owner(SpecKind kind, String name) {
    }

    private SourceMap(Builder b) {
        this.locations = new IdentityHashMap<>(b.locations);
        this.textBlocks = new IdentityHashMap<>(b.textBlocks);
        this.elementPaths = new IdentityHashMap<>(b.elementPaths);
        this.declaredObjects = new EnumMap<>(SpecKind.class);
        b.declaredObjects.forEach((k, v) -> declaredObjects.put(k, Set.copyOf(v)));
        this.declaredFeatures = new HashMap<>();
        b.declaredFeatures.forEach((k, v) -> declaredFeatures.put(k, Set.copyOf(v)));
        this.declaredFields = new HashMap<>();
        b.declaredFields.forEach((k, v) -> declaredFields.put(k, Set.copyOf(v)));
        this.unreadableKeys = new HashMap<>();
        b.unreadableKeys.forEach((k, v) -> unreadableKeys.put(k, Set.copyOf(v)));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The location of {@code path} inside the document of {@code spec}; when that exact path was not
     * written (a missing key), the location of its closest written ancestor.
     */
    public Optional<Location> locate(Object spec, String path) {
        Map<String, Location> map = locations.get(spec);
        if (map == null) {
            return Optional.empty();
        }
        String p = path;
        while (true) {
            Location l = map.get(p);
            if (l != null || p.isEmpty()) {
                return Optional.ofNullable(l);
            }
            p = parent(p);
        }
    }

    /**
     * The file position of {@code line} and {@code column} (1-based) of the text written at
     * {@code path}, when that text is a block scalar whose line was written verbatim in the file;
     * empty otherwise (a single-line value, a folded line, a builder-made object).
     */
    public Optional<Location> locateInText(Object spec, String path, int line, int column) {
        TextBlock block = textBlocks.getOrDefault(spec, Map.of()).get(path);
        Optional<Location> value = Optional.ofNullable(locations.get(spec)).map(m -> m.get(path));
        if (block == null || value.isEmpty() || line < 1 || line > block.lines() || column < 1) {
            return Optional.empty();
        }
        return Optional.of(new Location(value.get().file(), block.firstLine() + line - 1, block.indent() + column));
    }

    /** The path of a list element (e.g. an aggregation) inside its object's document, e.g. {@code features[2]}. */
    public Optional<String> elementPath(Object element) {
        return Optional.ofNullable(elementPaths.get(element));
    }

    public boolean declaresObject(SpecKind kind, String name) {
        return declaredObjects.getOrDefault(kind, Set.of()).contains(name);
    }

    /** Whether the view declared a feature of this name (bound or not). */
    public boolean declaresFeature(String view, String feature) {
        return declaredFeatures.getOrDefault(view, Set.of()).contains(feature);
    }

    /** Whether the view declared any feature at all (bound or not). */
    public boolean declaresAnyFeature(String view) {
        return !declaredFeatures.getOrDefault(view, Set.of()).isEmpty();
    }

    /**
     * Whether a source's schema (kind {@link SpecKind#SOURCE}) or an entity's join keys (kind
     * {@link SpecKind#ENTITY}) declared a field of this name, bound or not.
     */
    public boolean declaresField(SpecKind kind, String owner, String field) {
        return declaredFields.getOrDefault(new Owner(kind, owner), Set.of()).contains(field);
    }

    /** Whether a source's schema or an entity's join keys declared any field, bound or not. */
    public boolean declaresAnyField(SpecKind kind, String owner) {
        return !declaredFields.getOrDefault(new Owner(kind, owner), Set.of()).isEmpty();
    }

    /**
     * Whether {@code key} (a path inside the object, e.g. {@code schema} or {@code features[0].input})
     * was written but could not be read; its error was reported by the loader.
     */
    public boolean unreadable(SpecKind kind, String name, String key) {
        return unreadableKeys.getOrDefault(new Owner(kind, name), Set.of()).contains(key);
    }

    static String parent(String path) {
        int dot = path.lastIndexOf('.');
        int bracket = path.lastIndexOf('[');
        int cut = Math.max(dot, bracket);
        return cut <= 0 ? "" : path.substring(0, cut);
    }

    /** Filled by the YAML loader. */
    public static final class Builder {
        private final Map<Object, Map<String, Location>> locations = new IdentityHashMap<>();
        private final Map<Object, Map<String, TextBlock>> textBlocks = new IdentityHashMap<>();
        private final Map<Object, String> elementPaths = new IdentityHashMap<>();
        private final Map<SpecKind, Set<String>> declaredObjects = new EnumMap<>(SpecKind.class);
        private final Map<String, Set<String>> declaredFeatures = new HashMap<>();
        private final Map<Owner, Set<String>> declaredFields = new HashMap<>();
        private final Map<Owner, Set<String>> unreadableKeys = new HashMap<>();

        private Builder() {
        }

        /**
         * Records where every path of the document that produced {@code spec} was written, and the
         * layout of the paths whose values are block scalars.
         */
        public Builder document(Object spec, Map<String, Location> pathLocations, Map<String, TextBlock> pathBlocks) {
            locations.put(spec, new HashMap<>(pathLocations));
            textBlocks.put(spec, new HashMap<>(pathBlocks));
            return this;
        }

        public Builder element(Object element, String path) {
            elementPaths.put(element, path);
            return this;
        }

        public Builder declareObject(SpecKind kind, String name) {
            declaredObjects.computeIfAbsent(kind, k -> new HashSet<>()).add(name);
            return this;
        }

        public Builder declareFeature(String view, String feature) {
            declaredFeatures.computeIfAbsent(view, k -> new HashSet<>()).add(feature);
            return this;
        }

        /** A field of a source's schema ({@link SpecKind#SOURCE}) or an entity's join key ({@link SpecKind#ENTITY}). */
        public Builder declareField(SpecKind kind, String owner, String field) {
            declaredFields.computeIfAbsent(new Owner(kind, owner), k -> new HashSet<>()).add(field);
            return this;
        }

        /** A key of an object that was written but could not be read (see {@link SourceMap#unreadable}). */
        public Builder declareUnreadable(SpecKind kind, String name, String key) {
            unreadableKeys.computeIfAbsent(new Owner(kind, name), k -> new HashSet<>()).add(key);
            return this;
        }

        public SourceMap build() {
            return new SourceMap(this);
        }
    }
}
