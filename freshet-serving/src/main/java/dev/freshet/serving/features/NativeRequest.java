package dev.freshet.serving.features;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code POST /v1/features} body read with Jackson's streaming parser, without building a tree:
 * the hot serving path's request is small and fixed in shape, and the tree (nodes, a linked map per
 * object, a deserialization context) was about half of what a request allocated.
 *
 * <p>It keeps exactly what {@link FeatureApi} validates, in the order it validates it, so the
 * answers (and which error comes first) are those of the tree-based reading: values that are
 * present but of the wrong kind are kept as markers and reported when their turn comes; the name of
 * the first unknown member is kept (it is reported first); a repeated field keeps its last value; a
 * JSON {@code null} for {@code feature_service}, {@code features} or {@code read_time} is the same as
 * leaving it out; content after the root object is ignored.
 */
final class NativeRequest {
    /** Marks a value of the wrong kind (a nested object or array, or a non-string feature reference). */
    static final Object WRONG_KIND = new Object();
    /** Marks an entity row that is not an object. */
    static final Map<String, Object> NOT_AN_OBJECT = Map.of();

    /** The members a request may have. */
    static final List<String> MEMBERS = List.of("features", "feature_service", "entities", "read_time");

    /** The first member (in document order) not in {@link #MEMBERS}, or null: a typo such as {@code "entites"}. */
    String unknown;
    /** {@code feature_service}: absent (null), a String, or {@link #WRONG_KIND}. */
    Object service;
    /** {@code features}: absent (null), not an array ({@link #WRONG_KIND}), or its elements (String or WRONG_KIND). */
    Object features;
    /** {@code read_time}: absent (null), not an int64 integer ({@link #WRONG_KIND}), or a Long. */
    Object readTime;
    /** {@code entities}: null unless an array; rows are maps of scalars (or {@link #NOT_AN_OBJECT}). */
    List<Map<String, Object>> entities;

    private NativeRequest() {
    }

    static NativeRequest parse(JsonFactory factory, byte[] body) {
        NativeRequest r = new NativeRequest();
        try (JsonParser p = factory.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new RequestException(400, "the request body must be a JSON object", "");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (!MEMBERS.contains(name)) {
                    if (r.unknown == null) {
                        r.unknown = name;
                    }
                    p.skipChildren();
                    continue;
                }
                if (t == JsonToken.VALUE_NULL && !name.equals("entities")) {
                    switch (name) { // optional members: null means absent
                        case "feature_service" -> r.service = null;
                        case "features" -> r.features = null;
                        default -> r.readTime = null;
                    }
                    continue;
                }
                switch (name) {
                    case "feature_service" -> r.service = t == JsonToken.VALUE_STRING ? p.getText() : skip(p, t);
                    case "features" -> r.readFeatures(p, t);
                    case "read_time" -> r.readReadTime(p, t);
                    default -> r.readEntities(p, t);
                }
            }
            return r;
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /** The 400 for a body Jackson could not read: malformed JSON with its line and column. */
    static RequestException unreadable(IOException e) {
        if (e instanceof JsonProcessingException j) {
            return RequestException.malformed(j);
        }
        return new RequestException(400, "unreadable body: " + e.getMessage(), "");
    }

    private void readFeatures(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            features = skip(p, t);
            return;
        }
        List<Object> refs = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            refs.add(e == JsonToken.VALUE_STRING ? p.getText() : skip(p, e));
        }
        features = refs;
    }

    private void readReadTime(JsonParser p, JsonToken t) throws IOException {
        boolean int64 = t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
        readTime = int64 ? (Object) p.getLongValue() : skip(p, t);
    }

    private void readEntities(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            entities = null;
            skip(p, t);
            return;
        }
        entities = new ArrayList<>();
        for (JsonToken row = p.nextToken(); row != JsonToken.END_ARRAY; row = p.nextToken()) {
            if (row != JsonToken.START_OBJECT) {
                skip(p, row);
                entities.add(NOT_AN_OBJECT);
                continue;
            }
            Map<String, Object> values = new LinkedHashMap<>(); // document order: the first bad value is reported first
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                values.put(key, scalar(p, p.nextToken()));
            }
            entities.add(values);
        }
    }

    private static Object scalar(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_STRING -> p.getText();
            // beyond int64: kept for the field's type to judge (a float64 takes it)
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> skip(p, t);
        };
    }

    /** Skips the value starting at {@code t} and returns {@link #WRONG_KIND}. */
    private static Object skip(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
        }
        return WRONG_KIND;
    }
}
