package dev.freshet.storage.memory;

import dev.freshet.storage.DeadLetterQuery;
import dev.freshet.storage.DeadLetterRecord;
import dev.freshet.storage.DeadLetterStore;
import dev.freshet.storage.StoredDeadLetter;
import dev.freshet.storage.internal.Checks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** A {@link DeadLetterStore} in memory. */
public final class MemoryDeadLetterStore implements DeadLetterStore {
    private final TreeMap<Long, DeadLetterRecord> letters = new TreeMap<>();
    private final Map<EventKey, Long> byEvent = new HashMap<>();
    private final TreeMap<String, Long> counts = new TreeMap<>();
    private long nextId = 1;
    private boolean closed;

    private record EventKey(String source, int partition, long seq) {
    }

    @Override
    public synchronized long append(DeadLetterRecord letter) {
        Objects.requireNonNull(letter, "letter");
        Checks.reason(letter.reason());
        checkOpen();
        EventKey key = letter.seq() >= 0 ? new EventKey(letter.source(), letter.partition(), letter.seq()) : null;
        if (key != null) {
            Long existing = byEvent.get(key);
            if (existing != null) {
                return existing;
            }
        }
        long id = nextId++;
        letters.put(id, letter);
        if (key != null) {
            byEvent.put(key, id);
        }
        counts.merge(letter.reason(), 1L, Long::sum);
        return id;
    }

    @Override
    public synchronized List<Long> appendAll(List<DeadLetterRecord> batch) {
        List<Long> ids = new ArrayList<>(batch.size());
        for (DeadLetterRecord letter : batch) {
            Objects.requireNonNull(letter, "letter");
            Checks.reason(letter.reason());
        }
        for (DeadLetterRecord letter : batch) {
            ids.add(append(letter));
        }
        return ids;
    }

    @Override
    public synchronized List<StoredDeadLetter> list(DeadLetterQuery query) {
        checkOpen();
        List<StoredDeadLetter> out = new ArrayList<>();
        for (Map.Entry<Long, DeadLetterRecord> e : letters.headMap(query.beforeId(), false).descendingMap().entrySet()) {
            if (out.size() >= query.limit()) {
                break;
            }
            if (query.matches(e.getValue())) {
                out.add(new StoredDeadLetter(e.getKey(), e.getValue()));
            }
        }
        return out;
    }

    @Override
    public synchronized Map<String, Long> countsByReason() {
        checkOpen();
        return new TreeMap<>(counts);
    }

    @Override
    public synchronized long count() {
        checkOpen();
        return letters.size();
    }

    @Override
    public synchronized long removeReplayable(String source) {
        checkOpen();
        long removed = 0;
        for (var it = byEvent.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().source().equals(source)) {
                DeadLetterRecord letter = letters.remove(e.getValue());
                counts.computeIfPresent(letter.reason(), (r, n) -> n == 1 ? null : n - 1);
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("dead-letter store is closed");
        }
    }
}
