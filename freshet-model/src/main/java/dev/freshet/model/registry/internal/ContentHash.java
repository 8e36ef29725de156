package dev.freshet.model.registry.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.model.spec.Spec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of a spec's canonical JSON (compact, keys sorted, defaults resolved; see {@link SpecCodec#hashForm}). */
public final class ContentHash {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ContentHash() {
    }

    public static String of(Spec spec) {
        try {
            byte[] canonical = MAPPER.writeValueAsString(SpecCodec.hashForm(spec))
                    .getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash " + spec.kind() + " " + spec.name(), e);
        }
    }
}
