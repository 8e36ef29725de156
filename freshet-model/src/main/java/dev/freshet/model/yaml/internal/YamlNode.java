package dev.freshet.model.yaml.internal;

import dev.freshet.model.validate.SourceMap;
import dev.freshet.model.validate.SourceMap.Location;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value with the position it was written at. Scalars keep their text as written (the
 * binder decides how to read it), mappings keep key order and the position of each key.
 */
public sealed interface YamlNode {
    Location location();

    /** What a scalar looked like to the YAML parser. */
    enum ScalarKind { STRING, INT, FLOAT, BOOL, NULL }

    /** A scalar; {@code block} is where its lines are when it was written as a block scalar, else null. */
    record Scalar(String text, ScalarKind kind, Location location, SourceMap.TextBlock block) implements YamlNode {
        Scalar(String text, ScalarKind kind, Location location) {
            this(text, kind, location, null);
        }
    }

    record Entry(String key, Location keyLocation, YamlNode value) {
    }

    record Mapping(Map<String, Entry> entries, Location location) implements YamlNode {
        public Mapping {
            entries = new LinkedHashMap<>(entries);
        }
    }

    record Sequence(List<YamlNode> items, Location location) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }
    }

    /** A short name of the node's shape for messages: "a mapping", "a list", "a string", .... */
    static String describe(YamlNode node) {
        return switch (node) {
            case Mapping m -> "a mapping";
            case Sequence s -> "a list";
            case Scalar s -> switch (s.kind()) {
                case NULL -> "empty";
                case BOOL -> "a boolean";
                case INT, FLOAT -> "a number";
                case STRING -> "a string";
            };
        };
    }
}
