package dev.freshet.engine.embedded;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.codec.CorruptStateException;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.engine.EventBatch;
import dev.freshet.engine.StreamingViews;
import dev.freshet.engine.checkpoint.TableCodec;
import dev.freshet.engine.checkpoint.TableSnapshot;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.storage.AppendResult;
import dev.freshet.storage.Checkpoint;
import dev.freshet.storage.CheckpointInfo;
import dev.freshet.storage.CorruptStorageException;
import dev.freshet.storage.EventLog;
import dev.freshet.storage.LogCursor;
import dev.freshet.storage.LogOverloadedException;
import dev.freshet.storage.Storage;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Embedded mode in one JVM (DESIGN §4): append → durable log → engine thread → in-memory tiles →
 * reads, with periodic checkpoints; a restart restores the latest checkpoint and replays the log
 * tail, so every acknowledged event is applied exactly once.
 *
 * <pre>{@code
 * try (Storage storage = EmbeddedStorage.open(dataDir);
 *      EmbeddedEngine engine = EmbeddedEngine.start(repo, storage, EngineOptions.defaults(), InstantSource.system())) {
 *     IngestReceipt r = engine.append("transactions", batch).join();      // durable (HTTP 202)
 *     engine.awaitApplied("transactions", r.endOffset()).join();           // ?wait=applied
 *     FeatureVector v = new FeatureVector(engine.view("card_txn").features().size());
 *     engine.read("card_txn", "card-1", System.currentTimeMillis(), v);
 * }
 * }</pre>
 *
 * <h2>Design</h2>
 * <b>Ingest.</b> {@link #append} encodes the rows ({@link RowCodec}), then, under the source's
 * append lock, picks the accept time — {@code max(previous, clock)}, so it never decreases in log
 * order — stamps it into the records and enqueues them in the log. The log assigns offsets in
 * enqueue order; once it has <em>written</em> the batch (before its fsync) the batch, with its
 * offsets, goes to the engine thread's inbox, and once the log says it is durable the caller's
 * future completes: the events are durable, maybe not yet applied. Applying does not wait for the
 * fsync, so freshness does not include it; this is safe because the log keeps a prefix of what was
 * written (see {@link dev.freshet.storage.EventLog#append(String, List, java.util.function.Consumer)}):
 * a checkpoint, saved durably after the events it includes, proves them durable, and events lost
 * with a machine crash before their fsync were never acknowledged (if an fsync fails, the log stops
 * and the appends it covered fail, though their events may already be visible). A per-source
 * reorder buffer keyed by first offset makes the application order the log order whatever order
 * the batches arrive in.
 *
 * <p><b>One engine thread</b> is the single writer of all state: it applies records through each
 * source's {@link dev.freshet.engine.SourceDriver} (seq = log offset, accept time = the record's),
 * advances the drivers' clocks so held future events apply once their time passes, and takes
 * checkpoints. HTTP threads read concurrently: a per-source {@link java.util.concurrent.locks.StampedLock},
 * held for writing per chunk of at most 64 events, and one {@link TileTable.Reader} per thread and
 * view. The driver's clock never passes the accept time of an event still in flight (see
 * {@link SourceRuntime}), so each event is judged at its logged accept time and a replay of the log
 * takes exactly the same decisions in the same order.
 *
 * <p><b>Checkpoints</b> (every {@link EngineOptions#checkpointInterval()} when something changed,
 * and on close): the engine thread encodes every view's table ({@link TableCodec}), every source's
 * driver state ({@link DriverStateCodec}: clock, watermarks, held events, drop counters, applied
 * count) and a meta blob ({@link CheckpointMeta}) with the next offset per source as the
 * checkpoint's positions; a separate thread saves it atomically. A checkpoint is a consistent cut:
 * it is taken between batches, and the state includes exactly the offsets below its positions.
 * Periodic checkpoints encode the tables in steps of {@link EngineOptions#checkpointKeysPerStep()}
 * keys per view between batches, copying a key's state as of the cut before an event changes it
 * ({@link TableSnapshot}), so a large state never stalls applying (and freshness) for the whole
 * encode; checkpoints taken on request or on close are encoded at once.
 *
 * <p><b>Restart.</b> Recovery runs on the engine thread before anything is served: for each
 * source, restore from the newest intact checkpoint if its definitions are unchanged (else rebuild
 * from offset 0), then replay the log from the position. The log keeps every record, so either
 * way each logged event is applied once. Dead letters are stored idempotently on (source,
 * partition, offset), so replays do not duplicate them.
 *
 * <p>The engine must be the only writer of its sources in the log (their offsets are what it
 * applies in order), and the caller owns the storage: close the engine first, then the storage.
 */
public final class EmbeddedEngine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EmbeddedEngine.class.getName());
    /** {@link Checkpoint#formatVersion()} of embedded checkpoints. */
    public static final int CHECKPOINT_FORMAT = 1;
    static final String META_BLOB = "meta";
    private static final int REPLAY_BATCH = 4096;
    private static final int HANDLE_BUDGET = 256;
    /**
     * An appended batch is handed to the engine thread as it is (sparing the decoding of its
     * records) only while at most this many batches wait; a backlog waits as records, ~3× smaller
     * than the batch's objects, which would otherwise survive young collections in bulk.
     */
    static final int HAND_OFF_MAX_QUEUED = 16;
    private static final Object WAKE = new Object();

    private final Storage storage;
    private final EventLog log;
    private final EngineOptions options;
    private final InstantSource clock;
    private final Map<String, SourceRuntime> sources;
    private final List<SourceRuntime> sourceList;
    private final Map<String, ViewRuntime> views;
    private final List<ViewRuntime> viewList;
    /** Engine thread: the next view {@link #measureState} measures, and when. */
    private int measuringView;
    private long nextMeasureNanos = System.nanoTime();
    static final int MEASURE_KEYS = 512;
    static final long MEASURE_EVERY_MILLIS = 10;
    private final List<CompiledView> compiledViews;

    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** Bytes of the records of the {@link #queued} batches (bounded by {@link EngineOptions#maxQueuedBytes()}). */
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Thread engineThread;
    private final ExecutorService checkpointer;
    private final CompletableFuture<Void> readyFuture = new CompletableFuture<>();
    private final AtomicReference<CompletableFuture<Void>> tickRequest = new AtomicReference<>();
    private final AtomicBoolean saving = new AtomicBoolean();
    private final Object closeLock = new Object();
    private boolean closeCalled;
    private volatile boolean ready;
    private volatile boolean closing;
    private volatile boolean halting;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile boolean checkpointOwed;
    private volatile long lastApplyLag;
    private volatile EngineStats.RecoveryStats recovery = EngineStats.RecoveryStats.PENDING;

    private final Object checkpointStatsLock = new Object();
    private long checkpointCount;
    private long checkpointFailures;
    private long lastCheckpointId = -1;
    private long lastCheckpointCreatedAt = Long.MIN_VALUE;
    private long lastCheckpointBytes;
    private long lastCheckpointMillis;
    private Map<String, Long> lastCheckpointPositions = Map.of();

    // engine thread only
    private long nextCheckpointAt;
    /** The periodic checkpoint being encoded in steps between batches, if any. */
    private PendingCheckpoint pending;
    private long lastTick = Long.MIN_VALUE;
    private final List<Delivery> published = new ArrayList<>();

    /**
     * A logged batch on its way to the engine thread: its records and, in {@code rows}, the same
     * events as the engine applies them (row i = what record i decodes to). {@code acceptNanos} and {@code loggedNanos} are
     * {@link System#nanoTime} when its accept time was stamped and when the log had written it:
     * monotonic stamps for the freshness metric only, never semantic times.
     */
    record Delivery(SourceRuntime source, long firstOffset, List<byte[]> records, EventBatch rows,
                    SourceRuntime.InFlight ticket, long acceptNanos, long loggedNanos, long bytes) {
    }

    /**
     * Work run on the engine thread. If work that changes state fails, the state may be half
     * changed: besides failing the caller's future, the failure stops the engine, as it does when
     * the engine loop's own work fails, so nothing serves or checkpoints a half-applied step.
     */
    private static final class Task<T> {
        final Supplier<T> work;
        final boolean changesState;
        final CompletableFuture<T> future = new CompletableFuture<>();

        Task(Supplier<T> work, boolean changesState) {
            this.work = work;
            this.changesState = changesState;
        }

        void run() {
            T result;
            try {
                result = work.get();
            } catch (Throwable t) {
                if (changesState) {
                    throw new StateChangeFailed(t, future); // the caller hears once the engine has stopped
                }
                future.completeExceptionally(t);
                return;
            }
            future.complete(result);
        }
    }

    /**
     * A state-changing task failed: unwinds the engine loop, which stops the engine with the cause
     * and only then fails the task's future, so its caller finds the engine already stopped.
     */
    private static final class StateChangeFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        @SuppressWarnings("serial") // never serialized
        final transient CompletableFuture<?> future;

        StateChangeFailed(Throwable cause, CompletableFuture<?> future) {
            super(cause.toString(), cause, false, false);
            this.future = future;
        }
    }

    private EmbeddedEngine(FeatureRepository repo, Storage storage, EngineOptions options, InstantSource clock) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.log = storage.eventLog();
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        Map<String, List<CompiledView>> bySource = StreamingViews.compile(repo);
        Map<String, SourceRuntime> byName = new LinkedHashMap<>();
        Map<String, ViewRuntime> viewsByName = new LinkedHashMap<>();
        List<CompiledView> compiled = new ArrayList<>();
        for (SourceSpec source : repo.sources()) {
            List<CompiledView> sourceViews = bySource.get(source.name());
            SourceRuntime s = new SourceRuntime(source, sourceViews, storage.deadLetters(), clock, options.freshness());
            byName.put(source.name(), s);
            for (ViewRuntime v : s.views) {
                viewsByName.put(v.compiled.name(), v);
                compiled.add(v.compiled);
            }
        }
        this.sources = Collections.unmodifiableMap(byName);
        this.sourceList = List.copyOf(byName.values());
        this.views = Collections.unmodifiableMap(viewsByName);
        this.viewList = List.copyOf(viewsByName.values());
        compiled.sort((a, b) -> a.name().compareTo(b.name()));
        this.compiledViews = List.copyOf(compiled);
        this.engineThread = Thread.ofPlatform().name("freshet-engine").daemon(true).unstarted(this::run);
        this.checkpointer = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("freshet-checkpointer").daemon(true).factory());
    }

    /**
     * Starts an engine and waits until it is ready: the latest usable checkpoint restored and the
     * log tail replayed. The caller keeps ownership of {@code storage} (close it after the engine).
     *
     * @throws IllegalArgumentException if a view cannot be compiled
     * @throws IllegalStateException    if recovery failed (the cause says why)
     */
    public static EmbeddedEngine start(FeatureRepository repo, Storage storage, EngineOptions options, InstantSource clock) {
        EmbeddedEngine engine = open(repo, storage, options, clock);
        try {
            engine.awaitReady().join();
        } catch (CompletionException e) {
            engine.close();
            throw new IllegalStateException("embedded engine failed to start: " + e.getCause().getMessage(), e.getCause());
        }
        return engine;
    }

    /**
     * Starts an engine whose recovery runs in the background: {@link #isReady()} turns true (and
     * {@link #awaitReady()} completes) once done. Until then reads and appends are refused with
     * {@link IllegalStateException} (HTTP 503), so a server can answer health checks meanwhile.
     */
    public static EmbeddedEngine open(FeatureRepository repo, Storage storage, EngineOptions options, InstantSource clock) {
        EmbeddedEngine engine = new EmbeddedEngine(repo, storage, options, clock);
        engine.engineThread.start();
        return engine;
    }

    /** Completes once recovery is done (exceptionally if it failed). */
    public CompletableFuture<Void> awaitReady() {
        return readyFuture.copy();
    }

    /**
     * Why the engine stopped, if a failed step (or a failed recovery) stopped it: it then serves and
     * accepts nothing until restarted, and a restart recovers from the last checkpoint and the log.
     */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Whether recovery is done and the engine serves reads and appends. */
    public boolean isReady() {
        return ready && failure == null && !closing;
    }

    // ---------------------------------------------------------------------------------- ingest

    /**
     * Appends schema-validated events of {@code source}. The future completes once they are durable
     * in the log (not yet applied: see {@link #awaitApplied}), or fails with
     * {@link UnknownSourceException} (404), {@link LogOverloadedException} when too many batches wait
     * (429; nothing was written, retry later), {@link IllegalStateException} when the engine is not
     * ready, closing or failed (503), or a {@link dev.freshet.storage.StorageException} (503).
     * The caller must not change the batch after this call: while few batches wait, the engine keeps
     * it and applies its values rather than decoding the records it logged (a string UTF-8 cannot
     * carry — an unpaired UTF-16 surrogate, logged as {@code '?'} — is first replaced in the batch
     * by what its record decodes to, {@link RowCodec#normalize}, so applying the batch and
     * replaying the log see the same values). The future completes on the log's writer thread:
     * keep non-async dependent stages short.
     *
     * @throws IllegalArgumentException if the batch's schema is not the source's
     */
    public CompletableFuture<IngestReceipt> append(String source, EventBatch events) {
        Objects.requireNonNull(events, "events");
        SourceRuntime s = sources.get(source);
        if (s == null) {
            return CompletableFuture.failedFuture(new UnknownSourceException(source));
        }
        if (!events.schema().equals(s.spec.schema())) {
            throw new IllegalArgumentException("batch schema " + events.schema() + " is not the schema of source " + source);
        }
        IllegalStateException refused = refusal();
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        if (events.size() == 0) {
            return CompletableFuture.completedFuture(new IngestReceipt(source, log.endOffset(source), 0, clock.millis()));
        }
        List<byte[]> records = RowCodec.encodeBatch(events, 0, 0);
        long bytes = bytes(records);
        int waiting = queued.incrementAndGet();
        long waitingBytes = queuedBytes.addAndGet(bytes);
        // one batch larger than the byte bound alone is still taken: it could never be, otherwise
        if (waiting > options.maxQueuedBatches() || (waitingBytes > options.maxQueuedBytes() && waiting > 1)) {
            queued.decrementAndGet();
            queuedBytes.addAndGet(-bytes);
            return CompletableFuture.failedFuture(new LogOverloadedException("the engine has " + (waiting - 1) + " batches ("
                    + (waitingBytes - bytes) + " bytes) waiting to be applied (limits " + options.maxQueuedBatches() + " batches, "
                    + options.maxQueuedBytes() + " bytes); retry later"));
        }
        refused = refusal(); // close() waits for queued == 0: re-check after reserving
        if (refused != null) {
            releaseQueued(bytes);
            return CompletableFuture.failedFuture(refused);
        }
        boolean handOff = waiting <= HAND_OFF_MAX_QUEUED;
        if (handOff) {
            RowCodec.normalize(events); // now row i is exactly what record i decodes to
        }
        EventBatch handedOff = handOff ? events : null;
        SourceRuntime.InFlight ticket;
        CompletableFuture<AppendResult> appended;
        long accept;
        AtomicBoolean delivered = new AtomicBoolean();
        s.appendLock.lock();
        try {
            long acceptNanos = System.nanoTime();
            accept = Math.max(s.acceptClock, clock.millis());
            s.acceptClock = accept;
            for (byte[] r : records) {
                RowCodec.stampAcceptTime(r, accept);
            }
            SourceRuntime.InFlight t = new SourceRuntime.InFlight(accept);
            ticket = t;
            s.inFlight.addLast(t);
            try {
                // written (not yet fsynced): the engine may apply it now; the caller hears once durable
                appended = log.append(source, records, r -> {
                    delivered.set(true);
                    inbox.add(new Delivery(s, r.firstOffset(), records, handedOff, t, acceptNanos, System.nanoTime(), bytes));
                });
            } catch (RuntimeException e) {
                s.inFlight.removeLastOccurrence(ticket);
                releaseQueued(bytes);
                throw e;
            }
        } finally {
            s.appendLock.unlock();
        }
        CompletableFuture<IngestReceipt> result = new CompletableFuture<>();
        appended.whenComplete((r, e) -> {
            if (e != null) {
                if (!delivered.get()) { // else the engine applies it and releases its place
                    s.finishInFlight(ticket);
                    releaseQueued(bytes);
                }
                result.completeExceptionally(unwrap(e));
            } else {
                result.complete(new IngestReceipt(source, r.firstOffset(), r.count(), accept));
            }
        });
        return result;
    }

    private static long bytes(List<byte[]> records) {
        long n = 0;
        for (byte[] r : records) {
            n += r.length;
        }
        return n;
    }

    private IllegalStateException refusal() {
        Throwable f = failure;
        if (f != null) {
            return new IllegalStateException("the engine stopped after a failure: " + f, f);
        }
        if (closing || halting) {
            return new IllegalStateException("the engine is closing");
        }
        if (!ready) {
            return new IllegalStateException("the engine is not ready yet (recovering)");
        }
        return null;
    }

    private void releaseQueued(long bytes) {
        queuedBytes.addAndGet(-bytes);
        queued.decrementAndGet();
        inbox.add(WAKE); // close() may be waiting for queued == 0
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /**
     * Completes once every event of {@code source} below {@code endOffset} has been processed:
     * applied and visible to reads, dropped (dead-lettered), or — for an event whose event time is
     * not yet past — held until it is (reads before that time must not see it anyway). For
     * {@code ?wait=applied}: {@code awaitApplied(r.source(), r.endOffset())}. The future completes
     * on the engine thread: non-async dependent stages must be short and must not block (use the
     * {@code *Async} variants otherwise), or they stall ingestion.
     */
    public CompletableFuture<Void> awaitApplied(String source, long endOffset) {
        SourceRuntime s = sources.get(source);
        if (s == null) {
            return CompletableFuture.failedFuture(new UnknownSourceException(source));
        }
        if (endOffset <= s.appliedOffset) {
            return CompletableFuture.completedFuture(null);
        }
        if (!running) {
            return CompletableFuture.failedFuture(new IllegalStateException("the engine is stopped"));
        }
        CompletableFuture<Void> f = s.awaitApplied(endOffset);
        if (!running && !f.isDone()) {
            s.failWaiters(new IllegalStateException("the engine is stopped"));
        }
        return f;
    }

    // ---------------------------------------------------------------------------------- reads

    /** The streaming views (with aggregations), by name, compiled once. */
    public List<CompiledView> views() {
        return compiledViews;
    }

    /** The streaming view named {@code name}; {@link NoSuchElementException} if none. */
    public CompiledView view(String name) {
        return findView(name).orElseThrow(() -> new NoSuchElementException("no streaming view named '" + name + "'"));
    }

    public Optional<CompiledView> findView(String name) {
        ViewRuntime v = views.get(name);
        return v == null ? Optional.empty() : Optional.of(v.compiled);
    }

    /** Names of the sources this engine accepts events for. */
    public List<String> sources() {
        return List.copyOf(sources.keySet());
    }

    /**
     * Reads every feature of {@code view} for {@code key} at read time {@code t} into {@code out}
     * (indexes as in {@code view(view).features()}); returns whether the key has state. Thread-safe.
     * The key is the join-key value (String or Long) or a
     * {@link dev.freshet.aggregation.state.CompositeKey}.
     *
     * <p>Exact per DESIGN §3 over the events accepted so far, provided no applied event is at or
     * after {@code t}: true for any {@code t} at or after the engine's clock, e.g. a clock reading
     * taken now; {@link #readLatest} picks such a time under the lock. Accepted events held for a
     * time before {@code t} count too (read from a copy of the key's state until the engine thread
     * applies them); a read never waits for the engine thread.
     *
     * @throws NoSuchElementException if there is no such streaming view
     * @throws IllegalStateException  before the engine is ready
     */
    public boolean read(String view, Object key, long t, FeatureVector out) {
        ViewRuntime v = viewRuntime(view);
        requireReady();
        SourceRuntime s = v.source;
        if (s.heldMin < t) {
            nudgeHeldRelease(s, t);
        }
        long stamp = s.lock.readLock();
        try {
            if (s.holdsBefore(t)) { // not heldMin: it is published after the step, the driver's held events under the lock
                return s.readWithHeld(v, key, t, out); // a read after the clock: counts the events held before t
            }
            return v.table().read(key, t, out, v.reader());
        } finally {
            s.lock.unlockRead(stamp);
        }
    }

    /**
     * Reads {@code view} for {@code key} "now" and returns the read time used:
     * {@code max(clock, the source's applied clock)}, taken under the read lock, so no applied event
     * is at or after it and the read is exact.
     */
    public long readLatest(String view, Object key, FeatureVector out) {
        ViewRuntime v = viewRuntime(view);
        requireReady();
        SourceRuntime s = v.source;
        long now = clock.millis();
        if (s.heldMin < now) {
            nudgeHeldRelease(s, now);
        }
        long stamp = s.lock.readLock();
        try {
            long t = Math.max(now, s.tableClock);
            if (s.holdsBefore(t)) {
                s.readWithHeld(v, key, t, out);
            } else {
                v.table().read(key, t, out, v.reader());
            }
            return t;
        } finally {
            s.lock.unlockRead(stamp);
        }
    }

    private ViewRuntime viewRuntime(String view) {
        ViewRuntime v = views.get(view);
        if (v == null) {
            throw new NoSuchElementException("no streaming view named '" + view + "'");
        }
        return v;
    }

    private void requireReady() {
        if (!ready) {
            throw new IllegalStateException("the engine is not ready yet (recovering)");
        }
        if (failure != null) {
            throw refusal(); // a failed step may have left the state half-applied: serve nothing
        }
    }

    /**
     * Wakes the engine thread to apply the held events whose time the clock has passed (it does so
     * on its own within a millisecond or so; this only saves that wait). Never blocks: until those
     * events are applied, reads count them through {@link SourceRuntime#readWithHeld}.
     */
    private void nudgeHeldRelease(SourceRuntime s, long t) {
        if (s.heldMin < Math.min(t, clock.millis()) && Thread.currentThread() != engineThread && running) {
            requestTick();
        }
    }

    private CompletableFuture<Void> requestTick() {
        CompletableFuture<Void> f = tickRequest.get();
        if (f == null) {
            CompletableFuture<Void> mine = new CompletableFuture<>();
            f = tickRequest.compareAndExchange(null, mine);
            if (f == null) {
                f = mine;
                inbox.add(WAKE);
            }
        }
        if (!running) {
            f.complete(null); // the engine thread is gone (or going): nobody else will
        }
        return f;
    }

    /**
     * Applies held (future) events whose time the clock has passed. The engine thread also does
     * this on its own whenever the clock moves; this waits for one such step.
     */
    public void advanceClock() {
        join(onEngineThread(() -> {
            tick(clock.millis());
            return null;
        }, true));
    }

    // ---------------------------------------------------------------------------------- checkpoints

    /**
     * Takes a checkpoint now and waits until it is durable; returns its id. (For tests and
     * shutdown; the engine checkpoints on its own every {@link EngineOptions#checkpointInterval()}.)
     */
    public long checkpointNow() {
        return join(onEngineThread(this::startCheckpoint).thenCompose(f -> f));
    }

    /**
     * Cuts a checkpoint and encodes it at once (engine thread), then saves it on the checkpoint
     * thread. A periodic checkpoint still being encoded in steps is completed and saved first.
     */
    private CompletableFuture<Long> startCheckpoint() {
        if (pending != null) {
            savePending();
        }
        return cutAndSave();
    }

    /** Cuts a checkpoint, encodes it at once and hands it to the checkpoint thread (nothing pending). */
    private CompletableFuture<Long> cutAndSave() {
        pending = cut();
        CompletableFuture<Long> saved = pending.saved;
        savePending();
        return saved;
    }

    /**
     * A checkpoint cut whose view images are still being encoded in steps by the engine thread
     * ({@link TableSnapshot}); the positions, driver states and meta are encoded at the cut.
     */
    private static final class PendingCheckpoint {
        final long startedNanos = System.nanoTime();
        final long createdAt;
        final Map<String, Long> positions;
        final Map<String, byte[]> blobs;
        final Map<String, TableSnapshot> tables;
        final CompletableFuture<Long> saved = new CompletableFuture<>();

        PendingCheckpoint(long createdAt, Map<String, Long> positions, Map<String, byte[]> blobs, Map<String, TableSnapshot> tables) {
            this.createdAt = createdAt;
            this.positions = positions;
            this.blobs = blobs;
            this.tables = tables;
        }
    }

    /** A consistent cut of all state with the positions it includes (engine thread, between batches). */
    private PendingCheckpoint cut() {
        Map<String, Long> positions = new TreeMap<>();
        Map<String, byte[]> blobs = new TreeMap<>();
        Map<String, TableSnapshot> tables = new TreeMap<>();
        Map<String, CheckpointMeta.SourceEntry> meta = new TreeMap<>();
        try {
            for (SourceRuntime s : sourceList) {
                positions.put(s.name, s.nextOffset);
                meta.put(s.name, s.metaEntry);
                blobs.put(sourceBlob(s.name), DriverStateCodec.encode(s.state()));
                for (ViewRuntime v : s.views) {
                    tables.put(viewBlob(v.compiled.name()), TableSnapshot.stepwise(v.table()));
                }
            }
            blobs.put(META_BLOB, new CheckpointMeta(meta).encode());
            PendingCheckpoint cut = new PendingCheckpoint(clock.millis(), positions, blobs, tables);
            for (SourceRuntime s : sourceList) {
                s.dirty = false;
            }
            return cut;
        } catch (Throwable t) {
            // Detach the snapshots attached so far, else every later cut of their tables fails.
            tables.values().forEach(TableSnapshot::abandon);
            throw t;
        }
    }

    /** One step of the pending checkpoint's encoding; saves it once every view is encoded. */
    private void advancePending() {
        boolean done = true;
        for (TableSnapshot t : pending.tables.values()) {
            done &= t.advance(options.checkpointKeysPerStep());
        }
        if (done) {
            savePending();
        }
    }

    /** Encodes what is left of the pending checkpoint and hands it to the checkpoint thread. */
    private void savePending() {
        PendingCheckpoint p = pending;
        pending = null;
        Map<String, TableSnapshot.Image> images = new TreeMap<>();
        p.tables.forEach((name, t) -> images.put(name, t.complete()));
        CompletableFuture.supplyAsync(() -> {
            Map<String, byte[]> blobs = new TreeMap<>(p.blobs);
            images.forEach((name, image) -> { // the state-sized copies, off the engine thread
                List<byte[]> parts = image.toParts(options.checkpointPartBytes());
                blobs.put(name, parts.getFirst());
                for (int i = 1; i < parts.size(); i++) {
                    blobs.put(partBlob(name, i), parts.get(i));
                }
            });
            Checkpoint cp = new Checkpoint(p.createdAt, CHECKPOINT_FORMAT, p.positions, blobs);
            long id = storage.checkpoints().save(cp);
            synchronized (checkpointStatsLock) {
                checkpointCount++;
                lastCheckpointId = id;
                lastCheckpointCreatedAt = cp.createdAtMillis();
                lastCheckpointBytes = cp.blobBytes();
                lastCheckpointMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - p.startedNanos);
                lastCheckpointPositions = cp.positions();
            }
            return id;
        }, checkpointer).whenComplete((id, e) -> {
            if (e != null) {
                checkpointOwed = true;
                synchronized (checkpointStatsLock) {
                    checkpointFailures++;
                }
                LOG.log(System.Logger.Level.WARNING, "checkpoint failed (the log still has every event): " + unwrap(e), unwrap(e));
                p.saved.completeExceptionally(e);
            } else {
                p.saved.complete(id);
            }
        });
    }

    static String sourceBlob(String source) {
        return "source:" + source;
    }

    static String viewBlob(String view) {
        return "view:" + view;
    }

    // ---------------------------------------------------------------------------------- stats

    public EngineStats stats() {
        Map<String, EngineStats.SourceStats> ss = new LinkedHashMap<>();
        Map<String, EngineStats.ViewStats> vs = new LinkedHashMap<>();
        for (SourceRuntime s : sourceList) {
            ss.put(s.name, new EngineStats.SourceStats(s.name, log.endOffset(s.name), s.appliedOffset, s.appliedEvents,
                    s.heldCount, s.maxEventTime, s.watermark, s.publishedClock, s.publishedDrops()));
            for (ViewRuntime v : s.views) {
                int keys = 0;
                long bytes = 0;
                if (ready) {
                    long stamp = s.lock.readLock();
                    try {
                        keys = v.table().keyCount();
                    } finally {
                        s.lock.unlockRead(stamp);
                    }
                    bytes = Math.max(0, v.stateBytes()); // measured in steps by the engine thread
                }
                vs.put(v.compiled.name(), new EngineStats.ViewStats(v.compiled.name(), s.name, keys, bytes));
            }
        }
        EngineStats.CheckpointStats cs;
        synchronized (checkpointStatsLock) {
            cs = new EngineStats.CheckpointStats(checkpointCount, checkpointFailures, lastCheckpointId,
                    lastCheckpointCreatedAt, lastCheckpointBytes, lastCheckpointMillis, lastCheckpointPositions);
        }
        Throwable f = failure;
        long logBytes;
        try {
            logBytes = log.sizeBytes();
        } catch (RuntimeException closedOrFailed) { // stats stay readable while the storage shuts down
            logBytes = -1;
        }
        long logCommits = log.commits();
        return new EngineStats(ready, f == null ? null : f.toString(), Collections.unmodifiableMap(ss),
                Collections.unmodifiableMap(vs), cs, recovery, queued.get(), lastApplyLag, logBytes, logCommits);
    }

    // ---------------------------------------------------------------------------------- lifecycle

    /**
     * Stops accepting appends, applies every append already acknowledged or in flight, writes a
     * final checkpoint (unless disabled) and stops the threads. Does not close the storage.
     * Idempotent.
     */
    @Override
    public void close() {
        stop(false);
    }

    /**
     * Stops the threads at once, like a crash: no draining and no final checkpoint (durable appends
     * not yet applied stay in the log, for the next start to replay). For tests.
     */
    void halt() {
        stop(true);
    }

    private void stop(boolean abrupt) {
        if (Thread.currentThread() == engineThread) {
            throw new IllegalStateException("close() called on the engine thread (from a stage of an awaitApplied future?):"
                    + " use an *Async stage");
        }
        boolean first;
        synchronized (closeLock) {
            first = !closeCalled;
            closeCalled = true;
        }
        if (first) {
            if (abrupt) {
                halting = true;
            }
            closing = true;
            inbox.add(WAKE);
        }
        // every caller returns only once the engine has stopped (a second close() waits for the first)
        boolean interrupted = false;
        while (engineThread.isAlive()) {
            try {
                engineThread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        checkpointer.shutdown();
        while (!checkpointer.isTerminated()) {
            try {
                checkpointer.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------- engine thread

    private void run() {
        try {
            recover();
        } catch (Throwable t) {
            fail(t);
            readyFuture.completeExceptionally(t);
            exit();
            return;
        }
        ready = true;
        readyFuture.complete(null);
        try {
            nextCheckpointAt = plus(clock.millis(), options.checkpointInterval().toMillis());
            while (!halting) {
                Object item;
                try {
                    item = inbox.poll(idleWaitMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    continue; // only close() stops the engine thread
                }
                for (int budget = HANDLE_BUDGET; item != null && !halting; ) {
                    handle(item);
                    item = --budget == 0 ? null : inbox.poll();
                }
                if (halting) {
                    break;
                }
                long now = clock.millis();
                CompletableFuture<Void> requested = tickRequest.getAndSet(null);
                if (now != lastTick || requested != null) {
                    tick(now);
                }
                if (requested != null) {
                    requested.complete(null);
                }
                long interval = options.checkpointInterval().toMillis();
                if (nextCheckpointAt - now > interval) {
                    nextCheckpointAt = plus(now, interval); // the clock went back: keep checkpointing every interval
                }
                if (pending != null) {
                    advancePending();
                } else if (now >= nextCheckpointAt) {
                    nextCheckpointAt = plus(now, interval);
                    periodicCheckpoint();
                }
                measureState();
                if (closing && queued.get() == 0 && inbox.isEmpty()) {
                    break;
                }
            }
            if (!halting && options.checkpointOnClose()) {
                join(startCheckpoint());
            }
        } catch (StateChangeFailed t) {
            fail(t.getCause());
            t.future.completeExceptionally(t.getCause());
        } catch (Throwable t) {
            fail(t);
        } finally {
            exit();
        }
    }

    private long idleWaitMillis() {
        if (pending != null) {
            return 0; // a checkpoint to encode: keep stepping
        }
        for (SourceRuntime s : sourceList) {
            if (s.held.size() > 0) {
                return 1;
            }
        }
        return 10;
    }

    private void handle(Object item) {
        switch (item) {
            case Delivery d -> deliver(d);
            case Task<?> t -> t.run();
            default -> {
                // WAKE
            }
        }
    }

    /** Puts a logged batch in its source's reorder buffer and applies every batch now in order. */
    private void deliver(Delivery d) {
        SourceRuntime s = d.source();
        if (d.firstOffset() < s.nextOffset || s.pending.containsKey(d.firstOffset())) {
            throw new IllegalStateException("source " + s.name + ": batch at offset " + d.firstOffset()
                    + " delivered twice (next offset to apply is " + s.nextOffset + ")");
        }
        s.pending.put(d.firstOffset(), d);
        Map.Entry<Long, Delivery> head;
        while ((head = s.pending.firstEntry()) != null && head.getKey() == s.nextOffset) {
            s.pending.pollFirstEntry();
            Delivery next = head.getValue();
            s.liveAcceptNanos = next.acceptNanos();
            try {
                s.applyRecords(next.firstOffset(), next.records(), next.rows());
            } finally {
                s.liveAcceptNanos = SourceRuntime.NO_LIVE_BATCH;
            }
            s.finishInFlight(next.ticket());
            queuedBytes.addAndGet(-next.bytes());
            queued.decrementAndGet();
            lastApplyLag = clock.millis() - next.ticket().acceptTime;
            published.add(next);
        }
        if (!published.isEmpty()) {
            // Reported just before publishing (a few stores later): so the report is in before any
            // ?wait=applied caller, completed by publish(), can look at the metrics.
            long now = System.nanoTime();
            for (Delivery p : published) {
                options.freshness().batchProcessed(s.name, p.records().size(), now - p.acceptNanos(), now - p.loggedNanos());
            }
            published.clear();
            s.publish();
        }
    }

    /** Moves every driver's clock as far as the wall clock and the batches in flight allow. */
    private void tick(long now) {
        lastTick = now;
        for (SourceRuntime s : sourceList) {
            long bound = s.advanceBound(now);
            if (bound > s.clock) {
                s.advanceTo(bound);
                s.publish();
            }
        }
    }

    /**
     * Every {@value #MEASURE_EVERY_MILLIS} ms, the state bytes of up to {@value #MEASURE_KEYS} more
     * keys of one view, round robin ({@link ViewRuntime#measureStep}): the gauge of {@link #stats}
     * without a walk of the whole state per scrape.
     */
    private void measureState() {
        long nanos = System.nanoTime();
        if (viewList.isEmpty() || nanos - nextMeasureNanos < 0) {
            return;
        }
        nextMeasureNanos = nanos + TimeUnit.MILLISECONDS.toNanos(MEASURE_EVERY_MILLIS);
        if (viewList.get(measuringView).measureStep(MEASURE_KEYS)) {
            measuringView = (measuringView + 1) % viewList.size();
        }
    }

    private void periodicCheckpoint() {
        boolean dirty = checkpointOwed;
        for (SourceRuntime s : sourceList) {
            dirty |= s.dirty;
        }
        if (!dirty || !saving.compareAndSet(false, true)) {
            return; // nothing new, or the previous save is still running
        }
        checkpointOwed = false;
        pending = cut(); // encoded in steps by the engine loop, then saved
        pending.saved.whenComplete((id, e) -> saving.set(false));
    }

    private <T> CompletableFuture<T> onEngineThread(Supplier<T> work) {
        return onEngineThread(work, false);
    }

    private <T> CompletableFuture<T> onEngineThread(Supplier<T> work, boolean changesState) {
        Task<T> task = new Task<>(work, changesState);
        if (Thread.currentThread() == engineThread) {
            task.run();
            return task.future;
        }
        if (!running) {
            return CompletableFuture.failedFuture(new IllegalStateException("the engine is stopped"));
        }
        inbox.add(task);
        if (!running && inbox.remove(task)) {
            task.future.completeExceptionally(new IllegalStateException("the engine is stopped"));
        }
        return task.future;
    }

    private void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        }
        LOG.log(System.Logger.Level.ERROR, "embedded engine stopped: " + t, t);
    }

    /** Engine thread's last act: nobody will run queued work or complete waiters any more. */
    private void exit() {
        running = false;
        CompletableFuture<Void> t = tickRequest.getAndSet(null);
        if (t != null) {
            t.complete(null);
        }
        IllegalStateException stopped = new IllegalStateException("the engine is stopped", failure);
        for (Object item; (item = inbox.poll()) != null; ) {
            if (item instanceof Task<?> task) {
                task.future.completeExceptionally(stopped);
            }
        }
        for (SourceRuntime s : sourceList) {
            s.failWaiters(stopped);
        }
    }

    // ---------------------------------------------------------------------------------- recovery

    private void recover() {
        long started = System.nanoTime();
        long checkpointId = -1;
        Checkpoint cp = null;
        try {
            for (CheckpointInfo info : storage.checkpoints().list()) {
                try {
                    Optional<Checkpoint> loaded = storage.checkpoints().load(info.id());
                    if (loaded.isPresent()) {
                        cp = loaded.get();
                        checkpointId = info.id();
                        break;
                    }
                } catch (CorruptStorageException e) {
                    LOG.log(System.Logger.Level.WARNING, "checkpoint " + info.id() + " is damaged; trying an older one: " + e.getMessage());
                }
            }
        } catch (CorruptStorageException e) {
            LOG.log(System.Logger.Level.WARNING, "no intact checkpoint; rebuilding from the log: " + e.getMessage());
        }
        CheckpointMeta meta = null;
        if (cp != null) {
            if (cp.formatVersion() != CHECKPOINT_FORMAT) {
                LOG.log(System.Logger.Level.WARNING, "checkpoint " + checkpointId + " has format " + cp.formatVersion()
                        + ", this build writes " + CHECKPOINT_FORMAT + "; rebuilding from the log");
            } else {
                try {
                    meta = CheckpointMeta.decode(blob(cp, META_BLOB));
                } catch (CorruptStateException e) {
                    LOG.log(System.Logger.Level.WARNING, "checkpoint " + checkpointId + ": " + e.getMessage() + "; rebuilding from the log");
                }
            }
        }
        List<String> restored = new ArrayList<>();
        List<String> rebuilt = new ArrayList<>();
        for (SourceRuntime s : sourceList) {
            boolean ok = false;
            if (meta != null && s.metaEntry.equals(meta.sources().get(s.name))) {
                ok = restore(s, cp, checkpointId);
            } else if (meta != null) {
                LOG.log(System.Logger.Level.INFO, "definitions of source " + s.name + " or its views changed since checkpoint "
                        + checkpointId + "; rebuilding it from the log");
            }
            if (ok) {
                restored.add(s.name);
            } else {
                s.reset(options.expectedKeysPerView());
                rebuilt.add(s.name);
            }
        }
        if (!rebuilt.isEmpty() && cp != null) {
            // Before any letter goes, the newest checkpoint must say these sources start over, or a
            // crash now and a restart with the old definitions would restore the old checkpoint and
            // replay only its tail, never re-creating the letters removed below.
            join(cutAndSave());
        }
        Map<String, Long> replayed = new LinkedHashMap<>();
        for (SourceRuntime s : sourceList) {
            if (s.nextOffset == 0) {
                // The replay judges every logged event again and re-creates the letters of those it
                // still drops. (A source restored at offset 0 is one whose rebuild a crash cut short.)
                storage.deadLetters().removeReplayable(s.name);
            }
            replayed.put(s.name, replay(s));
            s.appendLock.lock();
            try {
                s.acceptClock = Math.max(s.acceptClock, s.clock);
            } finally {
                s.appendLock.unlock();
            }
            s.publish();
        }
        recovery = new EngineStats.RecoveryStats(restored.isEmpty() ? -1 : checkpointId, List.copyOf(restored),
                List.copyOf(rebuilt), Collections.unmodifiableMap(replayed),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        LOG.log(System.Logger.Level.INFO, "embedded engine ready: " + recovery);
    }

    private boolean restore(SourceRuntime s, Checkpoint cp, long checkpointId) {
        try {
            DriverState state = DriverStateCodec.decode(blob(cp, sourceBlob(s.name)));
            Long position = cp.positions().get(s.name);
            if (position == null || position != state.nextOffset()) {
                throw new CorruptStateException("position " + position + " disagrees with the driver state's " + state.nextOffset());
            }
            long end = log.endOffset(s.name);
            if (position > end) {
                throw new IllegalStateException("checkpoint " + checkpointId + " includes " + s.name + " up to offset " + position
                        + " but its log ends at " + end + ": the log and the checkpoints do not belong together");
            }
            List<TileTable> tables = new ArrayList<>();
            for (ViewRuntime v : s.views) {
                tables.add(TableCodec.decode(viewParts(cp, viewBlob(v.compiled.name())), v.compiled));
            }
            s.restore(state, tables);
            return true;
        } catch (CorruptStateException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot restore " + s.name + " from checkpoint " + checkpointId + " ("
                    + e.getMessage() + "); rebuilding it from the log");
            return false;
        }
    }

    /** A view image's blob and its further parts ({@code name#1}, {@code name#2}, ...), in order. */
    private static List<byte[]> viewParts(Checkpoint cp, String name) {
        List<byte[]> parts = new ArrayList<>();
        parts.add(blob(cp, name));
        for (int i = 1; cp.blobs().containsKey(partBlob(name, i)); i++) {
            parts.add(cp.blobs().get(partBlob(name, i)));
        }
        return parts;
    }

    /** Blob name of part {@code i >= 1} of a view image larger than {@link EngineOptions#checkpointPartBytes()}. */
    static String partBlob(String viewBlob, int i) {
        return viewBlob + "#" + i;
    }

    private static byte[] blob(Checkpoint cp, String name) {
        byte[] b = cp.blobs().get(name);
        if (b == null) {
            throw new CorruptStateException("checkpoint lacks blob " + name);
        }
        return b;
    }

    /** Applies the log of {@code s} from its next offset to the end; returns the records replayed. */
    private long replay(SourceRuntime s) {
        long first = s.nextOffset;
        long count = 0;
        List<byte[]> batch = new ArrayList<>(REPLAY_BATCH);
        try (LogCursor c = log.read(s.name, first)) {
            while (c.next()) {
                if (c.offset() != first + batch.size()) {
                    throw new IllegalStateException("log of " + s.name + " jumps from " + (first + batch.size()) + " to " + c.offset());
                }
                batch.add(c.record());
                if (batch.size() == REPLAY_BATCH) {
                    s.applyRecords(first, batch, null);
                    first += batch.size();
                    count += batch.size();
                    batch.clear();
                }
            }
        }
        if (!batch.isEmpty()) {
            s.applyRecords(first, batch, null);
            count += batch.size();
        }
        return count;
    }

    // ---------------------------------------------------------------------------------- helpers

    private static long plus(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------------------------- test hooks

    /** The runtime of a view, for tests that compare engine figures with the table itself. */
    ViewRuntime viewRuntimeForTests(String view) {
        return viewRuntime(view);
    }

    /** A paused engine thread; closing resumes it. */
    interface Pause extends AutoCloseable {
        @Override
        void close();
    }

    /** The encoded table of a view, taken on the engine thread. */
    byte[] encodedView(String view) {
        ViewRuntime v = viewRuntime(view);
        return join(onEngineThread(() -> TableCodec.encode(v.table())));
    }

    /** The driver state of a source, taken on the engine thread. */
    DriverState driverState(String source) {
        SourceRuntime s = Objects.requireNonNull(sources.get(source), source);
        return join(onEngineThread(s::state));
    }

    /** Blocks the engine thread until the returned handle is closed (returns once it is blocked). */
    Pause pauseEngineThread() {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> paused = new CompletableFuture<>();
        onEngineThread(() -> {
            paused.complete(null);
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        join(paused);
        return release::countDown;
    }
}
