package dev.freshet.storage.rocksdb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.Env;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Priority;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksObject;
import org.rocksdb.WALRecoveryMode;

/**
 * The RocksDB configuration of a data directory: one column family per purpose, each tuned for how
 * it is used. Owns the native option objects, which must outlive the database.
 *
 * <p><b>Database.</b> Two background jobs (flush + compaction; the target box has 2 cores), run at
 * the lowest CPU priority (nice 19, RocksDB's {@code LowerThreadPoolCPUPriority}; the pools are
 * process-wide): a flush of a 64 MiB log memtable costs about half a core-second, and at normal
 * priority it took the cores from the HTTP loops and the engine just when ingest was heaviest
 * (bench serve: acknowledged ingest +15%, freshness p99 halved). Under sustained overload the
 * flushes still get the idle time; if they fall behind, RocksDB stalls writes and ingest answers
 * 429 until they catch up.
 * {@code max_total_wal_size} 256 MiB: the WAL is shared by all column families and a WAL file is
 * deleted only once every family has flushed past it, so rarely-written families (dead letters,
 * checkpoints) must not pin old WAL files forever. WAL recovery {@code kPointInTimeRecovery}: after
 * a crash, replay the WAL up to the first torn record (the tail of a group that was never
 * acknowledged) and open. {@code bytes_per_sync} 1 MiB smooths SST writeback. The info LOG is
 * capped (3 files of 16 MiB).
 *
 * <p><b>{@code log}</b> (append-only, read by long sequential scans): 64 MiB write buffers (up to
 * 4), so bursts are absorbed in memory and flushed as large sorted files; LZ4 on upper levels
 * (cheap, JSON events shrink 2-4x) and ZSTD on the bottommost level, where almost all old data
 * lives and is only read by replays; 64 KiB blocks (fewer index entries, better compression for
 * scans); no Bloom filter (there are no point lookups, only seeks); 64 MiB target files. Keys are
 * source id + offset, so within a source every write is an append at the end of the key range and
 * level compaction mostly moves whole files. Cursors use a 2 MiB readahead and do not fill the
 * block cache (a training-set replay would otherwise evict everything else).
 *
 * <p><b>{@code checkpoint_chunks}</b> (values of several MiB, written once, deleted whole): BlobDB
 * (values in blob files, LZ4), no blob garbage collection because checkpoints die whole.
 *
 * <p><b>{@code log_sources}, {@code checkpoints}, {@code dead_letters}, {@code default}</b>: small;
 * 4 MiB write buffers; Bloom filter on {@code dead_letters} (duplicate checks are point lookups).
 *
 * <p>One LRU block cache ({@link StorageOptions#blockCacheBytes()}) is shared by all families.
 */
final class RocksDbTuning implements AutoCloseable {
    static final String LOG = "log";
    static final String LOG_SOURCES = "log_sources";
    static final String CHECKPOINTS = "checkpoints";
    static final String CHECKPOINT_CHUNKS = "checkpoint_chunks";
    static final String DEAD_LETTERS = "dead_letters";
    /** Column families in the order of {@link #descriptors()} (and of the handles RocksDB returns). */
    static final List<String> FAMILIES = List.of(new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.UTF_8),
            LOG, LOG_SOURCES, CHECKPOINTS, CHECKPOINT_CHUNKS, DEAD_LETTERS);

    private final List<RocksObject> resources = new ArrayList<>();
    private final DBOptions dbOptions;
    private final List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();

    RocksDbTuning(StorageOptions options) {
        Env env = Env.getDefault();
        env.lowerThreadPoolCPUPriority(Priority.HIGH); // flushes
        env.lowerThreadPoolCPUPriority(Priority.LOW); // compactions
        dbOptions = own(new DBOptions())
                .setEnv(env)
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(2)
                .setMaxTotalWalSize(256L << 20)
                .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
                .setBytesPerSync(1L << 20)
                .setCompactionReadaheadSize(2L << 20)
                .setInfoLogLevel(InfoLogLevel.INFO_LEVEL)
                .setKeepLogFileNum(3)
                .setMaxLogFileSize(16L << 20);
        LRUCache cache = own(new LRUCache(options.blockCacheBytes()));

        ColumnFamilyOptions small = smallFamily(cache, false);
        ColumnFamilyOptions log = own(new ColumnFamilyOptions())
                .setWriteBufferSize(64L << 20)
                .setMaxWriteBufferNumber(4)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION)
                .setTargetFileSizeBase(64L << 20)
                .setLevelCompactionDynamicLevelBytes(true)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache).setBlockSize(64L << 10));
        ColumnFamilyOptions chunks = own(new ColumnFamilyOptions())
                .setWriteBufferSize(64L << 20)
                .setMaxWriteBufferNumber(3)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setEnableBlobFiles(true)
                .setMinBlobSize(0)
                .setBlobFileSize(256L << 20)
                .setBlobCompressionType(CompressionType.LZ4_COMPRESSION)
                .setEnableBlobGarbageCollection(false)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache));
        ColumnFamilyOptions deadLetters = smallFamily(cache, true);

        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, small));
        descriptors.add(new ColumnFamilyDescriptor(bytes(LOG), log));
        descriptors.add(new ColumnFamilyDescriptor(bytes(LOG_SOURCES), small));
        descriptors.add(new ColumnFamilyDescriptor(bytes(CHECKPOINTS), small));
        descriptors.add(new ColumnFamilyDescriptor(bytes(CHECKPOINT_CHUNKS), chunks));
        descriptors.add(new ColumnFamilyDescriptor(bytes(DEAD_LETTERS), deadLetters));
    }

    private ColumnFamilyOptions smallFamily(LRUCache cache, boolean bloom) {
        BlockBasedTableConfig table = new BlockBasedTableConfig().setBlockCache(cache);
        if (bloom) {
            table.setFilterPolicy(own(new BloomFilter(10)));
        }
        return own(new ColumnFamilyOptions())
                .setWriteBufferSize(4L << 20)
                .setMaxWriteBufferNumber(2)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(table);
    }

    DBOptions dbOptions() {
        return dbOptions;
    }

    List<ColumnFamilyDescriptor> descriptors() {
        return descriptors;
    }

    private <T extends RocksObject> T own(T resource) {
        resources.add(resource);
        return resource;
    }

    private static byte[] bytes(String name) {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    /** Frees the options; call after the database is closed. */
    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }
}
