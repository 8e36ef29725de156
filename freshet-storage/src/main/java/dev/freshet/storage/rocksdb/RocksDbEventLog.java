package dev.freshet.storage.rocksdb;

import dev.freshet.storage.AppendResult;
import dev.freshet.storage.CorruptStorageException;
import dev.freshet.storage.EventLog;
import dev.freshet.storage.LogCursor;
import dev.freshet.storage.LogOverloadedException;
import dev.freshet.storage.StorageException;
import dev.freshet.storage.internal.Checks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The event log on RocksDB, with group commit.
 *
 * <p><b>Group commit.</b> Callers never write: {@link #append} validates the batch, puts a request
 * on a bounded queue and returns its future. One committer thread takes the first waiting request,
 * drains every other waiting request (up to {@link StorageOptions#maxGroupBytes()}), assigns
 * offsets, puts all their records — as segments, one key per up to {@value LogSegments#MAX_RECORDS}
 * records of a request ({@link LogSegments}) — into ONE {@link WriteBatch}, writes it once (synced under
 * {@link FsyncPolicy#ALWAYS}), publishes the new end offsets and only then completes the futures.
 * While one group is being written (and fsynced), the next one accumulates, so one fsync is shared
 * by every batch that arrived meanwhile: the more concurrent writers, the larger the groups. Under
 * {@code ALWAYS} the write and the fsync are two steps: the group is written, the appends' written
 * callbacks run (the engine starts applying), then the WAL is fsynced — so what the batch waits
 * for to become visible does not include the fsync, and its acknowledgement still does.
 *
 * <p><b>Invariants.</b> Only the committer assigns offsets and source ids, so offsets are dense and
 * ordered without locks. A group is one atomic RocksDB write: after a crash a group is either
 * entirely present or entirely absent, so offsets stay gap-free. End offsets are published after
 * the write returned and before any future of the group completes: a caller that saw its append
 * complete sees {@link #endOffset} past it, and a cursor never reads a record whose write had not
 * returned. A new source's name → id mapping is written in the same batch as its first records.
 *
 * <p><b>Back-pressure.</b> The queue is bounded by {@link StorageOptions#appendQueueRequests()}
 * batches and {@link StorageOptions#appendQueueBytes()} bytes; past either, {@code append} returns
 * a future already failed with {@link LogOverloadedException} and nothing is queued.
 *
 * <p><b>Failure.</b> If a write fails (disk full, I/O error), the group's futures fail and the log
 * stops: every later append fails with the same {@link StorageException} (fail-stop, like RocksDB's
 * own background-error state) until the storage is reopened, because a half-understood write error
 * must not be followed by writes that could reuse offsets.
 */
final class RocksDbEventLog implements EventLog {
    private static final System.Logger LOG = System.getLogger(RocksDbEventLog.class.getName());
    /** Readahead of a cursor's iterator: replays are long sequential scans. */
    static final long READAHEAD_BYTES = 2L << 20;
    private static final int MAX_GROUP_REQUESTS = 65_536;
    private static final AppendRequest POISON = new AppendRequest("", List.of(), 0, null);

    private final RocksDB db;
    private final ColumnFamilyHandle logCf;
    private final ColumnFamilyHandle sourcesCf;
    private final Guard guard;
    private final StorageOptions options;
    private final WriteOptions writeOptions;
    private final ConcurrentHashMap<String, SourceState> sources;
    private final ArrayBlockingQueue<AppendRequest> queue;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong groupCommits = new AtomicLong();
    private final Set<Cursor> openCursors = ConcurrentHashMap.newKeySet();
    /** Held by the committer around each write; tests hold it to stall the committer. */
    final ReentrantLock commitGate = new ReentrantLock();
    private final Thread committer;
    private final ScheduledExecutorService walSyncer;
    private final Object closeLock = new Object();
    private volatile boolean closed;
    private volatile StorageException failure;
    /** Group commits covered by the last WAL fsync; WAL-sync thread only. */
    private long groupsAtLastSync;
    /** Largest source id in use; committer-owned after start. */
    private int maxSourceId;

    /** A source: its id and its durable end offset. */
    private static final class SourceState {
        final String name;
        final int id;
        volatile long end;

        SourceState(String name, int id, long end) {
            this.name = name;
            this.id = id;
            this.end = end;
        }
    }

    /** One caller's batch waiting for the committer. */
    private static final class AppendRequest {
        final String source;
        final List<byte[]> records;
        final long bytes;
        final Consumer<AppendResult> onWritten;
        final CompletableFuture<AppendResult> future = new CompletableFuture<>();
        long first;

        AppendRequest(String source, List<byte[]> records, long bytes, Consumer<AppendResult> onWritten) {
            this.source = source;
            this.records = records;
            this.bytes = bytes;
            this.onWritten = onWritten;
        }
    }

    private RocksDbEventLog(RocksDB db, ColumnFamilyHandle logCf, ColumnFamilyHandle sourcesCf, Guard guard,
                            StorageOptions options, ConcurrentHashMap<String, SourceState> sources, int maxSourceId) {
        this.db = db;
        this.logCf = logCf;
        this.sourcesCf = sourcesCf;
        this.guard = guard;
        this.options = options;
        this.sources = sources;
        this.maxSourceId = maxSourceId;
        this.queue = new ArrayBlockingQueue<>(options.appendQueueRequests());
        // never synced with the write: under ALWAYS the committer fsyncs the WAL after the written callbacks
        this.writeOptions = new WriteOptions().setSync(false);
        this.committer = Thread.ofPlatform().name("freshet-log-committer").daemon(true).unstarted(this::runCommitter);
        this.walSyncer = options.fsyncPolicy() != FsyncPolicy.INTERVAL ? null
                : Executors.newSingleThreadScheduledExecutor(
                        Thread.ofPlatform().name("freshet-wal-sync").daemon(true).factory());
    }

    /** Loads the source table and end offsets, and starts the committer. */
    static RocksDbEventLog open(RocksDB db, ColumnFamilyHandle logCf, ColumnFamilyHandle sourcesCf, Guard guard,
                                StorageOptions options) throws RocksDBException {
        ConcurrentHashMap<String, SourceState> sources = new ConcurrentHashMap<>();
        int maxId = 0;
        try (RocksIterator names = db.newIterator(sourcesCf); RocksIterator log = db.newIterator(logCf)) {
            for (names.seekToFirst(); names.isValid(); names.next()) {
                String name = new String(names.key(), StandardCharsets.UTF_8);
                int id = Keys.int32(names.value());
                log.seekForPrev(Keys.logKey(id, Long.MAX_VALUE));
                long end = 0;
                if (log.isValid() && Keys.logKeySource(log.key()) == id) {
                    byte[] last = log.key();
                    end = Keys.logKeyOffset(last) + Keys.logKeyCount(last);
                }
                log.status();
                sources.put(name, new SourceState(name, id, end));
                maxId = Math.max(maxId, id);
            }
            names.status();
            // Never reuse an id that has records, even if its name mapping were lost.
            log.seekToLast();
            if (log.isValid()) {
                maxId = Math.max(maxId, Keys.logKeySource(log.key()));
            }
            log.status();
        }
        RocksDbEventLog eventLog = new RocksDbEventLog(db, logCf, sourcesCf, guard, options, sources, maxId);
        eventLog.start();
        return eventLog;
    }

    private void start() {
        committer.start();
        if (walSyncer != null) {
            long ms = options.fsyncInterval().toMillis();
            walSyncer.scheduleWithFixedDelay(this::syncWal, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public CompletableFuture<AppendResult> append(String source, List<byte[]> records) {
        return append(source, records, null);
    }

    @Override
    public CompletableFuture<AppendResult> append(String source, List<byte[]> records, Consumer<AppendResult> onWritten) {
        Checks.source(source);
        long bytes = Checks.records(records);
        if (bytes > options.appendQueueBytes()) {
            throw new IllegalArgumentException("batch of " + bytes + " bytes exceeds the append queue's capacity of "
                    + options.appendQueueBytes() + " bytes: split it");
        }
        if (closed) {
            return CompletableFuture.failedFuture(closedException());
        }
        StorageException failed = failure;
        if (failed != null) {
            return CompletableFuture.failedFuture(stopped(failed));
        }
        AppendRequest request = new AppendRequest(source, List.copyOf(records), bytes, onWritten);
        if (queuedBytes.addAndGet(bytes) > options.appendQueueBytes()) {
            queuedBytes.addAndGet(-bytes);
            return CompletableFuture.failedFuture(overloaded());
        }
        if (!queue.offer(request)) {
            queuedBytes.addAndGet(-bytes);
            return CompletableFuture.failedFuture(overloaded());
        }
        if (closed && queue.remove(request)) {
            // close() raced with this append and the committer may already be gone
            queuedBytes.addAndGet(-bytes);
            request.future.completeExceptionally(closedException());
        }
        return request.future;
    }

    @Override
    public long endOffset(String source) {
        Checks.source(source);
        SourceState s = sources.get(source);
        return s == null ? 0 : s.end;
    }

    @Override
    public LogCursor read(String source, long fromOffset) {
        Checks.source(source);
        Checks.fromOffset(fromOffset);
        if (closed) {
            throw closedException();
        }
        SourceState s = sources.get(source);
        long end = s == null ? 0 : s.end;
        if (fromOffset >= end) {
            return new EmptyCursor();
        }
        try (Guard.Access _ = guard.enter()) {
            ReadOptions readOptions = new ReadOptions().setReadaheadSize(READAHEAD_BYTES).setFillCache(false);
            Slice upperBound = new Slice(Keys.logKey(s.id, end));
            readOptions.setIterateUpperBound(upperBound);
            Cursor cursor = new Cursor(s.name, s.id, db.newIterator(logCf, readOptions), readOptions, upperBound, fromOffset);
            openCursors.add(cursor);
            return cursor;
        }
    }

    @Override
    public List<String> sources() {
        List<String> names = new ArrayList<>();
        sources.forEach((name, s) -> {
            if (s.end > 0) {
                names.add(name);
            }
        });
        names.sort(null);
        return names;
    }

    @Override
    public long sizeBytes() {
        try (Guard.Access _ = guard.enter()) {
            return db.getLongProperty(logCf, "rocksdb.live-sst-files-size")
                    + db.getLongProperty(logCf, "rocksdb.cur-size-all-mem-tables");
        } catch (RocksDBException e) {
            throw new StorageException("cannot read the event log's size: " + e.getMessage(), e);
        }
    }

    @Override
    public long commits() {
        return groupCommits.get();
    }

    /** Number of RocksDB writes the committer made (each carrying one or more batches). */
    long groupCommits() {
        return groupCommits.get();
    }

    /** Batches waiting for the committer. */
    int queuedRequests() {
        return queue.size();
    }

    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // Wake the committer if it waits in take(); if the queue is full it is not waiting.
        boolean offered = queue.offer(POISON);
        if (Thread.currentThread() != committer) {
            boolean interrupted = false;
            while (committer.isAlive()) {
                try {
                    committer.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (offered) {
                queue.remove(POISON);
            }
            if (walSyncer != null) {
                walSyncer.shutdown();
                try {
                    walSyncer.awaitTermination(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } else if (walSyncer != null) {
            walSyncer.shutdown();
        }
    }

    /** Frees open cursors and native options; the storage calls it under the guard's exclusive lock. */
    void releaseNative() {
        for (Cursor c : openCursors) {
            c.release();
        }
        writeOptions.close();
    }

    private void runCommitter() {
        List<AppendRequest> group = new ArrayList<>();
        while (true) {
            AppendRequest first;
            try {
                first = closed ? queue.poll() : queue.take();
            } catch (InterruptedException e) {
                continue; // only close() stops the committer
            }
            if (first == null) {
                return; // closed and drained
            }
            if (first == POISON) {
                continue;
            }
            group.add(first);
            long bytes = first.bytes;
            while (group.size() < MAX_GROUP_REQUESTS && bytes < options.maxGroupBytes()) {
                AppendRequest next = queue.poll();
                if (next == null) {
                    break;
                }
                if (next != POISON) {
                    group.add(next);
                    bytes += next.bytes;
                }
            }
            commit(group);
            group.clear();
        }
    }

    private void commit(List<AppendRequest> group) {
        try {
            StorageException failed = failure;
            if (failed != null) {
                failAll(group, stopped(failed));
                return;
            }
            Map<String, SourceState> created = new HashMap<>();
            Map<SourceState, Long> ends = new HashMap<>();
            int nextId = maxSourceId;
            try (WriteBatch batch = new WriteBatch()) {
                for (AppendRequest r : group) {
                    SourceState s = sources.get(r.source);
                    if (s == null) {
                        s = created.get(r.source);
                    }
                    if (r.records.isEmpty()) {
                        r.first = s == null ? 0 : ends.getOrDefault(s, s.end);
                        continue;
                    }
                    if (s == null) {
                        s = new SourceState(r.source, ++nextId, 0);
                        batch.put(sourcesCf, r.source.getBytes(StandardCharsets.UTF_8), Keys.int32(s.id));
                        created.put(r.source, s);
                    }
                    long offset = ends.getOrDefault(s, s.end);
                    r.first = offset;
                    // one key per segment of the request's records, not one per record (LogSegments)
                    for (int from = 0; from < r.records.size(); ) {
                        int to = LogSegments.segmentEnd(r.records, from);
                        batch.put(logCf, Keys.segmentKey(s.id, offset, to - from), LogSegments.encode(r.records, from, to));
                        offset += to - from;
                        from = to;
                    }
                    ends.put(s, offset);
                }
                if (batch.count() > 0) { // a group of empty batches writes (and syncs) nothing
                    commitGate.lock();
                    try (Guard.Access _ = guard.enter()) {
                        db.write(writeOptions, batch);
                        written(group);
                        if (options.fsyncPolicy() == FsyncPolicy.ALWAYS) {
                            db.flushWal(true); // also syncs every older WAL file not yet synced
                        }
                    } finally {
                        commitGate.unlock();
                    }
                    groupCommits.incrementAndGet();
                } else {
                    written(group);
                }
            }
            maxSourceId = nextId;
            sources.putAll(created);
            ends.forEach((s, end) -> s.end = end);
            for (AppendRequest r : group) {
                queuedBytes.addAndGet(-r.bytes);
                r.future.complete(new AppendResult(r.first, r.records.size()));
            }
        } catch (IllegalStateException e) {
            failAll(group, closedException());
        } catch (RocksDBException | RuntimeException | Error e) {
            StorageException error = new StorageException("event log write failed; the log accepts no more appends"
                    + " until the storage is reopened: " + e.getMessage(), e);
            failure = error;
            LOG.log(System.Logger.Level.ERROR, error.getMessage(), e);
            failAll(group, error);
        }
    }

    /** Runs the group's written callbacks, in log order; one that throws does not stop the others. */
    private static void written(List<AppendRequest> group) {
        for (AppendRequest r : group) {
            if (r.onWritten != null) {
                try {
                    r.onWritten.accept(new AppendResult(r.first, r.records.size()));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "a written callback of source " + r.source + " failed", e);
                }
            }
        }
    }

    private void failAll(List<AppendRequest> group, RuntimeException error) {
        for (AppendRequest r : group) {
            queuedBytes.addAndGet(-r.bytes);
            r.future.completeExceptionally(error);
        }
    }

    private void syncWal() {
        long groups = groupCommits.get();
        if (groups == groupsAtLastSync) {
            return; // nothing appended since the last fsync
        }
        try (Guard.Access _ = guard.enter()) {
            db.flushWal(true);
            groupsAtLastSync = groups;
        } catch (IllegalStateException closing) {
            // the storage closed between two syncs
        } catch (RocksDBException e) {
            StorageException error = new StorageException("WAL fsync failed; the log accepts no more appends until"
                    + " the storage is reopened: " + e.getMessage(), e);
            failure = error;
            LOG.log(System.Logger.Level.ERROR, error.getMessage(), e);
        }
    }

    private LogOverloadedException overloaded() {
        return new LogOverloadedException("event log append queue is full (limits: " + options.appendQueueRequests()
                + " batches, " + options.appendQueueBytes() + " bytes): the disk is slower than the writers, retry later");
    }

    private static IllegalStateException closedException() {
        return new IllegalStateException("event log is closed");
    }

    private static StorageException stopped(StorageException cause) {
        return new StorageException("event log stopped after an earlier failure: " + cause.getMessage(), cause);
    }

    /**
     * A cursor over a RocksDB iterator bounded by the source's end offset at open. It reads values
     * (segments, and the single-record values of older logs) ahead in chunks under one entry into
     * the guard, so a replay takes the guard's shared lock once per chunk rather than once per
     * record — concurrent replays (training-set passes) otherwise contend on the lock word — and
     * hands out their records one by one, copied out of the segment. The first segment may start
     * before the requested offset: its leading records are skipped. The iterator reads a snapshot,
     * so reading ahead never misses a record.
     */
    private final class Cursor implements LogCursor {
        /** Values (segments or single records) read ahead per guard entry, at most. */
        private static final int CHUNK = 64;
        /** Stop reading ahead once this many records or bytes are buffered. */
        private static final int AHEAD_RECORDS = 256;
        private static final int AHEAD_BYTES = 2 << 20;

        private final String source;
        private final int sourceId;
        private final RocksIterator iterator;
        private final ReadOptions readOptions;
        private final Slice upperBound;
        private final long from;
        private final long[] aheadFirst = new long[CHUNK];
        private final int[] aheadCount = new int[CHUNK];
        private final boolean[] aheadSegment = new boolean[CHUNK];
        private final byte[][] aheadValues = new byte[CHUNK][];
        private int aheadPos;
        private int aheadLen;
        /** Records of {@code aheadValues[aheadPos]} already passed, and the byte position of the next. */
        private int inRecord;
        private int inByte;
        private long expected;
        private boolean started;
        private boolean exhausted;
        private volatile boolean released; // also set by the storage's close, on another thread
        private boolean closed;
        private boolean ended;
        private long offset = -1;
        private byte[] record;

        Cursor(String source, int sourceId, RocksIterator iterator, ReadOptions readOptions, Slice upperBound, long from) {
            this.source = source;
            this.sourceId = sourceId;
            this.iterator = iterator;
            this.readOptions = readOptions;
            this.upperBound = upperBound;
            this.from = from;
            this.expected = from;
        }

        @Override
        public boolean next() {
            record = null;
            if (ended) {
                return false;
            }
            if (closed) {
                throw new IllegalStateException("cursor is closed");
            }
            if (released) {
                throw new IllegalStateException("event log is closed");
            }
            while (true) {
                if (aheadPos == aheadLen) {
                    if (!exhausted) {
                        fill();
                    }
                    if (aheadPos == aheadLen) {
                        ended = true;
                        releaseQuietly();
                        return false;
                    }
                }
                int k = aheadPos;
                byte[] value = aheadValues[k];
                if (inRecord == aheadCount[k]) {
                    if (aheadSegment[k] && inByte != value.length) {
                        throw LogSegments.corrupt(source, aheadFirst[k], (value.length - inByte) + " bytes after the last record");
                    }
                    aheadValues[aheadPos++] = null;
                    inRecord = 0;
                    inByte = 0;
                    continue;
                }
                long at = aheadFirst[k] + inRecord++;
                byte[] r;
                if (!aheadSegment[k]) {
                    r = value;
                } else {
                    if (inByte == 0) {
                        inByte = LogSegments.start(value, source, aheadFirst[k]);
                    }
                    long rec = LogSegments.record(value, inByte, source, at);
                    int bytes = (int) (rec >>> 32);
                    int length = (int) rec;
                    inByte = bytes + length;
                    if (at < expected) {
                        continue; // before the requested offset, in the first segment
                    }
                    r = Arrays.copyOfRange(value, bytes, bytes + length);
                }
                if (at != expected) {
                    throw new CorruptStorageException("log of source " + source + ": expected offset " + expected + ", found " + at);
                }
                expected++;
                offset = at;
                record = r;
                return true;
            }
        }

        /** Reads values ahead (up to {@value #CHUNK}, {@value #AHEAD_RECORDS} records or 2 MiB) under one guard entry. */
        private void fill() {
            aheadPos = 0;
            aheadLen = 0;
            inRecord = 0;
            inByte = 0;
            int records = 0;
            long bytes = 0;
            try (Guard.Access _ = guard.enter()) {
                if (released) {
                    throw new IllegalStateException("cursor is closed");
                }
                while (aheadLen < CHUNK && records < AHEAD_RECORDS && bytes < AHEAD_BYTES) {
                    if (!started) {
                        position();
                        started = true;
                    } else {
                        iterator.next();
                    }
                    if (!iterator.isValid()) {
                        iterator.status();
                        exhausted = true; // released once the records read ahead are consumed
                        return;
                    }
                    byte[] key = iterator.key();
                    if (key.length != Keys.SEGMENT_KEY_BYTES && key.length != Keys.LOG_KEY_BYTES) {
                        throw new CorruptStorageException("log of source " + source + ": key of " + key.length + " bytes");
                    }
                    int k = aheadLen++;
                    aheadFirst[k] = Keys.logKeyOffset(key);
                    aheadCount[k] = Keys.logKeyCount(key);
                    aheadSegment[k] = Keys.isSegmentKey(key);
                    if (aheadCount[k] <= 0) {
                        throw LogSegments.corrupt(source, aheadFirst[k], "record count " + aheadCount[k]);
                    }
                    aheadValues[k] = iterator.value();
                    records += aheadCount[k];
                    bytes += aheadValues[k].length;
                }
            } catch (RocksDBException e) {
                throw new StorageException("reading the log of source " + source + " failed: " + e.getMessage(), e);
            }
        }

        /**
         * Positions the iterator on the value holding offset {@link #from}: the last key at or before
         * it if that segment reaches {@code from}, else the first key after it.
         */
        private void position() {
            iterator.seekForPrev(Keys.segmentKey(sourceId, from, -1)); // -1: the largest count, so a segment starting at from is included
            if (iterator.isValid()) {
                byte[] key = iterator.key();
                if (Keys.logKeySource(key) == sourceId && Keys.logKeyOffset(key) + Keys.logKeyCount(key) > from) {
                    return;
                }
            }
            iterator.seek(Keys.logKey(sourceId, from));
        }

        @Override
        public long offset() {
            if (record == null) {
                throw new NoSuchElementException("no current record");
            }
            return offset;
        }

        @Override
        public byte[] record() {
            if (record == null) {
                throw new NoSuchElementException("no current record");
            }
            return record;
        }

        @Override
        public void close() {
            record = null;
            closed = true;
            Arrays.fill(aheadValues, null);
            aheadPos = 0;
            aheadLen = 0;
            releaseQuietly();
        }

        private void releaseQuietly() {
            if (released) {
                return;
            }
            try (Guard.Access _ = guard.enter()) {
                release();
            } catch (IllegalStateException storageClosed) {
                // the storage released it when it closed
            }
        }

        /** Frees the native handles; called under the guard (shared or exclusive). */
        void release() {
            if (!released) {
                released = true;
                iterator.close();
                readOptions.close();
                upperBound.close();
                openCursors.remove(this);
            }
        }
    }

    private static final class EmptyCursor implements LogCursor {
        @Override
        public boolean next() {
            return false;
        }

        @Override
        public long offset() {
            throw new NoSuchElementException("no current record");
        }

        @Override
        public byte[] record() {
            throw new NoSuchElementException("no current record");
        }

        @Override
        public void close() {
        }
    }
}
