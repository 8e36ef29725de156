package dev.freshet.storage.rocksdb;

import dev.freshet.storage.DeadLetterQuery;
import dev.freshet.storage.DeadLetterRecord;
import dev.freshet.storage.DeadLetterStore;
import dev.freshet.storage.StorageException;
import dev.freshet.storage.StoredDeadLetter;
import dev.freshet.storage.internal.Checks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Dead letters on RocksDB, in the {@code dead_letters} column family (layout in {@link Keys}): the
 * letters by id, an index by reason (so a filtered listing reads only that reason's letters), a
 * deduplication index by (source, partition, seq), and a counter per reason written in the same
 * batch as the letters it counts. Appends are serialized (one monitor): the duplicate check, id
 * assignment and counter update need one writer, and dead letters are rare.
 *
 * <p>Writes go to the WAL without their own fsync: they survive a process crash at once and reach
 * the disk with the next synced write (a log group under {@link FsyncPolicy#ALWAYS}, at the latest
 * the next checkpoint). A letter lost to a power cut before that is re-created by the engine's
 * replay of the log, and deduplication makes the replay store each letter once.
 */
final class RocksDbDeadLetterStore implements DeadLetterStore {
    private static final byte[] EMPTY = new byte[0];

    private final RocksDB db;
    private final ColumnFamilyHandle cf;
    private final Guard guard;
    private final WriteOptions writeOptions = new WriteOptions();
    /** Guarded by this. */
    private final TreeMap<String, Long> counts;
    private long nextId;
    private long total;
    private volatile boolean closed;

    private record EventKey(String source, int partition, long seq) {
    }

    private RocksDbDeadLetterStore(RocksDB db, ColumnFamilyHandle cf, Guard guard, TreeMap<String, Long> counts,
                                   long nextId) {
        this.db = db;
        this.cf = cf;
        this.guard = guard;
        this.counts = counts;
        this.nextId = nextId;
        this.total = counts.values().stream().mapToLong(Long::longValue).sum();
    }

    static RocksDbDeadLetterStore open(RocksDB db, ColumnFamilyHandle cf, Guard guard) throws RocksDBException {
        TreeMap<String, Long> counts = new TreeMap<>();
        long lastId = 0;
        try (RocksIterator it = db.newIterator(cf)) {
            byte[] countPrefix = {Keys.COUNT};
            for (it.seek(countPrefix); it.isValid() && Keys.startsWith(it.key(), countPrefix); it.next()) {
                counts.put(Keys.countKeyReason(it.key()), Keys.int64(it.value()));
            }
            it.seekForPrev(Keys.letterKey(Long.MAX_VALUE));
            if (it.isValid() && it.key()[0] == Keys.LETTER) {
                lastId = Keys.letterKeyId(it.key());
            }
            it.status();
        }
        byte[] assigned = db.get(cf, Keys.LAST_LETTER_ID); // absent in directories written before it existed
        if (assigned != null) {
            lastId = Math.max(lastId, Keys.int64(assigned));
        }
        return new RocksDbDeadLetterStore(db, cf, guard, counts, lastId + 1);
    }

    @Override
    public long append(DeadLetterRecord letter) {
        return appendAll(List.of(letter)).getFirst();
    }

    @Override
    public synchronized List<Long> appendAll(List<DeadLetterRecord> letters) {
        for (DeadLetterRecord d : letters) {
            Objects.requireNonNull(d, "letter");
            Checks.reason(d.reason());
        }
        checkOpen();
        List<Long> ids = new ArrayList<>(letters.size());
        Map<EventKey, Long> inBatch = new HashMap<>();
        Map<String, Long> added = new TreeMap<>();
        long id = nextId;
        try (Guard.Access _ = guard.enter(); WriteBatch batch = new WriteBatch()) {
            for (DeadLetterRecord d : letters) {
                byte[] eventKey = null;
                EventKey event = null;
                if (d.seq() >= 0) {
                    event = new EventKey(d.source(), d.partition(), d.seq());
                    Long seen = inBatch.get(event);
                    eventKey = Keys.eventKey(d.source(), d.partition(), d.seq());
                    byte[] stored = seen == null ? db.get(cf, eventKey) : null;
                    if (seen != null || stored != null) {
                        ids.add(seen != null ? seen : Keys.int64(stored));
                        continue;
                    }
                }
                long letterId = id++;
                batch.put(cf, Keys.letterKey(letterId), DeadLetterCodec.encode(d));
                batch.put(cf, Keys.reasonKey(Keys.reasonPrefix(d.reason()), letterId), EMPTY);
                if (event != null) {
                    batch.put(cf, eventKey, Keys.int64(letterId));
                    inBatch.put(event, letterId);
                }
                added.merge(d.reason(), 1L, Long::sum);
                ids.add(letterId);
            }
            added.forEach((reason, n) -> {
                try {
                    batch.put(cf, Keys.countKey(reason), Keys.int64(counts.getOrDefault(reason, 0L) + n));
                } catch (RocksDBException e) {
                    throw new StorageException("storing dead letters failed: " + e.getMessage(), e);
                }
            });
            if (id > nextId) {
                batch.put(cf, Keys.LAST_LETTER_ID, Keys.int64(id - 1));
            }
            if (batch.count() > 0) {
                db.write(writeOptions, batch);
            }
        } catch (RocksDBException e) {
            throw new StorageException("storing dead letters failed: " + e.getMessage(), e);
        }
        nextId = id;
        added.forEach((reason, n) -> {
            counts.merge(reason, n, Long::sum);
            total += n;
        });
        return ids;
    }

    @Override
    public List<StoredDeadLetter> list(DeadLetterQuery query) {
        checkOpen();
        List<StoredDeadLetter> out = new ArrayList<>();
        if (query.limit() == 0 || query.beforeId() <= 1) {
            return out;
        }
        // One snapshot for the index walk and the letters it points to: a removal committed between
        // the two (a source rebuilt while letters are listed) must not look like a broken index.
        try (Guard.Access _ = guard.enter()) {
            Snapshot snapshot = db.getSnapshot();
            try (ReadOptions read = new ReadOptions().setSnapshot(snapshot); RocksIterator it = db.newIterator(cf, read)) {
                listInto(out, query, it, read);
            } finally {
                db.releaseSnapshot(snapshot);
            }
        } catch (RocksDBException e) {
            throw new StorageException("listing dead letters failed: " + e.getMessage(), e);
        }
        return out;
    }

    private void listInto(List<StoredDeadLetter> out, DeadLetterQuery query, RocksIterator it, ReadOptions read)
            throws RocksDBException {
        if (query.reason() != null) {
            byte[] prefix = Keys.reasonPrefix(query.reason());
            for (it.seekForPrev(Keys.reasonKey(prefix, query.beforeId() - 1));
                 it.isValid() && Keys.startsWith(it.key(), prefix) && out.size() < query.limit(); it.prev()) {
                long id = Keys.reasonKeyId(it.key());
                byte[] value = db.get(cf, read, Keys.letterKey(id));
                if (value == null) {
                    throw new StorageException("dead letter " + id + " is indexed but missing");
                }
                addIfMatches(out, query, id, value);
            }
        } else {
            for (it.seekForPrev(Keys.letterKey(query.beforeId() - 1));
                 it.isValid() && it.key()[0] == Keys.LETTER && out.size() < query.limit(); it.prev()) {
                addIfMatches(out, query, Keys.letterKeyId(it.key()), it.value());
            }
        }
        it.status();
    }

    private static void addIfMatches(List<StoredDeadLetter> out, DeadLetterQuery query, long id, byte[] value) {
        DeadLetterRecord d = DeadLetterCodec.decode(value);
        if (query.matches(d)) {
            out.add(new StoredDeadLetter(id, d));
        }
    }

    @Override
    public synchronized Map<String, Long> countsByReason() {
        checkOpen();
        return new TreeMap<>(counts);
    }

    @Override
    public synchronized long count() {
        checkOpen();
        return total;
    }

    @Override
    public synchronized long removeReplayable(String source) {
        checkOpen();
        byte[] prefix = Keys.eventKeyPrefix(source);
        Map<String, Long> removed = new TreeMap<>();
        Map<String, Long> left = new TreeMap<>(); // the counts of the reasons touched, after the removal
        try (Guard.Access _ = guard.enter(); WriteBatch batch = new WriteBatch(); RocksIterator it = db.newIterator(cf)) {
            for (it.seek(prefix); it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
                long id = Keys.int64(it.value());
                byte[] value = db.get(cf, Keys.letterKey(id));
                if (value == null) {
                    throw new StorageException("dead letter " + id + " is indexed but missing");
                }
                String reason = DeadLetterCodec.decode(value).reason();
                batch.delete(cf, Keys.letterKey(id));
                batch.delete(cf, Keys.reasonKey(Keys.reasonPrefix(reason), id));
                batch.delete(cf, it.key());
                removed.merge(reason, 1L, Long::sum);
            }
            it.status();
            for (Map.Entry<String, Long> e : removed.entrySet()) {
                long n = counts.getOrDefault(e.getKey(), 0L) - e.getValue();
                left.put(e.getKey(), n);
                if (n > 0) {
                    batch.put(cf, Keys.countKey(e.getKey()), Keys.int64(n));
                } else {
                    batch.delete(cf, Keys.countKey(e.getKey()));
                }
            }
            if (batch.count() > 0) {
                db.write(writeOptions, batch);
            }
        } catch (RocksDBException e) {
            throw new StorageException("removing dead letters of " + source + " failed: " + e.getMessage(), e);
        }
        left.forEach((reason, n) -> {
            if (n > 0) {
                counts.put(reason, n);
            } else {
                counts.remove(reason);
            }
        });
        long n = removed.values().stream().mapToLong(Long::longValue).sum();
        total -= n;
        return n;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Frees native options; the storage calls it under the guard's exclusive lock. */
    void releaseNative() {
        writeOptions.close();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("dead-letter store is closed");
        }
    }
}
