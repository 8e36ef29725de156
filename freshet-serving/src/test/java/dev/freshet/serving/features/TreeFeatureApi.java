package dev.freshet.serving.features;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The oracle for {@link NativeRequestEquivalenceTest}: {@code FeatureApi.features} as it was when it
 * read the request through a Jackson tree (commit b4729f7), kept verbatim but for the Feast endpoint;
 * for integers beyond the int64 range, which the endpoint now keeps for the fields' types to judge (a
 * float64 field takes them) where it refused them; for unknown members, now refused (the first in
 * document order, before anything else); and for malformed JSON, now reported as ingest reports it.
 */
final class TreeFeatureApi {
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

    TreeFeatureApi(FeaturePlanner planner, FeatureRetriever retriever, int maxEntities) {
        this.planner = planner;
        this.retriever = retriever;
        this.maxEntities = maxEntities;
    }

    /** Handles {@code POST /v1/features}. */
    public byte[] features(byte[] body, long now) {
        JsonNode req = parse(body);
        for (java.util.Iterator<String> names = req.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!NativeRequest.MEMBERS.contains(name)) {
                throw RequestException.unknownMember(name, NativeRequest.MEMBERS);
            }
        }
        FeaturePlan plan = plan(req);
        long t = req.hasNonNull("read_time") ? longField(req, "read_time") : now;
        if (t < now) {
            throw new RequestException(400, "'read_time' " + t + " is before the server's clock (" + now + "): the online store"
                    + " serves now and later only; omit read_time to read now, and build a training set (POST /v1/training-sets)"
                    + " for values as of past times", "/read_time");
        }
        JsonNode entities = req.path("entities");
        if (!entities.isArray()) {
            throw new RequestException(400, "'entities' must be an array of objects like {\"card_id\": \"c1\"}", "/entities");
        }
        checkCount(entities.size());
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 128 * entities.size() * plan.names().size());
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
                JsonNode row = entities.get(i);
                String pointer = "/entities/" + i;
                if (!row.isObject()) {
                    throw new RequestException(400, "entity rows must be objects", pointer);
                }
                Map<String, Object> values = scalars(row, pointer);
                FeatureRetriever.Row r = retriever.retrieve(plan, values, t, pointer);
                g.writeStartObject();
                g.writeFieldName(ENTITY);
                g.writeStartObject();
                List<String> written = new ArrayList<>();
                for (FeaturePlan.ViewRead v : plan.views()) {
                    for (var k : v.joinKeys()) {
                        if (!written.contains(k.name())) {
                            written.add(k.name());
                            g.writeFieldName(k.name());
                            writeScalar(g, values.get(k.name()));
                        }
                    }
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

    /**
     * Writes a served value by its runtime type (the types features and join keys decode to) without
     * databind's per-value serializer lookup; anything else goes through databind.
     */
    private static void writeScalar(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case Double d -> g.writeNumber(d);
            case Long l -> g.writeNumber(l);
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Integer i -> g.writeNumber(i);
            default -> g.writeObject(v);
        }
    }

    private FeaturePlan plan(JsonNode req) {
        JsonNode service = req.get("feature_service");
        JsonNode features = req.get("features");
        service = service == null || service.isNull() ? null : service;
        features = features == null || features.isNull() ? null : features;
        if (service != null && features != null) {
            throw new RequestException(400, "give either 'features' or 'feature_service', not both", "/features");
        }
        if (service != null) {
            if (!service.isTextual()) {
                throw new RequestException(400, "'feature_service' must be a string", "/feature_service");
            }
            return planner.forService(service.asText());
        }
        if (features == null || !features.isArray()) {
            throw new RequestException(400, "'features' must be an array of feature references like \"card_txn:txn_count_5m\"",
                    "/features");
        }
        List<String> refs = new ArrayList<>(features.size());
        for (int i = 0; i < features.size(); i++) {
            if (!features.get(i).isTextual()) {
                throw new RequestException(400, "feature references must be strings", "/features/" + i);
            }
            refs.add(features.get(i).asText());
        }
        return planner.forFeatures(refs);
    }

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
        } catch (JsonProcessingException e) {
            throw RequestException.malformed(e);
        } catch (IOException e) {
            throw new RequestException(400, "unreadable body: " + e.getMessage(), "");
        }
    }

    private static long longField(JsonNode req, String field) {
        JsonNode n = req.get(field);
        if (!n.canConvertToLong() || !n.isIntegralNumber()) {
            throw new RequestException(400, "'" + field + "' must be epoch milliseconds (an integer)", "/" + field);
        }
        return n.asLong();
    }

    private static Map<String, Object> scalars(JsonNode row, String pointer) {
        Map<String, Object> values = new HashMap<>();
        for (var it = row.properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            values.put(e.getKey(), scalar(e.getValue(), pointer + "/" + e.getKey()));
        }
        return values;
    }

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
