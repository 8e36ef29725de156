package dev.freshet.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.freshet.storage.CorruptStorageException;
import dev.freshet.storage.DeadLetterRecord;
import dev.freshet.storage.rocksdb.ManifestCodec.BlobEntry;
import dev.freshet.storage.rocksdb.ManifestCodec.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Golden files of the stored value formats (STYLE.md #12): {@code golden/checkpoint-manifest-v1.bin}
 * and {@code golden/dead-letter-v1.bin} are the encodings of the fixed values below. Today's code
 * must decode the committed bytes to exactly these values and re-encode them to the same bytes.
 *
 * <p>Rules: files of a released version are never overwritten; a new format version gets new files
 * ({@code *-v<N>.bin}) and the old ones must keep decoding (add a decoder path, not a new file).
 *
 * <p>Regenerate (writes only missing files of the current versions):
 * {@code ./mvnw -o test -pl freshet-storage -Dtest=StorageFormatGoldenTest -Dfreshet.golden.regenerate=true}
 */
class StorageFormatGoldenTest {
    private static final String MANIFEST = "checkpoint-manifest-v" + ManifestCodec.VERSION + ".bin";
    private static final String DEAD_LETTER = "dead-letter-v" + DeadLetterCodec.VERSION + ".bin";

    static Manifest manifest() {
        Map<String, Long> positions = new LinkedHashMap<>();
        positions.put("clicks", 0L);
        positions.put("payments", 1_234_567_890_123L);
        positions.put("zahlungen-ü", 7L);
        return new Manifest(42, 1_700_000_000_000L, 3, 4 << 20, positions, List.of(
                new BlobEntry("card_txn", 9_000_000L, 3, 0x1234_5678),
                new BlobEntry("empty", 0L, 0, 0),
                new BlobEntry("merchant", 17L, 1, -2)));
    }

    static DeadLetterRecord deadLetter() {
        return new DeadLetterRecord("payments", 3, 1_234_567L, 1_700_000_000_123L, 1_700_000_060_000L, "TOO_LATE",
                "event time 1700000000123 is older than watermark 1700000050000 - 10s",
                "{\"card\":\"c-1\",\"amount\":12.5,\"note\":\"caf\u00e9\"}");
    }

    @Test
    void checkpointManifestV1DecodesAndReencodesByteForByte() throws IOException {
        byte[] golden = read(MANIFEST);
        assertEquals(manifest(), ManifestCodec.decode(golden));
        assertArrayEquals(golden, ManifestCodec.encode(manifest()));
    }

    @Test
    void deadLetterV1DecodesAndReencodesByteForByte() throws IOException {
        byte[] golden = read(DEAD_LETTER);
        assertEquals(deadLetter(), DeadLetterCodec.decode(golden));
        assertArrayEquals(golden, DeadLetterCodec.encode(deadLetter()));
    }

    @Test
    void nullPayloadRoundTrips() {
        DeadLetterRecord d = new DeadLetterRecord("s", 0, -1, Long.MIN_VALUE, 0, "R", "", null);
        assertEquals(d, DeadLetterCodec.decode(DeadLetterCodec.encode(d)));
    }

    @Test
    void damagedBytesAreReportedAsCorrupt() throws IOException {
        for (byte[] golden : List.of(read(MANIFEST), read(DEAD_LETTER))) {
            for (int i = 0; i < golden.length; i += 7) {
                byte[] damaged = golden.clone();
                damaged[i] ^= 0x10;
                assertThrows(CorruptStorageException.class, () -> {
                    ManifestCodec.decode(damaged);
                    DeadLetterCodec.decode(damaged);
                });
            }
            assertThrows(CorruptStorageException.class, () -> DeadLetterCodec.decode(new byte[3]));
        }
    }

    private static byte[] read(String name) throws IOException {
        try (InputStream in = StorageFormatGoldenTest.class.getResourceAsStream("/golden/" + name)) {
            assertNotNull(in, "missing golden file " + name + " (see the class comment to generate it)");
            return in.readAllBytes();
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "freshet.golden.regenerate", matches = "true")
    void regenerateGoldenFilesOfTheCurrentVersions() throws IOException {
        Path dir = Path.of(System.getProperty("basedir", "."), "src", "test", "resources", "golden");
        Files.createDirectories(dir);
        writeNew(dir.resolve(MANIFEST), ManifestCodec.encode(manifest()));
        writeNew(dir.resolve(DEAD_LETTER), DeadLetterCodec.encode(deadLetter()));
    }

    private static void writeNew(Path file, byte[] content) throws IOException {
        if (!Files.exists(file)) {
            Files.write(file, content);
        }
    }
}
