package dev.freshet.model.registry.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.freshet.model.registry.Meta;
import dev.freshet.model.registry.RegisteredSpec;
import dev.freshet.model.registry.RegistryFileException;
import dev.freshet.model.spec.SpecKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry's file: one JSON document, rewritten whole and atomically (temp file + rename) on
 * every apply.
 *
 * <pre>
 * {"format_version": 1, "revision": 2, "objects": [
 *   {"kind": "feature_view", "name": "card_txn", "retired_at": null, "versions": [
 *     {"version": 1, "content_hash": "…", "created_at": "…", "updated_at": "…",
 *      "lineage": ["source:transactions", "entity:card"], "spec": {…}}]}]}
 * </pre>
 */
public final class RegistryFile {
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One registered object: every version, oldest first, and when it was retired (null if active). */
    public record StoredObject(SpecKind kind, String name, List<RegisteredSpec> versions, Instant retiredAt) {
        public StoredObject {
            versions = List.copyOf(versions);
        }

        public RegisteredSpec latest() {
            return versions.getLast();
        }
    }

    /** The whole registry state. */
    public record State(long revision, List<StoredObject> objects) {
        public State {
            objects = List.copyOf(objects);
        }
    }

    private RegistryFile() {
    }

    /**
     * @throws RegistryFileException when the file is not a registry file of this format (not JSON,
     *                               another format_version, missing or malformed content)
     * @throws UncheckedIOException  when the file cannot be read
     */
    public static State read(Path file) {
        if (!Files.exists(file)) {
            return new State(0, List.of());
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new RegistryFileException(file, "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read registry " + file, e);
        }
        int format = root == null ? -1 : root.path("format_version").asInt(-1);
        if (format != FORMAT_VERSION) {
            throw new RegistryFileException(file, "unsupported format_version " + format, null);
        }
        try {
            return state(root);
        } catch (RuntimeException e) {
            // a missing key (null node), a wrong kind, type, duration or time: the file was edited or damaged
            throw new RegistryFileException(file, "corrupt content: "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
        }
    }

    private static State state(JsonNode root) {
        List<StoredObject> objects = new ArrayList<>();
        for (JsonNode o : required(root, "objects")) {
            List<RegisteredSpec> versions = new ArrayList<>();
            for (JsonNode v : required(o, "versions")) {
                versions.add(new RegisteredSpec(meta(o, v), SpecCodec.decode(required(v, "spec"))));
            }
            JsonNode retired = o.get("retired_at");
            objects.add(new StoredObject(SpecCodec.kind(required(o, "kind").asText()), required(o, "name").asText(),
                    versions, retired == null || retired.isNull() ? null : Instant.parse(retired.asText())));
        }
        return new State(required(root, "revision").asLong(), objects);
    }

    private static JsonNode required(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing '" + key + "'");
        }
        return v;
    }

    public static void write(Path file, State state) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        root.put("revision", state.revision());
        ArrayNode objects = root.putArray("objects");
        for (StoredObject o : state.objects()) {
            ObjectNode on = objects.addObject();
            on.put("kind", SpecCodec.kindName(o.kind()));
            on.put("name", o.name());
            on.put("retired_at", o.retiredAt() == null ? null : o.retiredAt().toString());
            ArrayNode versions = on.putArray("versions");
            for (RegisteredSpec v : o.versions()) {
                Meta m = v.meta();
                ObjectNode vn = versions.addObject();
                vn.put("version", m.version());
                vn.put("content_hash", m.contentHash());
                vn.put("created_at", m.createdAt().toString());
                vn.put("updated_at", m.updatedAt().toString());
                ArrayNode lineage = vn.putArray("lineage");
                m.lineage().forEach(lineage::add);
                vn.set("spec", SpecCodec.canonical(SpecCodec.encode(v.spec())));
            }
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            MAPPER.writeValue(tmp.toFile(), root);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write registry " + file, e);
        }
    }

    private static Meta meta(JsonNode object, JsonNode version) {
        List<String> lineage = new ArrayList<>();
        required(version, "lineage").forEach(l -> lineage.add(l.asText()));
        return new Meta(required(object, "name").asText(), SpecCodec.kind(required(object, "kind").asText()),
                required(version, "version").asInt(), required(version, "content_hash").asText(),
                Instant.parse(required(version, "created_at").asText()),
                Instant.parse(required(version, "updated_at").asText()), lineage);
    }
}
