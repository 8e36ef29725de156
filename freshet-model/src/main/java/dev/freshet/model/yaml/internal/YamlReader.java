package dev.freshet.model.yaml.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.freshet.model.validate.SourceMap;
import dev.freshet.model.validate.SourceMap.Location;
import dev.freshet.model.validate.ValidationError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a YAML stream into {@link YamlNode} documents with positions, from Jackson's YAML token
 * stream ({@link JsonParser#currentTokenLocation()} gives line and column of every token). Empty
 * documents are skipped. Duplicate keys, anchors ({@code &name}) and aliases ({@code *name}, which
 * Jackson would silently read as a plain string) are reported; a syntax error ends the file with one
 * error at its position. Block scalars ({@code |}, {@code >}) keep where their lines are, so errors
 * inside a multi-line expression can point at their own line.
 */
public final class YamlReader {
    private static final YAMLFactory FACTORY = new YAMLFactory();
    private static final Pattern MARK = Pattern.compile("in '[^']*', line (\\d+), column (\\d+)");

    private final String file;
    private final List<ValidationError> errors;
    private final Set<Location> anchorsReported = new HashSet<>();
    private List<String> lines = List.of();

    public YamlReader(String file, List<ValidationError> errors) {
        this.file = file;
        this.errors = errors;
    }

    /** The non-empty documents of {@code content}, in order. */
    public List<YamlNode> read(String content) {
        List<YamlNode> documents = new ArrayList<>();
        lines = content.lines().toList();
        try (JsonParser parser = FACTORY.createParser(content)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                YamlNode node = value(parser, token);
                if (!(node instanceof YamlNode.Scalar s && s.kind() == YamlNode.ScalarKind.NULL)) {
                    documents.add(node);
                }
            }
        } catch (StreamReadException e) {
            errors.add(syntaxError(e));
        } catch (IOException e) {
            errors.add(new ValidationError(file, 0, 0, "", "cannot read: " + e.getMessage()));
        }
        return documents;
    }

    /**
     * SnakeYAML's multi-line message ("while parsing X / in 'reader', line L, column C: / expected
     * Y") as one line, located at its first mark (where the broken construct starts).
     */
    private ValidationError syntaxError(StreamReadException e) {
        String message = e.getOriginalMessage();
        List<String> problems = message.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0))).toList();
        Matcher mark = MARK.matcher(message);
        int line;
        int column;
        if (mark.find()) {
            line = Integer.parseInt(mark.group(1));
            column = Integer.parseInt(mark.group(2));
        } else {
            JsonLocation l = e.getLocation();
            line = l == null ? 0 : l.getLineNr();
            column = l == null ? 0 : l.getColumnNr();
        }
        return new ValidationError(file, line, column, "", "YAML syntax error: " + String.join(": ", problems));
    }

    private YamlNode value(JsonParser p, JsonToken token) throws IOException {
        Location at = location(p);
        rejectAnchor(at);
        return switch (token) {
            case START_OBJECT -> mapping(p, at);
            case START_ARRAY -> sequence(p, at);
            case VALUE_STRING -> {
                if (p instanceof YAMLParser y && y.isCurrentAlias()) {
                    errors.add(new ValidationError(file, at.line(), at.column(), "",
                            "YAML aliases (*" + p.getText() + ") are not supported; repeat the value"));
                }
                yield new YamlNode.Scalar(p.getText(), YamlNode.ScalarKind.STRING, at, textBlock(at, p.getText()));
            }
            case VALUE_NUMBER_INT -> new YamlNode.Scalar(p.getText(), YamlNode.ScalarKind.INT, at);
            case VALUE_NUMBER_FLOAT -> new YamlNode.Scalar(p.getText(), YamlNode.ScalarKind.FLOAT, at);
            case VALUE_TRUE, VALUE_FALSE -> new YamlNode.Scalar(p.getText(), YamlNode.ScalarKind.BOOL, at);
            case VALUE_NULL -> new YamlNode.Scalar("", YamlNode.ScalarKind.NULL, at);
            default -> new YamlNode.Scalar(p.getText(), YamlNode.ScalarKind.STRING, at);
        };
    }

    private YamlNode mapping(JsonParser p, Location at) throws IOException {
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        JsonToken token;
        while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            Location keyAt = location(p);
            rejectAnchor(keyAt);
            YamlNode value = value(p, p.nextToken());
            if (entries.containsKey(key)) {
                errors.add(new ValidationError(file, keyAt.line(), keyAt.column(), "", "duplicate key '" + key
                        + "' (first at line " + entries.get(key).keyLocation().line() + ")"));
            } else {
                entries.put(key, new YamlNode.Entry(key, keyAt, value));
            }
        }
        if (token != JsonToken.END_OBJECT) {
            throw new IOException("unexpected " + token + " in a mapping");
        }
        return new YamlNode.Mapping(entries, at);
    }

    private YamlNode sequence(JsonParser p, Location at) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw new IOException("unterminated list");
            }
            items.add(value(p, token));
        }
        return new YamlNode.Sequence(items, at);
    }

    /**
     * An anchor ({@code &name}) on the node at {@code at} is an error, like the aliases that would
     * use it. (Jackson does not expose the anchors of scalars, so they are read from the text.) A
     * block mapping and its first key start at the same place: their anchor is reported once.
     */
    private void rejectAnchor(Location at) {
        String anchor = nodeStart(at).anchor();
        if (anchor != null && anchorsReported.add(at)) {
            errors.add(new ValidationError(file, at.line(), at.column(), "",
                    "YAML anchors (&" + anchor + ") are not supported; repeat the value where it is needed"));
        }
    }

    /** What a node's text starts with: its anchor (null when none) and the character after its tag and anchor. */
    private record NodeStart(String anchor, char content) {
    }

    /** Reads the properties ({@code !tag}, {@code &anchor}) written where a node starts (Jackson's token location). */
    private NodeStart nodeStart(Location at) {
        String line = at.line() >= 1 && at.line() <= lines.size() ? lines.get(at.line() - 1) : "";
        int i = at.column() - 1;
        String anchor = null;
        while (i >= 0 && i < line.length() && (line.charAt(i) == '&' || line.charAt(i) == '!')) {
            int end = i + 1;
            while (end < line.length() && " \t,[]{}".indexOf(line.charAt(end)) < 0) {
                end++;
            }
            if (line.charAt(i) == '&') {
                anchor = line.substring(i + 1, end);
            }
            i = end;
            while (i < line.length() && line.charAt(i) == ' ') {
                i++;
            }
        }
        return new NodeStart(anchor, i >= 0 && i < line.length() ? line.charAt(i) : ' ');
    }

    /**
     * Where the lines of a block scalar ({@code |} or {@code >} at {@code at}) are: from the next
     * line on, as long as each of the text's lines is the file's line after the same indentation
     * (a folded scalar stops matching where it joined two lines). Null for other scalars.
     */
    private SourceMap.TextBlock textBlock(Location at, String text) {
        char indicator = nodeStart(at).content();
        if (indicator != '|' && indicator != '>') {
            return null;
        }
        int indent = -1;
        int matched = 0;
        for (String textLine : text.split("\n", -1)) {
            int fileLine = at.line() + matched + 1;
            String written = fileLine <= lines.size() ? lines.get(fileLine - 1) : null;
            if (written == null) {
                break;
            }
            int margin = written.length() - textLine.length();
            boolean same = textLine.isEmpty() ? written.isBlank()
                    : margin >= 0 && written.endsWith(textLine) && written.substring(0, margin).isBlank()
                    && (indent < 0 || margin == indent);
            if (!same) {
                break;
            }
            if (!textLine.isEmpty()) {
                indent = margin;
            }
            matched++;
        }
        return indent < 0 ? null : new SourceMap.TextBlock(at.line() + 1, indent, matched);
    }

    private Location location(JsonParser p) {
        JsonLocation l = p.currentTokenLocation();
        return new Location(file, l.getLineNr(), l.getColumnNr());
    }
}
