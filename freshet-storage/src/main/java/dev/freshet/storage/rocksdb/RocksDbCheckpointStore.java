package dev.freshet.storage.rocksdb;

import dev.freshet.storage.Checkpoint;
import dev.freshet.storage.CheckpointInfo;
import dev.freshet.storage.CheckpointStore;
import dev.freshet.storage.CorruptStorageException;
import dev.freshet.storage.StorageException;
import dev.freshet.storage.rocksdb.ManifestCodec.BlobEntry;
import dev.freshet.storage.rocksdb.ManifestCodec.Manifest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32C;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Checkpoints on RocksDB: a manifest per checkpoint in {@code checkpoints}, its blobs cut into
 * chunks in {@code checkpoint_chunks} (layouts in {@link Keys} and {@link ManifestCodec}).
 *
 * <p><b>Atomic save.</b> (1) The chunks are written in batches of at most 64 MiB without the WAL,
 * so a 500 MB checkpoint is written once (not WAL + memtable flush) and never needs a 500 MB write
 * batch in native memory; (2) the chunk column family is flushed, which writes the chunks to synced
 * blob and table files; (3) one synced {@link WriteBatch} puts the manifest and, for retention,
 * deletes the manifests and chunk ranges of checkpoints older than the newest K. A checkpoint exists
 * if and only if its manifest does, and the manifest is written only after its chunks are on disk,
 * so a crash at any point leaves the previous checkpoint loadable; chunks without a manifest (a torn
 * save) are deleted when the directory is opened. Ids only grow, even across torn saves.
 *
 * <p><b>Large blobs.</b> The chunk column family uses RocksDB's integrated BlobDB: chunk values go
 * to blob files at flush and compactions move only small references, so retiring a checkpoint
 * (range delete + a compaction of the tiny reference files) frees its blob files without rewriting
 * the live checkpoints.
 *
 * <p><b>Integrity.</b> The manifest carries each blob's length, chunk count and CRC-32C; loading
 * checks all three. Loads read manifest and chunks from one RocksDB snapshot, so a concurrent save
 * (and its retention) cannot remove chunks from under a load.
 */
final class RocksDbCheckpointStore implements CheckpointStore {
    private static final System.Logger LOG = System.getLogger(RocksDbCheckpointStore.class.getName());
    private static final long MAX_CHUNK_BATCH_BYTES = 64L << 20;
    private static final long LOAD_READAHEAD_BYTES = 8L << 20;

    private final RocksDB db;
    private final ColumnFamilyHandle manifestsCf;
    private final ColumnFamilyHandle chunksCf;
    private final Guard guard;
    private final StorageOptions options;
    private final Object saveLock = new Object();
    /** Ids of the retained checkpoints; guarded by saveLock. */
    private final TreeSet<Long> retained;
    /** Next id; guarded by saveLock. */
    private long nextId;
    private volatile boolean closed;

    private RocksDbCheckpointStore(RocksDB db, ColumnFamilyHandle manifestsCf, ColumnFamilyHandle chunksCf,
                                   Guard guard, StorageOptions options, TreeSet<Long> retained, long nextId) {
        this.db = db;
        this.manifestsCf = manifestsCf;
        this.chunksCf = chunksCf;
        this.guard = guard;
        this.options = options;
        this.retained = retained;
        this.nextId = nextId;
    }

    /** Opens the store and deletes chunks that belong to no manifest (torn saves). */
    static RocksDbCheckpointStore open(RocksDB db, ColumnFamilyHandle manifestsCf, ColumnFamilyHandle chunksCf,
                                       Guard guard, StorageOptions options) throws RocksDBException {
        TreeSet<Long> ids = new TreeSet<>();
        try (RocksIterator it = db.newIterator(manifestsCf)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                ids.add(Keys.int64(it.key()));
            }
            it.status();
        }
        long maxSeen = ids.isEmpty() ? 0 : ids.last();
        int orphans = 0;
        try (RocksIterator it = db.newIterator(chunksCf)) {
            it.seekToFirst();
            while (it.isValid()) {
                long id = Keys.chunkKeyCheckpoint(it.key());
                maxSeen = Math.max(maxSeen, id);
                if (!ids.contains(id)) {
                    db.deleteRange(chunksCf, Keys.chunkKey(id, 0, 0), Keys.chunkKey(id + 1, 0, 0));
                    orphans++;
                }
                it.seek(Keys.chunkKey(id + 1, 0, 0));
            }
            it.status();
        }
        if (orphans > 0) {
            LOG.log(System.Logger.Level.INFO, "removed the chunks of {0} incomplete checkpoint(s)", orphans);
            db.compactRange(chunksCf);
        }
        return new RocksDbCheckpointStore(db, manifestsCf, chunksCf, guard, options, ids, maxSeen + 1);
    }

    @Override
    public long save(Checkpoint checkpoint) {
        synchronized (saveLock) {
            checkOpen();
            try (Guard.Access _ = guard.enter()) {
                long id = nextId++;
                List<BlobEntry> blobs;
                try {
                    blobs = writeChunks(id, checkpoint);
                    // The chunks were written without the WAL: make them durable before the manifest.
                    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                        db.flush(flush, chunksCf);
                    }
                } catch (RocksDBException | RuntimeException e) {
                    deleteChunksQuietly(id);
                    throw e;
                }
                List<Long> retiring = new ArrayList<>();
                int keepOthers = options.checkpointsToKeep() - 1;
                List<Long> older = new ArrayList<>(retained.descendingSet());
                for (int i = keepOthers; i < older.size(); i++) {
                    retiring.add(older.get(i));
                }
                Manifest manifest = new Manifest(id, checkpoint.createdAtMillis(), checkpoint.formatVersion(),
                        options.checkpointChunkBytes(), checkpoint.positions(), blobs);
                try (WriteBatch commit = new WriteBatch(); WriteOptions sync = new WriteOptions().setSync(true)) {
                    commit.put(manifestsCf, Keys.checkpointKey(id), ManifestCodec.encode(manifest));
                    for (long old : retiring) {
                        commit.delete(manifestsCf, Keys.checkpointKey(old));
                        commit.deleteRange(chunksCf, Keys.chunkKey(old, 0, 0), Keys.chunkKey(old + 1, 0, 0));
                    }
                    db.write(sync, commit);
                }
                retained.add(id);
                retained.removeAll(retiring);
                if (!retiring.isEmpty()) {
                    reclaimRetired(id);
                }
                return id;
            } catch (RocksDBException e) {
                throw new StorageException("saving a checkpoint failed: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Compacts the chunk family so the retired checkpoints' blob files are deleted. The checkpoint
     * is already saved: a failure here only delays reclaiming space (the next save retries), so it
     * is logged, not reported as a failed save.
     */
    private void reclaimRetired(long savedId) {
        try {
            db.compactRange(chunksCf);
        } catch (RocksDBException e) {
            LOG.log(System.Logger.Level.WARNING, "checkpoint " + savedId + " is saved, but reclaiming the space of retired"
                    + " checkpoints failed (retried after the next save): " + e.getMessage(), e);
        }
    }

    private List<BlobEntry> writeChunks(long id, Checkpoint checkpoint) throws RocksDBException {
        List<BlobEntry> entries = new ArrayList<>();
        int chunkBytes = options.checkpointChunkBytes();
        try (WriteOptions noWal = new WriteOptions().setDisableWAL(true); WriteBatch batch = new WriteBatch()) {
            int index = 0;
            for (Map.Entry<String, byte[]> e : checkpoint.blobs().entrySet()) {
                byte[] blob = e.getValue();
                int chunks = (int) ((blob.length + (long) chunkBytes - 1) / chunkBytes);
                CRC32C crc = new CRC32C();
                crc.update(blob);
                for (int j = 0; j < chunks; j++) {
                    int from = (int) ((long) j * chunkBytes);
                    int to = (int) Math.min(blob.length, (long) from + chunkBytes);
                    batch.put(chunksCf, Keys.chunkKey(id, index, j), Arrays.copyOfRange(blob, from, to));
                    if (batch.getDataSize() >= MAX_CHUNK_BATCH_BYTES) {
                        db.write(noWal, batch);
                        batch.clear();
                    }
                }
                entries.add(new BlobEntry(e.getKey(), blob.length, chunks, (int) crc.getValue()));
                index++;
            }
            if (batch.count() > 0) {
                db.write(noWal, batch);
            }
        }
        return entries;
    }

    private void deleteChunksQuietly(long id) {
        try {
            db.deleteRange(chunksCf, Keys.chunkKey(id, 0, 0), Keys.chunkKey(id + 1, 0, 0));
        } catch (RocksDBException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete the chunks of failed checkpoint " + id
                    + " (they are removed at the next open)", e);
        }
    }

    @Override
    public Optional<Checkpoint> loadLatest() {
        checkOpen();
        List<String> damaged = new ArrayList<>();
        try (Guard.Access _ = guard.enter(); Reading reading = new Reading();
             RocksIterator it = db.newIterator(manifestsCf, reading.readOptions)) {
            for (it.seekToLast(); it.isValid(); it.prev()) {
                long id = Keys.int64(it.key());
                try {
                    Checkpoint c = reading.read(ManifestCodec.decode(it.value()), id);
                    if (!damaged.isEmpty()) {
                        LOG.log(System.Logger.Level.WARNING, "newer checkpoint(s) damaged, restored checkpoint {0}"
                                + " instead: {1}", id, damaged);
                    }
                    return Optional.of(c);
                } catch (CorruptStorageException e) {
                    damaged.add("checkpoint " + id + ": " + e.getMessage());
                }
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StorageException("loading the latest checkpoint failed: " + e.getMessage(), e);
        }
        if (damaged.isEmpty()) {
            return Optional.empty();
        }
        throw new CorruptStorageException("no intact checkpoint: " + String.join("; ", damaged));
    }

    @Override
    public Optional<Checkpoint> load(long id) {
        checkOpen();
        try (Guard.Access _ = guard.enter(); Reading reading = new Reading()) {
            byte[] manifest = db.get(manifestsCf, reading.readOptions, Keys.checkpointKey(id));
            return manifest == null ? Optional.empty()
                    : Optional.of(reading.read(ManifestCodec.decode(manifest), id));
        } catch (RocksDBException e) {
            throw new StorageException("loading checkpoint " + id + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<CheckpointInfo> list() {
        checkOpen();
        List<CheckpointInfo> infos = new ArrayList<>();
        try (Guard.Access _ = guard.enter(); RocksIterator it = db.newIterator(manifestsCf)) {
            for (it.seekToLast(); it.isValid(); it.prev()) {
                try {
                    Manifest m = ManifestCodec.decode(it.value());
                    Map<String, Long> sizes = new TreeMap<>();
                    m.blobs().forEach(b -> sizes.put(b.name(), b.length()));
                    infos.add(new CheckpointInfo(m.id(), m.createdAtMillis(), m.formatVersion(), m.positions(), sizes));
                } catch (CorruptStorageException e) {
                    LOG.log(System.Logger.Level.WARNING, "checkpoint " + Keys.int64(it.key()) + " is damaged", e);
                }
            }
            it.status();
        } catch (RocksDBException e) {
            throw new StorageException("listing checkpoints failed: " + e.getMessage(), e);
        }
        return infos;
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("checkpoint store is closed");
        }
    }

    /** Reads manifest and chunks from one snapshot. Must be created and closed under the guard. */
    private final class Reading implements AutoCloseable {
        final Snapshot snapshot = db.getSnapshot();
        final ReadOptions readOptions = new ReadOptions().setSnapshot(snapshot).setFillCache(false)
                .setReadaheadSize(LOAD_READAHEAD_BYTES);

        Checkpoint read(Manifest m, long id) throws RocksDBException {
            if (m.id() != id) {
                throw new CorruptStorageException("checkpoint " + id + ": manifest names id " + m.id());
            }
            Map<String, byte[]> blobs = new TreeMap<>();
            try (RocksIterator it = db.newIterator(chunksCf, readOptions)) {
                for (int i = 0; i < m.blobs().size(); i++) {
                    BlobEntry b = m.blobs().get(i);
                    blobs.put(b.name(), readBlob(it, id, i, b));
                }
            }
            return new Checkpoint(m.createdAtMillis(), m.formatVersion(), m.positions(), blobs);
        }

        private byte[] readBlob(RocksIterator it, long id, int index, BlobEntry b) throws RocksDBException {
            String what = "checkpoint " + id + ", blob " + b.name();
            if (b.length() < 0 || b.length() > Integer.MAX_VALUE - 16 || b.chunks() < 0) {
                throw new CorruptStorageException(what + ": bad length " + b.length() + " / chunks " + b.chunks());
            }
            byte[] blob = new byte[(int) b.length()];
            int pos = 0;
            it.seek(Keys.chunkKey(id, index, 0));
            for (int j = 0; j < b.chunks(); j++) {
                if (!it.isValid()) {
                    it.status();
                    throw new CorruptStorageException(what + ": chunk " + j + " of " + b.chunks() + " missing");
                }
                byte[] key = it.key();
                if (Keys.chunkKeyCheckpoint(key) != id || Keys.chunkKeyBlob(key) != index
                        || Keys.chunkKeyChunk(key) != j) {
                    throw new CorruptStorageException(what + ": chunk " + j + " of " + b.chunks() + " missing");
                }
                int n = it.value(blob, pos, blob.length - pos);
                if (n > blob.length - pos) {
                    throw new CorruptStorageException(what + ": chunks longer than the blob's " + b.length() + " bytes");
                }
                pos += n;
                it.next();
            }
            if (pos != blob.length) {
                throw new CorruptStorageException(what + ": " + pos + " bytes in chunks, expected " + b.length());
            }
            CRC32C crc = new CRC32C();
            crc.update(blob);
            if ((int) crc.getValue() != b.crc()) {
                throw new CorruptStorageException(what + ": checksum mismatch");
            }
            return blob;
        }

        @Override
        public void close() {
            readOptions.close();
            db.releaseSnapshot(snapshot);
        }
    }
}
