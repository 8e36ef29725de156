package dev.freshet.storage.rocksdb;

import dev.freshet.storage.CheckpointStore;
import dev.freshet.storage.DeadLetterStore;
import dev.freshet.storage.EventLog;
import dev.freshet.storage.Storage;
import dev.freshet.storage.StorageException;
import dev.freshet.storage.StorageLockedException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * Embedded-mode storage: the event log, checkpoints and dead letters of one data directory
 * ({@code --data DIR}) in one RocksDB instance, so they share one write-ahead log (a synced
 * checkpoint makes every log record before it durable too) and one lifecycle.
 *
 * <pre>{@code
 * try (EmbeddedStorage storage = EmbeddedStorage.open(Path.of("/var/lib/freshet"),
 *         StorageOptions.defaults().withFsync(FsyncPolicy.ALWAYS))) {
 *     storage.eventLog().append("payments", records).join();
 *     storage.checkpoints().loadLatest();
 * }
 * }</pre>
 *
 * <p><b>One process per directory.</b> RocksDB's {@code LOCK} file (an {@code fcntl} lock, released
 * by the kernel when the holder dies, so a SIGKILLed process never leaves a stale lock) stops a
 * second process, and RocksDB's own table of open files stops a second open in the same process:
 * {@link #open} then fails with {@link StorageLockedException}.
 *
 * <p><b>Crash recovery.</b> Opening a directory after a crash (SIGKILL, power loss) replays the WAL
 * up to the last complete write, drops the chunks of a checkpoint whose save was interrupted, and
 * recomputes every source's end offset from the log itself. Nothing else is needed.
 *
 * <p><b>Close</b> completes the appends already queued, fsyncs the WAL and closes RocksDB; later
 * calls on the three stores fail with {@link IllegalStateException}. Call it on shutdown (e.g. from
 * a shutdown hook): a process that exits without it loses no acknowledged append, but under
 * {@link FsyncPolicy#NEVER} the tail may not be on the disk yet.
 */
public final class EmbeddedStorage implements Storage {
    /** Version of the directory layout ({@link Keys}); stored under {@code default/freshet.storage.format}. */
    public static final int FORMAT_VERSION = 1;
    private static final System.Logger LOG = System.getLogger(EmbeddedStorage.class.getName());

    private final Path dataDir;
    private final StorageOptions options;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final RocksDbTuning tuning;
    private final Guard guard;
    private final RocksDbEventLog log;
    private final RocksDbCheckpointStore checkpoints;
    private final RocksDbDeadLetterStore deadLetters;

    private EmbeddedStorage(Path dataDir, StorageOptions options, RocksDB db, List<ColumnFamilyHandle> handles,
                            RocksDbTuning tuning, Guard guard, RocksDbEventLog log,
                            RocksDbCheckpointStore checkpoints, RocksDbDeadLetterStore deadLetters) {
        this.dataDir = dataDir;
        this.options = options;
        this.db = db;
        this.handles = handles;
        this.tuning = tuning;
        this.guard = guard;
        this.log = log;
        this.checkpoints = checkpoints;
        this.deadLetters = deadLetters;
    }

    /** Opens (creating if needed) {@code dataDir} with {@link StorageOptions#defaults()}. */
    public static EmbeddedStorage open(Path dataDir) {
        return open(dataDir, StorageOptions.defaults());
    }

    /**
     * Opens (creating if needed) {@code dataDir}.
     *
     * @throws StorageLockedException if another process (or another open storage in this process)
     *                                has the directory open
     * @throws StorageException       if the directory cannot be opened or has an unknown format
     */
    public static EmbeddedStorage open(Path dataDir, StorageOptions options) {
        RocksDB.loadLibrary();
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot create data directory " + dir + ": " + e, e);
        }
        RocksDbTuning tuning = new RocksDbTuning(options);
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksDB db;
        try {
            db = RocksDB.open(tuning.dbOptions(), dir.toString(), tuning.descriptors(), handles);
        } catch (RocksDBException e) {
            tuning.close();
            throw openFailure(dir, e);
        }
        Guard guard = new Guard();
        RocksDbEventLog log = null;
        try {
            checkFormat(db, handle(handles, "default"), dir);
            log = RocksDbEventLog.open(db, handle(handles, RocksDbTuning.LOG), handle(handles, RocksDbTuning.LOG_SOURCES),
                    guard, options);
            RocksDbCheckpointStore checkpoints = RocksDbCheckpointStore.open(db,
                    handle(handles, RocksDbTuning.CHECKPOINTS), handle(handles, RocksDbTuning.CHECKPOINT_CHUNKS),
                    guard, options);
            RocksDbDeadLetterStore deadLetters = RocksDbDeadLetterStore.open(db,
                    handle(handles, RocksDbTuning.DEAD_LETTERS), guard);
            return new EmbeddedStorage(dir, options, db, handles, tuning, guard, log, checkpoints, deadLetters);
        } catch (RocksDBException | RuntimeException e) {
            if (log != null) {
                log.close();
                log.releaseNative();
            }
            handles.forEach(ColumnFamilyHandle::close);
            db.close();
            tuning.close();
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new StorageException("cannot open data directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static ColumnFamilyHandle handle(List<ColumnFamilyHandle> handles, String family) {
        return handles.get(RocksDbTuning.FAMILIES.indexOf(family));
    }

    private static void checkFormat(RocksDB db, ColumnFamilyHandle defaultCf, Path dir) throws RocksDBException {
        byte[] stored = db.get(defaultCf, Keys.FORMAT_KEY);
        if (stored == null) {
            try (WriteOptions sync = new WriteOptions().setSync(true)) {
                db.put(defaultCf, sync, Keys.FORMAT_KEY, Keys.int32(FORMAT_VERSION));
            }
        } else if (stored.length != 4 || Keys.int32(stored) != FORMAT_VERSION) {
            throw new StorageException("data directory " + dir + " has storage format "
                    + (stored.length == 4 ? Keys.int32(stored) : "?") + "; this build reads format " + FORMAT_VERSION);
        }
    }

    private static StorageException openFailure(Path dir, RocksDBException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains(File.separator + "LOCK") || message.contains("lock hold by current process")) {
            return new StorageLockedException("data directory " + dir + " is already in use by another Freshet process"
                    + " (or is already open in this one): its lock file " + dir.resolve("LOCK") + " is held. Stop the"
                    + " other process or choose another --data directory. RocksDB said: " + message, e);
        }
        return new StorageException("cannot open data directory " + dir + ": " + message, e);
    }

    @Override
    public EventLog eventLog() {
        return log;
    }

    @Override
    public CheckpointStore checkpoints() {
        return checkpoints;
    }

    @Override
    public DeadLetterStore deadLetters() {
        return deadLetters;
    }

    public Path dataDir() {
        return dataDir;
    }

    public StorageOptions options() {
        return options;
    }

    /** The event log's RocksDB implementation, for tests in this package. */
    RocksDbEventLog rocksLog() {
        return log;
    }

    /** The database and its handles, for tests in this package that damage data on purpose. */
    RocksDB db() {
        return db;
    }

    ColumnFamilyHandle family(String name) {
        return handle(handles, name);
    }

    @Override
    public synchronized void close() {
        log.close();
        checkpoints.close();
        deadLetters.close();
        guard.close(() -> {
            log.releaseNative();
            deadLetters.releaseNative();
            try {
                db.flushWal(true);
            } catch (RocksDBException e) {
                LOG.log(System.Logger.Level.WARNING, "fsync of the WAL on close failed", e);
            }
            handles.forEach(ColumnFamilyHandle::close);
            try {
                db.closeE();
            } catch (RocksDBException e) {
                LOG.log(System.Logger.Level.WARNING, "closing RocksDB in " + dataDir + " reported an error", e);
            }
            tuning.close();
        });
    }

    @Override
    public String toString() {
        return "EmbeddedStorage[" + dataDir + ", " + options.fsyncPolicy() + "]";
    }
}
