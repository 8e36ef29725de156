package dev.freshet.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.storage.Checkpoint;
import dev.freshet.storage.CheckpointStoreContractTest;
import dev.freshet.storage.CorruptStorageException;
import dev.freshet.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint contract on RocksDB with small (64 KiB) chunks so that most blobs span several,
 * plus torn saves, damage, disk space and a blob of hundreds of megabytes at the default chunk size.
 */
class RocksDbCheckpointStoreTest extends CheckpointStoreContractTest {
    static final int CHUNK = 64 << 10;

    @Override
    protected Storage open(Path dir) {
        return EmbeddedStorage.open(dir, StorageOptions.defaults().withCheckpointChunkBytes(CHUNK)
                .withCheckpointsToKeep(KEEP));
    }

    @Override
    protected boolean durable() {
        return true;
    }

    private EmbeddedStorage embedded() {
        return (EmbeddedStorage) storage;
    }

    private ColumnFamilyHandle chunks() {
        return embedded().family(RocksDbTuning.CHECKPOINT_CHUNKS);
    }

    /**
     * A process that died after writing (and flushing) some chunks of a new checkpoint but before
     * its manifest: the chunks are on disk, the manifest is not.
     */
    @Override
    protected void crashDuringSave(Checkpoint checkpoint) {
        long tornId = store().list().getFirst().id() + 1;
        byte[] blob = checkpoint.blobs().get("card_txn");
        try {
            for (int j = 0; j * CHUNK < blob.length / 2; j++) {
                embedded().db().put(chunks(), Keys.chunkKey(tornId, 0, j),
                        Arrays.copyOfRange(blob, j * CHUNK, Math.min(blob.length, (j + 1) * CHUNK)));
            }
        } catch (RocksDBException e) {
            throw new AssertionError(e);
        }
        assertTrue(chunkCount(tornId) > 0);
        reopen();
        assertEquals(0, chunkCount(tornId), "open removes the torn checkpoint's chunks");
    }

    private long chunkCount(long checkpointId) {
        long n = 0;
        try (RocksIterator it = embedded().db().newIterator(chunks())) {
            for (it.seek(Keys.chunkKey(checkpointId, 0, 0));
                 it.isValid() && Keys.chunkKeyCheckpoint(it.key()) == checkpointId; it.next()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void damagedNewestCheckpointFallsBackToThePreviousOne() throws RocksDBException {
        store().save(derived(1, 200_000));
        long newest = store().save(derived(2, 200_000));
        byte[] key = Keys.chunkKey(newest, 0, 1);
        byte[] chunk = embedded().db().get(chunks(), key);
        chunk[100] ^= 1;
        embedded().db().put(chunks(), key, chunk);
        assertEquals(derived(1, 200_000), store().loadLatest().orElseThrow());
        CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> store().load(newest));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void missingChunkIsDetected() throws RocksDBException {
        long id = store().save(derived(1, 200_000));
        embedded().db().delete(chunks(), Keys.chunkKey(id, 0, 2));
        CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> store().load(id));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void noIntactCheckpointFailsLoudlyInsteadOfStartingEmpty() throws RocksDBException {
        long a = store().save(derived(1, 1_000));
        long b = store().save(derived(2, 1_000));
        for (long id : new long[] {a, b}) {
            embedded().db().put(embedded().family(RocksDbTuning.CHECKPOINTS), Keys.checkpointKey(id), new byte[] {1, 2});
        }
        assertThrows(CorruptStorageException.class, () -> store().loadLatest());
    }

    @Test
    void retiredCheckpointsFreeTheirDiskSpace() throws IOException {
        int size = 4 << 20;
        for (int i = 1; i <= 8; i++) {
            store().save(derived(i, size));
        }
        long blobFiles = bytesOf(".blob");
        // 2 retained checkpoints of ~2 x 4 MiB of incompressible bytes; allow one more in flight
        assertTrue(blobFiles < 3L * 2 * (size + 1_000) + (1 << 20), "blob files hold " + blobFiles + " bytes");
        assertEquals(derived(8, size), store().loadLatest().orElseThrow());
    }

    private long bytesOf(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(suffix)).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void blobOfHundredsOfMegabytesRoundTripsAtTheDefaultChunkSize() {
        storage.close();
        storage = EmbeddedStorage.open(dir);
        byte[] big = new byte[(256 << 20) + 1];
        new SplittableRandom(3).nextBytes(big);
        store().save(new Checkpoint(1, 1, Map.of("s", 5L), Map.of("tiles", big)));
        byte[] loaded = store().loadLatest().orElseThrow().blobs().get("tiles");
        assertArrayEquals(big, loaded);
    }
}
