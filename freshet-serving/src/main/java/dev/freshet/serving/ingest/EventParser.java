package dev.freshet.serving.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.freshet.engine.EventBatch;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses an ingest request body — a JSON array of event objects, or NDJSON (one object per line) —
 * straight into an {@link EventBatch}, validating every event against the source schema. Valid
 * events are appended to the batch; each invalid one is reported with its index and reason and
 * left out. A body that is not JSON at all fails as a whole ({@link MalformedRequestException}); an
 * empty one (no bytes, or only whitespace) holds no events, as {@code []} does.
 *
 * <p>Rules: every non-nullable field must be present and non-null; unknown fields are rejected
 * (they are usually typos); strings must be JSON strings, int64 JSON integers, float64 any JSON
 * number, bool JSON booleans; timestamps are epoch milliseconds (integer) or ISO-8601 instants
 * ({@code "2026-11-26T10:15:30.123Z"}). Streaming parse: no per-event maps or trees.
 */
public final class EventParser {
    // FastDoubleParser (bundled with jackson-core, correctly rounded like Double.parseDouble): number
    // parsing was a third of the parse cost of a fraud event with the JDK's parser.
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(1 << 20).build())
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    private final Schema schema;
    private final Map<String, Integer> fieldIndex = new HashMap<>();
    /** Field names, interned: Jackson interns the names it parses, so an event in schema order matches by identity. */
    private final String[] names;
    private final FieldType[] types;
    private final boolean[] nullable;
    /**
     * Body bytes per event of the last request parsed, 0 before the first: a hint for sizing the
     * next request's batch (requests from one producer look alike). Shared by event loops; a race
     * only blurs the hint.
     */
    private volatile int bytesPerEvent;

    public EventParser(Schema schema) {
        this.schema = schema;
        this.types = new FieldType[schema.size()];
        this.nullable = new boolean[schema.size()];
        this.names = new String[schema.size()];
        for (int i = 0; i < schema.size(); i++) {
            Field f = schema.field(i);
            fieldIndex.put(f.name(), i);
            names[i] = f.name().intern();
            types[i] = f.type();
            nullable[i] = f.nullable();
        }
    }

    /** Result of parsing one body: how many events it held, and the rejected ones. */
    public record Result(int events, List<RejectedEvent> rejected) {
        public int accepted() {
            return events - rejected.size();
        }
    }

    /**
     * A batch capacity for a body of {@code bodyBytes}: its events at the bytes per event of the
     * last request, plus an eighth, within {@code [16, maxEvents]} (64 before any request) — so a
     * batch is allocated once at about its final size instead of doubling up from a small one
     * (each doubling copies every column).
     */
    public int expectedEvents(int bodyBytes, int maxEvents) {
        int perEvent = bytesPerEvent;
        if (perEvent == 0) {
            return 64;
        }
        long events = bodyBytes / perEvent;
        return (int) Math.max(16, Math.min(Math.max(16, maxEvents), events + events / 8 + 1));
    }

    /**
     * Parses {@code body} and appends valid events to {@code batch}.
     *
     * @param maxEvents more events than this fail the whole request (the caller answers 413)
     * @throws MalformedRequestException if the body is not a JSON array/object stream (an empty body is
     *                                   one with no events)
     * @throws TooManyEventsException    if the body holds more than {@code maxEvents} events
     */
    public Result parse(byte[] body, EventBatch batch, int maxEvents) {
        List<RejectedEvent> rejected = new ArrayList<>();
        int index = 0;
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken t = p.nextToken(); // null for an empty body (or blank lines only): no events, like []
            boolean array = t == JsonToken.START_ARRAY;
            if (array) {
                t = p.nextToken();
            }
            while (t != null && !(array && t == JsonToken.END_ARRAY)) {
                if (index >= maxEvents) {
                    throw new TooManyEventsException(maxEvents);
                }
                if (t != JsonToken.START_OBJECT) {
                    rejected.add(new RejectedEvent(index, null, "expected a JSON object, got " + describe(t)));
                    p.skipChildren();
                } else {
                    parseObject(p, batch, index, rejected);
                }
                index++;
                t = p.nextToken();
            }
            if (array && p.nextToken() != null) {
                JsonLocation at = p.currentTokenLocation();
                throw new MalformedRequestException("unexpected content after the closing ']'", at.getLineNr(), at.getColumnNr());
            }
        } catch (JsonProcessingException e) { // a syntax error, or a limit such as the nesting depth
            throw MalformedRequestException.of(e);
        } catch (IOException e) {
            throw new MalformedRequestException("unreadable body: " + e.getMessage(), 0, 0);
        }
        if (index > 0) {
            bytesPerEvent = Math.max(1, body.length / index);
        }
        return new Result(index, rejected);
    }

    /** Parses one event object into a new batch row; on an error the row is removed and the error recorded. */
    private void parseObject(JsonParser p, EventBatch batch, int index, List<RejectedEvent> rejected) throws IOException {
        int row = batch.addRow();
        long seen = 0; // bit per field (schemas wider than 64 fields use the slow check below)
        boolean[] seenWide = types.length > 64 ? new boolean[types.length] : null;
        RejectedEvent error = null;
        JsonToken t;
        int next = 0; // the field expected next if the event lists its fields in schema order
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            int f;
            if (next < names.length && names[next] == name) {
                f = next; // identity implies equality, so this is the index the map would give
            } else {
                Integer i = fieldIndex.get(name);
                f = i == null ? -1 : i;
            }
            next = f + 1;
            if (f < 0) {
                p.skipChildren();
                if (error == null) {
                    error = new RejectedEvent(index, name, "unknown field '" + name + "' (schema fields: " + fieldNames() + ")");
                }
                continue;
            }
            boolean again = seenWide != null ? seenWide[f] : (seen & (1L << f)) != 0;
            if (again) {
                // ambiguous: which value was meant? (a later null would not even clear the first)
                p.skipChildren();
                if (error == null) {
                    error = new RejectedEvent(index, name, "field '" + name + "' appears more than once");
                }
                continue;
            }
            if (seenWide != null) {
                seenWide[f] = true;
            } else {
                seen |= 1L << f;
            }
            String problem = setValue(p, v, batch, row, f);
            if (problem != null && error == null) {
                error = new RejectedEvent(index, name, problem);
            }
        }
        for (int f = 0; f < types.length && error == null; f++) {
            boolean present = seenWide != null ? seenWide[f] : (seen & (1L << f)) != 0;
            if (!nullable[f] && (!present || batch.isNull(row, f))) {
                error = new RejectedEvent(index, schema.field(f).name(),
                        present ? "field '" + schema.field(f).name() + "' must not be null"
                                : "missing required field '" + schema.field(f).name() + "' (" + types[f].yamlName() + ")");
            }
        }
        if (error != null) {
            batch.removeLastRow();
            rejected.add(error);
        }
    }

    private String setValue(JsonParser p, JsonToken v, EventBatch batch, int row, int f) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return null; // left null; required-ness is checked after the object
        }
        FieldType type = types[f];
        switch (type) {
            case STRING -> {
                if (v != JsonToken.VALUE_STRING) {
                    return skipWith(p, "expected a string, got " + describe(v));
                }
                String text = p.getText();
                int bad = unpairedSurrogate(text);
                if (bad >= 0) {
                    // the log stores UTF-8, which cannot carry it: refuse rather than store something else
                    return "string is not valid Unicode: unpaired surrogate \\u" + Integer.toHexString(text.charAt(bad))
                            + " at character " + bad;
                }
                batch.setString(row, f, text);
            }
            case INT64 -> {
                if (v != JsonToken.VALUE_NUMBER_INT) {
                    return skipWith(p, "expected an integer, got " + describe(v));
                }
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    return "integer " + p.getText() + " is out of the int64 range";
                }
                batch.setLong(row, f, p.getLongValue());
            }
            case FLOAT64 -> {
                if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
                    return skipWith(p, "expected a number, got " + describe(v));
                }
                double d = p.getDoubleValue();
                if (!Double.isFinite(d)) {
                    return "number " + p.getText() + " is out of the float64 range";
                }
                batch.setDouble(row, f, d);
            }
            case BOOL -> {
                if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
                    return skipWith(p, "expected true or false, got " + describe(v));
                }
                batch.setBool(row, f, v == JsonToken.VALUE_TRUE);
            }
            case TIMESTAMP -> {
                if (v == JsonToken.VALUE_NUMBER_INT) {
                    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        return "timestamp " + p.getText() + " is out of range";
                    }
                    batch.setLong(row, f, p.getLongValue());
                } else if (v == JsonToken.VALUE_STRING) {
                    try {
                        batch.setLong(row, f, Instant.parse(p.getText()).toEpochMilli());
                    } catch (DateTimeParseException | ArithmeticException e) {
                        return "timestamp '" + p.getText() + "' is neither epoch milliseconds nor an ISO-8601 instant like 2026-11-26T10:15:30Z";
                    }
                } else {
                    return skipWith(p, "expected epoch milliseconds or an ISO-8601 string, got " + describe(v));
                }
            }
        }
        return null;
    }

    /** Index of the first UTF-16 surrogate without its partner in {@code s}, or -1. */
    static int unpairedSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    private static String skipWith(JsonParser p, String message) throws IOException {
        p.skipChildren();
        return message;
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a decimal number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.name();
        };
    }

    private String fieldNames() {
        return String.join(", ", schema.fields().stream().map(Field::name).toList());
    }
}
