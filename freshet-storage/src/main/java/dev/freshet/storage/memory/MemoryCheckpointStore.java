package dev.freshet.storage.memory;

import dev.freshet.storage.Checkpoint;
import dev.freshet.storage.CheckpointInfo;
import dev.freshet.storage.CheckpointStore;
import dev.freshet.storage.internal.Checks;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A {@link CheckpointStore} in memory. Blobs are copied in and out. */
public final class MemoryCheckpointStore implements CheckpointStore {
    private final int keep;
    /** Oldest first. */
    private final ArrayDeque<Stored> retained = new ArrayDeque<>();
    private long nextId = 1;
    private boolean closed;

    private record Stored(long id, Checkpoint checkpoint) {
    }

    /** Keeps the newest {@code checkpointsToKeep} (>= 1) checkpoints. */
    public MemoryCheckpointStore(int checkpointsToKeep) {
        this.keep = Checks.checkpointsToKeep(checkpointsToKeep);
    }

    @Override
    public synchronized long save(Checkpoint checkpoint) {
        checkOpen();
        long id = nextId++;
        retained.addLast(new Stored(id, copy(checkpoint)));
        while (retained.size() > keep) {
            retained.removeFirst();
        }
        return id;
    }

    @Override
    public synchronized Optional<Checkpoint> loadLatest() {
        checkOpen();
        return retained.isEmpty() ? Optional.empty() : Optional.of(copy(retained.getLast().checkpoint()));
    }

    @Override
    public synchronized Optional<Checkpoint> load(long id) {
        checkOpen();
        for (Stored s : retained) {
            if (s.id() == id) {
                return Optional.of(copy(s.checkpoint()));
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized List<CheckpointInfo> list() {
        checkOpen();
        List<CheckpointInfo> infos = new ArrayList<>();
        for (Iterator<Stored> it = retained.descendingIterator(); it.hasNext(); ) {
            Stored s = it.next();
            Checkpoint c = s.checkpoint();
            Map<String, Long> sizes = new TreeMap<>();
            c.blobs().forEach((name, blob) -> sizes.put(name, (long) blob.length));
            infos.add(new CheckpointInfo(s.id(), c.createdAtMillis(), c.formatVersion(), c.positions(), sizes));
        }
        return infos;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("checkpoint store is closed");
        }
    }

    private static Checkpoint copy(Checkpoint c) {
        Map<String, byte[]> blobs = new TreeMap<>();
        c.blobs().forEach((name, blob) -> blobs.put(name, blob.clone()));
        return new Checkpoint(c.createdAtMillis(), c.formatVersion(), c.positions(), blobs);
    }
}
