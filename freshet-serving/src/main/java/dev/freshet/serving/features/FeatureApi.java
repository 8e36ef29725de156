package dev.freshet.serving.features;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
import dev.freshet.model.spec.FeatureRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The feature retrieval endpoints, independent of the HTTP framework: JSON bytes in, JSON bytes out,
 * {@link RequestException} for anything the client must fix.
 *
 * <p><b>Native</b> ({@code POST /v1/features}): {@code {"features": ["view:feature", "on_demand", ...]}}
 * or {@code {"feature_service": "name"}}, {@code "entities": [{"card_id": "c1", "lat": 1.0, ...}, ...]}
 * (join keys plus request fields per row) and optional {@code "read_time"} (epoch ms; default now).
 * Answer: {@code {"features": [...], "read_time": ms, "results": [{"entity": {...}, "values": [...],
 * "statuses": [...], "event_timestamps": [ms or null, ...]}]}}, columns in request order.
 *
 * <p><b>Feast-compatible</b> ({@code POST /get-online-features}): Feast's feature-server shapes —
 * {@code {"features"|"feature_service", "entities": {"card_id": ["c1", "c2"], ...}, "full_feature_names": false}}
 * answered with {@code {"metadata": {"feature_names": [...]}, "results": [{"values", "statuses",
 * "event_timestamps"}, ...]}}, one result per column (join keys first, in the order of the request's
 * columns), timestamps as ISO-8601. As in Feast, a non-empty {@code feature_service} wins over
 * {@code features}, and output names must be distinct (Feast's FeatureNameCollisionError).
 *
 * <p>Both write a value that is not a finite number as null ({@link FeatureRetriever} serves it as
 * {@code NULL_VALUE}): JSON has no NaN or infinity.
 */
public final class FeatureApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();
    private static final SerializableString FEATURES = new SerializedString("features");
    private static final SerializableString READ_TIME = new SerializedString("read_time");
    private static final SerializableString RESULTS = new SerializedString("results");
    private static final SerializableString ENTITY = new SerializedString("entity");
    private static final SerializableString VALUES = new SerializedString("values");
    private static final SerializableString STATUSES = new SerializedString("statuses");
    private static final SerializableString EVENT_TIMESTAMPS = new SerializedString("event_timestamps");
    private static final SerializableString[] STATUS_NAMES = java.util.Arrays.stream(Status.values())
            .map(s -> new SerializedString(s.name())).toArray(SerializableString[]::new);

    private final FeaturePlanner planner;
    private final FeatureRetriever retriever;
    private final int maxEntities;

    public FeatureApi(FeaturePlanner planner, FeatureRetriever retriever, int maxEntities) {
        this.planner = planner;
        this.retriever = retriever;
        this.maxEntities = maxEntities;
    }

    /** Handles {@code POST /v1/features}. */
    public byte[] features(byte[] body, long now) {
        NativeRequest req = NativeRequest.parse(FACTORY, body);
        if (req.unknown != null) { // e.g. "feature" or "entites"
            throw RequestException.unknownMember(req.unknown, NativeRequest.MEMBERS);
        }
        FeaturePlan plan = plan(req.service, req.features);
        if (req.readTime == NativeRequest.WRONG_KIND) {
            throw new RequestException(400, "'read_time' must be epoch milliseconds (an integer)", "/read_time");
        }
        long t = req.readTime == null ? now : (Long) req.readTime;
        if (t < now) {
            // tiles hold every applied event; before the clock a read would count events at or after t
            throw new RequestException(400, "'read_time' " + t + " is before the server's clock (" + now + "): the online store"
                    + " serves now and later only; omit read_time to read now, and build a training set (POST /v1/training-sets)"
                    + " for values as of past times", "/read_time");
        }
        List<Map<String, Object>> entities = req.entities;
        if (entities == null) {
            throw new RequestException(400, "'entities' must be an array of objects like {\"card_id\": \"c1\"}", "/entities");
        }
        checkCount(entities.size());
        ByteArrayOutputStream out = responseBuffer();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            // constant names go out as pre-encoded bytes (SerializedString): no per-request escaping
            g.writeStartObject();
            g.writeFieldName(FEATURES);
            g.writeStartArray();
            for (SerializableString n : plan.jsonNames()) {
                g.writeString(n);
            }
            g.writeEndArray();
            g.writeFieldName(READ_TIME);
            g.writeNumber(t);
            g.writeFieldName(RESULTS);
            g.writeStartArray();
            for (int i = 0; i < entities.size(); i++) {
                Map<String, Object> values = entities.get(i);
                String pointer = "/entities/" + i;
                if (values == NativeRequest.NOT_AN_OBJECT) {
                    throw new RequestException(400, "entity rows must be objects", pointer);
                }
                checkScalars(values, pointer);
                FeatureRetriever.Row r = retriever.retrieve(plan, values, t, pointer);
                g.writeStartObject();
                g.writeFieldName(ENTITY);
                g.writeStartObject();
                for (String k : plan.joinKeys()) {
                    g.writeFieldName(k);
                    writeScalar(g, values.get(k));
                }
                g.writeEndObject();
                g.writeFieldName(VALUES);
                g.writeStartArray();
                for (Object v : r.values()) {
                    writeScalar(g, v);
                }
                g.writeEndArray();
                g.writeFieldName(STATUSES);
                g.writeStartArray();
                for (Status s : r.statuses()) {
                    g.writeString(STATUS_NAMES[s.ordinal()]);
                }
                g.writeEndArray();
                g.writeFieldName(EVENT_TIMESTAMPS);
                g.writeStartArray();
                for (long ts : r.eventTimes()) {
                    if (ts == FeatureVector.NO_TIMESTAMP) {
                        g.writeNull();
                    } else {
                        g.writeNumber(ts);
                    }
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Handles Feast's {@code POST /get-online-features}. */
    public byte[] feast(byte[] body, long now) {
        JsonNode req = parse(body);
        // Feast uses a non-empty feature_service whenever one is given and ignores features
        // (its clients send "features": [] beside it); an empty name is no service
        JsonNode service = absentIfNull(req.get("feature_service"));
        if (service != null && service.isTextual() && service.asText().isEmpty()) {
            service = null;
        }
        FeaturePlan plan = treePlan(service, service != null ? null : absentIfNull(req.get("features")));
        boolean fullNames = req.path("full_feature_names").asBoolean(false);
        List<String> names = feastNames(plan, fullNames, service != null);
        JsonNode entities = req.path("entities");
        if (!entities.isObject() || entities.isEmpty()) {
            throw new RequestException(400, "'entities' must be an object of columns like {\"card_id\": [\"c1\", \"c2\"]}", "/entities");
        }
        int rows = -1;
        List<String> columns = new ArrayList<>();
        for (Iterator<String> it = entities.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            JsonNode col = entities.get(name);
            if (!col.isArray()) {
                throw new RequestException(400, "entity column '" + name + "' must be an array", "/entities/" + name);
            }
            if (rows >= 0 && col.size() != rows) {
                throw new RequestException(400, "entity columns have different lengths (" + rows + " and " + col.size() + ")",
                        "/entities/" + name);
            }
            rows = col.size();
            columns.add(name);
        }
        checkCount(rows);
        // join-key columns in the order the request lists them, as Feast answers
        List<String> joinKeys = new ArrayList<>(columns);
        joinKeys.retainAll(plan.joinKeys());
        plan.joinKeys().stream().filter(k -> !joinKeys.contains(k)).forEach(joinKeys::add);
        FeatureRetriever.Row[] results = new FeatureRetriever.Row[rows];
        List<Map<String, Object>> entityRows = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            Map<String, Object> values = new HashMap<>();
            for (String c : columns) {
                values.put(c, scalar(entities.get(c).get(i), "/entities/" + c + "/" + i));
            }
            entityRows.add(values);
            results[i] = retriever.retrieve(plan, values, now, new ColumnRow(i));
        }
        ByteArrayOutputStream out = responseBuffer();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("metadata");
            g.writeArrayFieldStart("feature_names");
            for (String k : joinKeys) {
                g.writeString(k);
            }
            for (String n : names) {
                g.writeString(n);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeArrayFieldStart("results");
            for (String k : joinKeys) {
                g.writeStartObject();
                g.writeArrayFieldStart("values");
                for (Map<String, Object> row : entityRows) {
                    writeScalar(g, row.get(k));
                }
                g.writeEndArray();
                writeRepeated(g, "statuses", "PRESENT", rows);
                writeRepeated(g, "event_timestamps", "1970-01-01T00:00:00Z", rows);
                g.writeEndObject();
            }
            for (int c = 0; c < plan.names().size(); c++) {
                g.writeStartObject();
                g.writeArrayFieldStart("values");
                for (FeatureRetriever.Row r : results) {
                    writeScalar(g, r.values()[c]);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("statuses");
                for (FeatureRetriever.Row r : results) {
                    g.writeString(STATUS_NAMES[r.statuses()[c].ordinal()]);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("event_timestamps");
                for (FeatureRetriever.Row r : results) {
                    long ts = r.eventTimes()[c];
                    g.writeString(Instant.ofEpochMilli(ts == FeatureVector.NO_TIMESTAMP ? 0 : ts).toString());
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Row {@code index} of Feast's column-oriented entities: {@code /entities/{column}/{index}}. */
    private record ColumnRow(int index) implements FeatureRetriever.RowPointer {
        @Override
        public String missing() {
            return "/entities"; // a missing join key or request field is a missing column
        }

        @Override
        public String member(String name) {
            return "/entities/" + name + "/" + index;
        }
    }

    /**
     * Writes a served value by its runtime type (the types features and join keys decode to) without
     * databind's per-value serializer lookup; anything else goes through databind. A non-finite
     * double is written as null: JSON has no NaN or infinity (Jackson would write the string "NaN").
     */
    private static void writeScalar(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case Double d when !Double.isFinite(d) -> g.writeNull();
            case Double d -> g.writeNumber(d);
            case Long l -> g.writeNumber(l);
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Integer i -> g.writeNumber(i);
            default -> g.writeObject(v);
        }
    }

    private static void writeRepeated(JsonGenerator g, String field, String value, int n) throws IOException {
        g.writeArrayFieldStart(field);
        for (int i = 0; i < n; i++) {
            g.writeString(value);
        }
        g.writeEndArray();
    }

    /**
     * The plan's output names as Feast gives them; 400 if two are the same (Feast's
     * FeatureNameCollisionError: its clients key the response by name, so one column would be lost).
     */
    private static List<String> feastNames(FeaturePlan plan, boolean full, boolean byService) {
        List<String> names = new ArrayList<>(plan.names().size());
        Map<String, List<String>> refsByName = new LinkedHashMap<>();
        int firstDuplicate = -1;
        for (int c = 0; c < plan.names().size(); c++) {
            String ref = plan.names().get(c);
            String name = feastName(ref, full);
            List<String> refs = refsByName.computeIfAbsent(name, n -> new ArrayList<>());
            refs.add(ref);
            if (refs.size() == 2 && firstDuplicate < 0) {
                firstDuplicate = c;
            }
            names.add(name);
        }
        if (firstDuplicate >= 0) {
            List<String> collisions = refsByName.entrySet().stream().filter(e -> e.getValue().size() > 1)
                    .map(e -> e.getKey() + " (" + String.join(", ", e.getValue()) + ")").toList();
            throw new RequestException(400, "duplicate feature names in the response: " + String.join("; ", collisions)
                    + "; Feast clients key the response by name, so request each feature once"
                    + (full ? "" : " or set full_feature_names to tell features of different views apart"),
                    byService ? "/feature_service" : "/features/" + plan.refIndexes().get(firstDuplicate));
        }
        return names;
    }

    /** Feast names features {@code feature} or, with full names, {@code view__feature}. */
    private static String feastName(String name, boolean full) {
        int sep = name.indexOf(FeatureRef.SEPARATOR);
        if (sep < 0) {
            return name;
        }
        return full ? name.substring(0, sep) + FeatureRef.VARIABLE_SEPARATOR + name.substring(sep + 1) : name.substring(sep + 1);
    }

    /** {@link #plan(Object, Object)} for members of a JSON tree, each absent (null) or not null. */
    private FeaturePlan treePlan(JsonNode service, JsonNode features) {
        Object refs = features == null || features.isArray() ? null : NativeRequest.WRONG_KIND;
        if (features != null && features.isArray()) {
            List<Object> list = new ArrayList<>(features.size());
            features.forEach(f -> list.add(f.isTextual() ? f.asText() : NativeRequest.WRONG_KIND));
            refs = list;
        }
        Object s = service == null ? null : service.isTextual() ? service.asText() : NativeRequest.WRONG_KIND;
        return plan(s, refs);
    }

    /** A JSON {@code null} for an optional member means the same as leaving it out (Feast's clients send it). */
    private static JsonNode absentIfNull(JsonNode n) {
        return n == null || n.isNull() ? null : n;
    }

    /**
     * The plan for a request's {@code feature_service} and {@code features}, each absent (null), of
     * the wrong kind ({@link NativeRequest#WRONG_KIND}) or present (a String; a list of Strings or
     * WRONG_KIND), as {@link NativeRequest} reads them.
     */
    private FeaturePlan plan(Object service, Object features) {
        if (service != null && features != null) {
            throw new RequestException(400, "give either 'features' or 'feature_service', not both", "/features");
        }
        if (service != null) {
            if (!(service instanceof String name)) {
                throw new RequestException(400, "'feature_service' must be a string", "/feature_service");
            }
            return planner.forService(name);
        }
        if (!(features instanceof List<?> list)) {
            throw new RequestException(400, "'features' must be an array of feature references like \"card_txn:txn_count_5m\"",
                    "/features");
        }
        List<String> refs = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String ref)) {
                throw new RequestException(400, "feature references must be strings", "/features/" + i);
            }
            refs.add(ref);
        }
        return planner.forFeatures(refs);
    }

    /** Reports the first value (in document order) that is not a scalar, as the tree reading did. */
    private static void checkScalars(Map<String, Object> values, String pointer) {
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (e.getValue() == NativeRequest.WRONG_KIND) {
                throw new RequestException(400, "expected a string, number or boolean", pointer + "/" + e.getKey());
            }
        }
    }

    /**
     * This thread's response buffer, emptied: responses are written into it and copied out once,
     * instead of into a new, over-sized buffer per request. A buffer that grew past
     * {@value #KEPT_BUFFER_BYTES} bytes (a very large response) is not kept.
     */
    private static ByteArrayOutputStream responseBuffer() {
        ByteArrayOutputStream out = RESPONSE_BUFFER.get();
        if (out.size() > KEPT_BUFFER_BYTES) {
            out = new ByteArrayOutputStream(4096);
            RESPONSE_BUFFER.set(out);
        }
        out.reset();
        return out;
    }

    private static final int KEPT_BUFFER_BYTES = 256 << 10;
    private static final ThreadLocal<ByteArrayOutputStream> RESPONSE_BUFFER =
            ThreadLocal.withInitial(() -> new ByteArrayOutputStream(4096));

    private void checkCount(int entities) {
        if (entities > maxEntities) {
            throw new RequestException(413, "request asks for " + entities + " entities; the limit is " + maxEntities, "/entities");
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new RequestException(400, "the request body must be a JSON object", "");
            }
            return node;
        } catch (IOException e) {
            throw NativeRequest.unreadable(e);
        }
    }

    /** An entity value as {@link FeatureRetriever} takes it; an integer beyond int64 stays a BigInteger (a float64 takes it). */
    private static Object scalar(JsonNode n, String pointer) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return n.asText();
        }
        if (n.isIntegralNumber()) {
            return n.canConvertToLong() ? (Object) n.asLong() : n.bigIntegerValue();
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        throw new RequestException(400, "expected a string, number or boolean", pointer);
    }
}
