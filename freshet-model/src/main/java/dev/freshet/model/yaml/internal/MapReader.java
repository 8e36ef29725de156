package dev.freshet.model.yaml.internal;

import dev.freshet.model.Durations;
import dev.freshet.model.internal.Suggestions;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.validate.SourceMap.Location;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed, error-reporting reads of one YAML mapping. Every failed read reports a located error and
 * returns empty; {@link #failed()} tells whether any read failed, so a binder can drop an object it
 * could not bind completely (an unknown key is reported but fails nothing). A key whose value was
 * reported is declared unreadable, so the validator reports neither its absence nor what depends on it.
 */
final class MapReader {
    static final List<String> TYPE_NAMES = Arrays.stream(FieldType.values()).map(FieldType::yamlName).toList();

    private final YamlNode.Mapping map;
    private final String path;
    private final DocumentContext ctx;
    private final Set<String> unreadable = new HashSet<>();
    private boolean failed;

    MapReader(YamlNode.Mapping map, String path, DocumentContext ctx) {
        this.map = map;
        this.path = path;
        this.ctx = ctx;
    }

    boolean failed() {
        return failed;
    }

    DocumentContext context() {
        return ctx;
    }

    Location location() {
        return map.location();
    }

    String path() {
        return path;
    }

    /** Whether a value was written for {@code key} but reported (wrong shape, unparseable, not allowed). */
    boolean unreadable(String key) {
        return unreadable.contains(key);
    }

    /** {@code path.key}, or {@code key} at the root. */
    String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return map.entries().containsKey(key);
    }

    /**
     * Reports keys that are not in {@code known}, with a hint when one is close. An unknown key does
     * not fail the read: the known keys are still bound and checked, so their errors are reported in
     * the same run. The absent known key it was probably meant as ({@code fliter} for a missing
     * {@code filter}) is declared unreadable, so its absence is not reported a second time.
     */
    void checkKeys(Collection<String> known) {
        for (YamlNode.Entry e : map.entries().values()) {
            if (!known.contains(e.key())) {
                Optional<String> meant = Suggestions.closest(e.key(), known);
                ctx.error(e.keyLocation(), pathOf(e.key()), "unknown key '" + e.key() + "'" + Suggestions.hint(meant));
                meant.filter(m -> !has(m)).ifPresent(m -> {
                    unreadable.add(m);
                    ctx.unreadable(pathOf(m));
                });
            }
        }
    }

    /**
     * Reports a problem at the position of {@code key}'s value (or of the mapping when absent), and
     * declares the key unreadable.
     */
    void error(String key, String message) {
        unreadable.add(key);
        ctx.unreadable(pathOf(key));
        error(valueLocation(key), pathOf(key), message);
    }

    void error(Location at, String errorPath, String message) {
        failed = true;
        ctx.error(at, errorPath, message);
    }

    Location valueLocation(String key) {
        YamlNode.Entry e = map.entries().get(key);
        return e == null ? map.location() : e.value().location();
    }

    /** Whether {@code key} is present with no value ({@code key:} or {@code key: null}). */
    boolean isNull(String key) {
        return node(key).filter(n -> n instanceof YamlNode.Scalar s && s.kind() == YamlNode.ScalarKind.NULL).isPresent();
    }

    /** Whether {@code key} is present with exactly this scalar text (never reports an error). */
    boolean hasText(String key, String text) {
        return node(key).filter(n -> n instanceof YamlNode.Scalar s && s.kind() != YamlNode.ScalarKind.NULL
                && s.text().equals(text)).isPresent();
    }

    /** A duration that must have a value when its key is present: {@code key:} alone is an error. */
    Optional<Duration> durationValue(String key) {
        if (isNull(key)) {
            error(key, "missing value for '" + key + "'");
            return Optional.empty();
        }
        return duration(key);
    }

    Optional<YamlNode> node(String key) {
        YamlNode.Entry e = map.entries().get(key);
        return e == null ? Optional.empty() : Optional.of(e.value());
    }

    /** A scalar's text; empty when absent or null; an error for mappings and lists. */
    Optional<String> string(String key) {
        Optional<YamlNode> n = node(key);
        if (n.isEmpty()) {
            return Optional.empty();
        }
        if (n.get() instanceof YamlNode.Scalar s) {
            return s.kind() == YamlNode.ScalarKind.NULL ? Optional.empty() : Optional.of(s.text());
        }
        error(key, key + " must be a single value, not " + YamlNode.describe(n.get()));
        return Optional.empty();
    }

    Optional<String> requiredString(String key) {
        Optional<String> s = string(key);
        if (s.isEmpty() && !unreadable(key)) {
            error(key, "missing required key '" + key + "'");
        }
        return s;
    }

    Optional<Duration> duration(String key) {
        return string(key).flatMap(text -> {
            Optional<Duration> d = Durations.parse(text);
            if (d.isEmpty()) {
                error(key, "invalid duration '" + text + "': write e.g. 500ms, 30s, 5m, 1h, 7d or ISO-8601 PT5M");
            }
            return d;
        });
    }

    Optional<Double> number(String key) {
        return string(key).flatMap(text -> {
            try {
                return Optional.of(Double.parseDouble(text));
            } catch (NumberFormatException e) {
                error(key, key + " must be a number, got '" + text + "'");
                return Optional.empty();
            }
        });
    }

    Optional<Integer> integer(String key) {
        return string(key).flatMap(text -> {
            try {
                return Optional.of(Integer.parseInt(text));
            } catch (NumberFormatException e) {
                error(key, key + " must be an integer, got '" + text + "'");
                return Optional.empty();
            }
        });
    }

    Optional<Boolean> bool(String key) {
        return string(key).flatMap(text -> switch (text) {
            case "true", "True", "TRUE" -> Optional.of(true);
            case "false", "False", "FALSE" -> Optional.of(false);
            default -> {
                error(key, key + " must be true or false, got '" + text + "'");
                yield Optional.empty();
            }
        });
    }

    Optional<YamlNode.Mapping> mapping(String key) {
        Optional<YamlNode> n = node(key);
        if (n.isEmpty() || n.get() instanceof YamlNode.Scalar s && s.kind() == YamlNode.ScalarKind.NULL) {
            return Optional.empty();
        }
        if (n.get() instanceof YamlNode.Mapping m) {
            return Optional.of(m);
        }
        error(key, key + " must be a mapping (key: value lines), not " + YamlNode.describe(n.get()));
        return Optional.empty();
    }

    Optional<YamlNode.Sequence> sequence(String key) {
        Optional<YamlNode> n = node(key);
        if (n.isEmpty() || n.get() instanceof YamlNode.Scalar s && s.kind() == YamlNode.ScalarKind.NULL) {
            return Optional.empty();
        }
        if (n.get() instanceof YamlNode.Sequence l) {
            return Optional.of(l);
        }
        error(key, key + " must be a list (lines starting with '- '), not " + YamlNode.describe(n.get()));
        return Optional.empty();
    }

    /** A mapping of names to scalar values (tags, options), in order. */
    Map<String, String> stringMap(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        mapping(key).ifPresent(m -> m.entries().values().forEach(e -> {
            if (e.value() instanceof YamlNode.Scalar s) {
                out.put(e.key(), s.text());
            } else {
                error(e.value().location(), pathOf(key) + "." + e.key(),
                        "value must be a single value, not " + YamlNode.describe(e.value()));
            }
        }));
        return out;
    }

    /** Parses a field type; reports unknown names with the list of types. */
    Optional<FieldType> fieldType(Location at, String errorPath, String text) {
        Optional<FieldType> t = FieldType.parse(text);
        if (t.isEmpty()) {
            error(at, errorPath, "unknown type '" + text + "'" + Suggestions.hint(text, TYPE_NAMES)
                    + "; types are " + String.join(", ", TYPE_NAMES));
        }
        return t;
    }
}
