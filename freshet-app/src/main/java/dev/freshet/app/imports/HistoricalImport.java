package dev.freshet.app.imports;

import dev.freshet.aggregation.codec.CorruptStateException;
import dev.freshet.engine.EventBatch;
import dev.freshet.engine.embedded.RowCodec;
import dev.freshet.model.Durations;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.storage.AppendResult;
import dev.freshet.storage.EventLog;
import dev.freshet.storage.LogCursor;
import dev.freshet.storage.LogOverloadedException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A historical import ({@code freshet ingest}): events from a CSV, Parquet or NDJSON file appended
 * to a source's log with {@code available_at = event_time + availability delay} (DESIGN §3), as if
 * the server had accepted each event that long after it happened.
 *
 * <pre>{@code
 * try (HistoricalImport prepared = HistoricalImport.prepare(source, Path.of("txns.parquet"),
 *         HistoricalImport.Options.defaults(source, tmp), InstantSource.system(), Progress.NONE)) {
 *     HistoricalImport.Result r = prepared.appendTo(storage.eventLog(), Progress.NONE);
 * }
 * }</pre>
 *
 * <h2>Design</h2>
 * Two steps, so that nothing reaches the log before the whole file is known to be good.
 * {@link #prepare} reads every row ({@link EventFileReader}) and validates it with the HTTP
 * ingest's {@code EventParser}, plus the rules only an import has: the event time must be present,
 * and {@code event_time + delay} must not be after the import's start (history, not future).
 * Valid rows are encoded for the log and staged in DuckDB ({@link ImportStaging}). Invalid rows
 * fail the import ({@link InvalidRowsException}, nothing written) unless {@code skipInvalid}, which
 * lists them in {@code <file>.rejected.txt}.
 *
 * <p>{@link #appendTo} streams the staged events sorted by (event time, row number), stamps each
 * with its {@code available_at}, and appends them in batches. The log's accept times must never
 * decrease (the engine and training sets replay it in one pass, see {@code SourceReplay}), so the
 * sort makes them non-decreasing within the import and the <b>backfill-before-live rule</b> makes
 * them so across: if the log's last record was accepted after the first imported
 * {@code available_at}, the import is refused before anything is written. Accept times are
 * non-decreasing in the log, so its last record holds its latest accept time.
 *
 * <p>Appends are batched and pipelined; an import interrupted half-way (crash, full disk) leaves
 * the batches already appended in the log, and says which offsets those are.
 */
public final class HistoricalImport implements AutoCloseable {
    /** Invalid rows shown on the terminal (all go to the rejected file with {@code skipInvalid}). */
    public static final int ERRORS_SHOWN = 20;
    /** Largest append batch accepted. */
    public static final int MAX_BATCH = 1_000_000;
    private static final int MAX_IN_FLIGHT = 4;

    /**
     * How to import.
     *
     * @param availabilityDelay  {@code available_at = event_time + availabilityDelay}; not negative
     * @param batchSize          events per log append (1 to {@link #MAX_BATCH})
     * @param skipInvalid        import the valid rows and list the invalid ones in
     *                           {@code <file>.rejected.txt}, instead of failing
     * @param ignoreExtraColumns leave out columns (NDJSON: fields) the schema does not have,
     *                           instead of failing
     * @param tempDir            where DuckDB may spill
     * @param fromEventTime      only rows with {@code event_time >= fromEventTime} are imported
     * @param toEventTime        only rows with {@code event_time < toEventTime} are imported (the
     *                           others are valid but out of range: counted, not imported)
     */
    public record Options(Duration availabilityDelay, int batchSize, boolean skipInvalid, boolean ignoreExtraColumns,
                          Path tempDir, long fromEventTime, long toEventTime) {
        /** Every event time. */
        public Options(Duration availabilityDelay, int batchSize, boolean skipInvalid, boolean ignoreExtraColumns, Path tempDir) {
            this(availabilityDelay, batchSize, skipInvalid, ignoreExtraColumns, tempDir, Long.MIN_VALUE, Long.MAX_VALUE);
        }

        public Options {
            Objects.requireNonNull(availabilityDelay, "availabilityDelay");
            Objects.requireNonNull(tempDir, "tempDir");
            if (availabilityDelay.isNegative()) {
                throw new ImportException("the availability delay must not be negative: " + Durations.format(availabilityDelay)
                        + " (an event cannot be available before it happened)");
            }
            if (availabilityDelay.getNano() % 1_000_000 != 0) {
                throw new ImportException("the availability delay must be whole milliseconds: " + availabilityDelay);
            }
            if (batchSize < 1 || batchSize > MAX_BATCH) {
                throw new ImportException("the batch size must be between 1 and " + MAX_BATCH + ": " + batchSize);
            }
        }

        /** The source's own availability delay, batches of 10,000, strict validation. */
        public static Options defaults(SourceSpec source, Path tempDir) {
            return new Options(source.availabilityDelay(), 10_000, false, false, tempDir);
        }
    }

    /**
     * What an import did.
     *
     * @param rowsRead         rows (NDJSON: non-blank lines) in the file
     * @param imported         events appended to the log
     * @param rejected         invalid rows left out ({@code skipInvalid})
     * @param firstRejected    the first of them, at most {@link #ERRORS_SHOWN}
     * @param rejectedFile     where all of them are listed, or null when there are none
     * @param unit             what a row number counts: {@code "row"} or {@code "line"}
     * @param firstOffset      log offset of the first imported event (-1 if none)
     * @param endOffset        log offset after the last imported event (-1 if none)
     * @param firstAvailableAt available_at of the first imported event, epoch ms
     * @param lastAvailableAt  available_at of the last imported event, epoch ms
     * @param seconds          wall time of the whole import
     */
    public record Result(String source, Path file, long rowsRead, long imported, long rejected,
                         List<RowError> firstRejected, Path rejectedFile, String unit, long firstOffset,
                         long endOffset, long firstAvailableAt, long lastAvailableAt, Duration availabilityDelay,
                         double seconds) {
    }

    private final SourceSpec source;
    private final Path file;
    private final ImportFormat format;
    private final Options options;
    private final long started;
    private final ImportStaging staging;
    private final RejectedRows rejected;
    private long rowsRead;
    private long outOfRange;
    private boolean appended;

    private HistoricalImport(SourceSpec source, Path file, ImportFormat format, Options options, long started,
            ImportStaging staging, RejectedRows rejected) {
        this.source = source;
        this.file = file;
        this.format = format;
        this.options = options;
        this.started = started;
        this.staging = staging;
        this.rejected = rejected;
    }

    /**
     * Reads and validates {@code file} and stages its valid events; writes nothing to any log.
     *
     * @param clock the import's start ({@code clock.millis()}) bounds the accepted available_at
     * @throws InvalidRowsException if rows are invalid and {@code options.skipInvalid()} is false
     * @throws ImportException      if the file cannot be read, its format is unsupported or its
     *                              columns do not fit the schema
     */
    public static HistoricalImport prepare(SourceSpec source, Path file, Options options, InstantSource clock,
            Progress progress) {
        long started = System.nanoTime();
        ImportFormat format = ImportFormat.of(file);
        if (source.eventTimeIndex() < 0) {
            throw new ImportException("source '" + source.name() + "' has no event-time field; events cannot be imported");
        }
        long now = clock.millis();
        ImportStaging staging = new ImportStaging(options.tempDir());
        RejectedRows rejected = new RejectedRows(file, format, source, options.skipInvalid());
        HistoricalImport prepared = new HistoricalImport(source, file, format, options, started, staging, rejected);
        try (EventFileReader reader = EventFileReader.open(file, format, source, options.ignoreExtraColumns(), options.tempDir())) {
            prepared.read(reader, now, progress);
        } catch (RuntimeException e) {
            prepared.close();
            throw e;
        }
        if (rejected.count > 0 && !options.skipInvalid()) {
            prepared.close();
            throw new InvalidRowsException(rejected.first, rejected.count, format.unit());
        }
        return prepared;
    }

    private void read(EventFileReader reader, long now, Progress progress) {
        EventFileReader.Chunk chunk = new EventFileReader.Chunk(source);
        EventBatch batch = chunk.batch;
        RowCodec.Encoder encoder = new RowCodec.Encoder(source.schema());
        int eventTime = source.eventTimeIndex();
        String eventTimeName = source.eventTimeField();
        long delay = options.availabilityDelay().toMillis();
        long total = reader.totalRows();
        List<RowError> errors = new ArrayList<>();
        progress.update(Progress.Phase.VALIDATE, 0, total);
        while (reader.next(chunk)) {
            rowsRead += chunk.read;
            errors.clear();
            errors.addAll(chunk.errors);
            for (int k = 0; k < batch.size(); k++) {
                long row = chunk.rows[k];
                if (batch.isNull(k, eventTime)) {
                    errors.add(new RowError(row, eventTimeName, "the event time is null; every imported event needs one"));
                    continue;
                }
                long et = batch.getLong(k, eventTime);
                long availableAt;
                try {
                    availableAt = Math.addExact(et, delay);
                } catch (ArithmeticException e) {
                    errors.add(new RowError(row, eventTimeName, "event time " + et + " + availability delay overflows"));
                    continue;
                }
                if (availableAt > now) {
                    errors.add(new RowError(row, eventTimeName, "available_at " + instant(availableAt) + " (event time "
                            + instant(et) + " + availability delay " + Durations.format(options.availabilityDelay())
                            + ") is after the import started (" + instant(now) + "); only events already available can"
                            + " be imported as history"));
                    continue;
                }
                if (et < options.fromEventTime() || et >= options.toEventTime()) {
                    outOfRange++;
                    continue;
                }
                if (options.skipInvalid() || (rejected.count == 0 && errors.isEmpty())) {
                    staging.add(et, row, encoder.encode(batch, k, 0, 0)); // else the import fails: why stage
                }
            }
            errors.sort(Comparator.comparingLong(RowError::row));
            errors.forEach(rejected::add);
            progress.update(Progress.Phase.VALIDATE, rowsRead, total);
        }
    }

    /**
     * Appends the staged events to {@code log}, sorted by event time, each stamped with
     * {@code available_at = event_time + delay}. Call once.
     *
     * @throws ImportException if the log already holds events accepted after the first imported
     *                         {@code available_at} (nothing written), or an append fails (the
     *                         message says which offsets were written)
     */
    public Result appendTo(EventLog log, Progress progress) {
        if (appended) {
            throw new IllegalStateException("already appended");
        }
        appended = true;
        long delay = options.availabilityDelay().toMillis();
        long count = staging.count();
        long firstAvailable = count == 0 ? 0 : staging.minEventTime() + delay;
        long lastAvailable = count == 0 ? 0 : staging.maxEventTime() + delay;
        if (count > 0) {
            checkBackfillBeforeLive(log, firstAvailable);
        }
        Appender appender = new Appender(log, count, progress);
        staging.sort();
        List<byte[]> batch = new ArrayList<>(Math.min(options.batchSize(), (int) Math.min(count, MAX_BATCH)));
        while (staging.next()) {
            byte[] record = staging.record();
            RowCodec.stampAcceptTime(record, staging.eventTime() + delay);
            batch.add(record);
            if (batch.size() == options.batchSize()) {
                appender.submit(batch);
                batch = new ArrayList<>(options.batchSize());
            }
        }
        if (!batch.isEmpty()) {
            appender.submit(batch);
        }
        appender.drain();
        Path rejectedFile = rejected.finish();
        return new Result(source.name(), file, rowsRead, appender.appended, rejected.count, List.copyOf(rejected.first),
                rejectedFile, format.unit(), appender.firstOffset, appender.endOffset, firstAvailable, lastAvailable,
                options.availabilityDelay(), (System.nanoTime() - started) / 1e9);
    }

    private void checkBackfillBeforeLive(EventLog log, long firstAvailable) {
        long end = log.endOffset(source.name());
        if (end == 0) {
            return;
        }
        long latest;
        try (LogCursor c = log.read(source.name(), end - 1)) {
            if (!c.next()) {
                return;
            }
            latest = RowCodec.acceptTime(c.record());
        } catch (CorruptStateException e) {
            throw new ImportException("the last record of source '" + source.name() + "' (offset " + (end - 1)
                    + ") cannot be read: " + e.getMessage(), e);
        }
        if (latest > firstAvailable) {
            throw new ImportException("refusing to import: the log of source '" + source.name() + "' already holds "
                    + String.format("%,d", end) + " event" + (end == 1 ? "" : "s") + ", the latest accepted at " + instant(latest)
                    + ", but the first imported event would be available at " + instant(firstAvailable)
                    + " (event time + availability delay " + Durations.format(options.availabilityDelay())
                    + "). Historical events must be imported before live data: available_at never decreases along"
                    + " the log, and serving, recovery and training sets rely on it. Import into a fresh data"
                    + " directory before starting the server, or import only events available at or after "
                    + instant(latest) + ". Nothing was written.");
        }
    }

    /** Valid rows left out because their event time lies outside the options' range. */
    public long outOfRange() {
        return outOfRange;
    }

    static String instant(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    /** Releases DuckDB and deletes a rejected-rows file that was not finished. */
    @Override
    public void close() {
        staging.close();
        rejected.abort();
    }

    /** Pipelined appends: at most {@value #MAX_IN_FLIGHT} batches in flight, completed in order. */
    private final class Appender {
        private final EventLog log;
        private final long total;
        private final Progress progress;
        private final ArrayDeque<CompletableFuture<AppendResult>> inFlight = new ArrayDeque<>();
        long appended;
        long firstOffset = -1;
        long endOffset = -1;

        Appender(EventLog log, long total, Progress progress) {
            this.log = log;
            this.total = total;
            this.progress = progress;
            progress.update(Progress.Phase.APPEND, 0, total);
        }

        void submit(List<byte[]> batch) {
            CompletableFuture<AppendResult> f = log.append(source.name(), batch);
            while (f.isCompletedExceptionally() && f.exceptionNow() instanceof LogOverloadedException && !inFlight.isEmpty()) {
                complete(inFlight.removeFirst()); // the log's queue is full: wait for our oldest batch, then retry
                f = log.append(source.name(), batch);
            }
            inFlight.addLast(f);
            while (inFlight.size() > MAX_IN_FLIGHT) {
                complete(inFlight.removeFirst());
            }
        }

        void drain() {
            while (!inFlight.isEmpty()) {
                complete(inFlight.removeFirst());
            }
        }

        private void complete(CompletableFuture<AppendResult> f) {
            AppendResult r;
            try {
                r = f.join();
            } catch (CompletionException | java.util.concurrent.CancellationException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                String written = appended == 0 ? "nothing was written" : "offsets " + firstOffset + ".." + (endOffset - 1)
                        + " (" + appended + " events, the earliest by event time) were written and stay in the log";
                throw new ImportException("appending to the log of source '" + source.name() + "' failed after "
                        + appended + " of " + total + " events (" + written + "): " + cause.getMessage(), cause);
            }
            if (firstOffset < 0) {
                firstOffset = r.firstOffset();
            }
            endOffset = r.endOffset();
            appended += r.count();
            progress.update(Progress.Phase.APPEND, appended, total);
        }
    }

    /** The invalid rows: counted, the first few kept, all listed in a file with {@code skipInvalid}. */
    private static final class RejectedRows {
        private final Path target;
        private final String unit;
        private final String header;
        private final List<RowError> first = new ArrayList<>();
        private Path temp;
        private BufferedWriter out;
        private final boolean write;
        long count;

        RejectedRows(Path file, ImportFormat format, SourceSpec source, boolean write) {
            this.target = file.resolveSibling(file.getFileName() + ".rejected.txt");
            this.unit = format.unit();
            this.write = write;
            this.header = "# " + unit + "s of " + file.getFileName() + " rejected by freshet ingest (source '"
                    + source.name() + "'); " + unit + " numbers are 1-based" + (format == ImportFormat.CSV
                    ? ", the header not counted" : "");
        }

        void add(RowError e) {
            count++;
            if (first.size() < ERRORS_SHOWN) {
                first.add(e);
            }
            if (!write) {
                return;
            }
            try {
                if (out == null) {
                    temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
                    out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8);
                    out.write(header);
                    out.newLine();
                }
                out.write(e.describe(unit).replace('\n', ' ').replace('\r', ' '));
                out.newLine();
            } catch (IOException ex) {
                throw new ImportException("cannot write the rejected rows to " + target + ": " + ex.getMessage(), ex);
            }
        }

        /** Moves the list into place; returns its path, or null when no row was rejected. */
        Path finish() {
            if (out == null) {
                return null;
            }
            try {
                out.close();
                out = null;
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                temp = null;
                return target;
            } catch (IOException e) {
                throw new ImportException("cannot write the rejected rows to " + target + ": " + e.getMessage(), e);
            }
        }

        void abort() {
            try {
                if (out != null) {
                    out.close();
                    out = null;
                }
                if (temp != null) {
                    Files.deleteIfExists(temp);
                    temp = null;
                }
            } catch (IOException ignored) {
                // A leftover hidden temp file is harmless.
            }
        }
    }
}
