package dev.freshet.storage.memory;

import dev.freshet.storage.AppendResult;
import dev.freshet.storage.EventLog;
import dev.freshet.storage.LogCursor;
import dev.freshet.storage.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An {@link EventLog} in memory: appends complete synchronously (there is no disk to wait for) and
 * are never refused for overload. Records are copied in and out, so callers cannot alter the log.
 */
public final class MemoryEventLog implements EventLog {
    private final ConcurrentHashMap<String, SourceLog> logs = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private volatile boolean closed;

    /** One source's records; guarded by its own monitor. */
    private static final class SourceLog {
        final ArrayList<byte[]> records = new ArrayList<>();

        synchronized int size() {
            return records.size();
        }

        synchronized byte[] get(int offset) {
            return records.get(offset);
        }
    }

    @Override
    public CompletableFuture<AppendResult> append(String source, List<byte[]> records) {
        return append(source, records, null);
    }

    /** Written and "durable" at once: {@code onWritten} runs on the caller's thread, under the source's lock (log order). */
    @Override
    public CompletableFuture<AppendResult> append(String source, List<byte[]> records, Consumer<AppendResult> onWritten) {
        Checks.source(source);
        long batchBytes = Checks.records(records);
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("event log is closed"));
        }
        if (records.isEmpty()) {
            AppendResult none = new AppendResult(endOffset(source), 0);
            if (onWritten != null) {
                onWritten.accept(none);
            }
            return CompletableFuture.completedFuture(none);
        }
        List<byte[]> copies = new ArrayList<>(records.size());
        for (byte[] r : records) {
            copies.add(r.clone());
        }
        SourceLog log = logs.computeIfAbsent(source, s -> new SourceLog());
        long first;
        synchronized (log) {
            first = log.records.size();
            log.records.addAll(copies);
            if (onWritten != null) {
                onWritten.accept(new AppendResult(first, copies.size()));
            }
        }
        bytes.addAndGet(batchBytes);
        commits.incrementAndGet();
        return CompletableFuture.completedFuture(new AppendResult(first, copies.size()));
    }

    @Override
    public long endOffset(String source) {
        Checks.source(source);
        SourceLog log = logs.get(source);
        return log == null ? 0 : log.size();
    }

    @Override
    public LogCursor read(String source, long fromOffset) {
        Checks.source(source);
        Checks.fromOffset(fromOffset);
        if (closed) {
            throw new IllegalStateException("event log is closed");
        }
        SourceLog log = logs.get(source);
        int end = log == null ? 0 : log.size();
        return new Cursor(log, fromOffset, end);
    }

    @Override
    public List<String> sources() {
        List<String> names = new ArrayList<>();
        logs.forEach((name, log) -> {
            if (log.size() > 0) {
                names.add(name);
            }
        });
        names.sort(null);
        return names;
    }

    @Override
    public long sizeBytes() {
        return bytes.get();
    }

    @Override
    public long commits() {
        return commits.get();
    }

    @Override
    public void close() {
        closed = true;
    }

    private static final class Cursor implements LogCursor {
        private final SourceLog log;
        private final long end;
        private long next;
        private long offset = -1;
        private byte[] record;
        private boolean closed;

        Cursor(SourceLog log, long from, long end) {
            this.log = log;
            this.next = from;
            this.end = end;
        }

        @Override
        public boolean next() {
            if (closed) {
                throw new IllegalStateException("cursor is closed");
            }
            if (next >= end) {
                record = null;
                return false;
            }
            offset = next++;
            record = log.get((int) offset);
            return true;
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
            return record.clone();
        }

        @Override
        public void close() {
            closed = true;
            record = null;
        }
    }
}
