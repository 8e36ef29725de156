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
 * Golden files of the stored value formats (STYLE.md #12): {@code golden/checkpoint-manifest-v1.bin},
 * {@code golden/dead-letter-v1.bin} and {@code golden/log-segment-v1.bin} are the encodings of the
 * fixed values below. Today's code
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
    private static final String LOG_SEGMENT = "log-segment-v" + LogSegments.VERSION + ".bin";

    /** Records of the golden log segment: empty, one byte, UTF-8, and one whose length needs a 2-byte varint. */
    static List<byte[]> segmentRecords() {
        byte[] long200 = new byte[200];
        for (int i = 0; i < long200.length; i++) {
            long200[i] = (byte) (i * 7);
        }
        return List.of(new byte[0], new byte[] {42}, "{\"card\":\"c-1\",\"note\":\"caf\u00e9\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                long200);
    }

    static List<byte[]> decodeSegment(byte[] segment, int count) {
        List<byte[]> out = new java.util.ArrayList<>();
        int pos = LogSegments.start(segment, "s", 0);
        for (int i = 0; i < count; i++) {
            long rec = LogSegments.record(segment, pos, "s", i);
            int start = (int) (rec >>> 32);
            out.add(java.util.Arrays.copyOfRange(segment, start, start + (int) rec));
            pos = start + (int) rec;
        }
        assertEquals(segment.length, pos, "the segment ends after its last record");
        return out;
    }

    @Test
    void logSegmentV1DecodesAndReencodesByteForByte() throws IOException {
        byte[] golden = read(LOG_SEGMENT);
        List<byte[]> records = decodeSegment(golden, segmentRecords().size());
        for (int i = 0; i < records.size(); i++) {
            assertArrayEquals(segmentRecords().get(i), records.get(i), "record " + i);
        }
        assertArrayEquals(golden, LogSegments.encode(segmentRecords(), 0, segmentRecords().size()));
        // a truncated or unknown-version segment is reported, never misread
        for (int cut = 0; cut < golden.length; cut++) {
            byte[] damaged = java.util.Arrays.copyOf(golden, cut);
            assertThrows(CorruptStorageException.class, () -> decodeSegment(damaged, segmentRecords().size()), "cut at " + cut);
        }
        byte[] future = golden.clone();
        future[0] = 2;
        assertThrows(CorruptStorageException.class, () -> decodeSegment(future, 1));
    }

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
        writeNew(dir.resolve(LOG_SEGMENT), LogSegments.encode(segmentRecords(), 0, segmentRecords().size()));
    }

    private static void writeNew(Path file, byte[] content) throws IOException {
        if (!Files.exists(file)) {
            Files.write(file, content);
        }
    }
}
