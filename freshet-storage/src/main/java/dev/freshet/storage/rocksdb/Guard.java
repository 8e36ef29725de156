package dev.freshet.storage.rocksdb;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps native handles alive while they are used. Every operation that touches the RocksDB handle
 * or an iterator runs inside {@link #enter()} (a shared lock); {@link #close(Runnable)} takes the
 * exclusive lock, so it waits for running operations and later ones fail with
 * {@link IllegalStateException} instead of using a freed handle (which would crash the JVM).
 */
final class Guard {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Access access = () -> lock.readLock().unlock();
    private boolean closed;

    /** Releases the shared lock. */
    interface Access extends AutoCloseable {
        @Override
        void close();
    }

    /** Enters an operation; throws {@link IllegalStateException} if the storage is closed. */
    Access enter() {
        lock.readLock().lock();
        if (closed) {
            lock.readLock().unlock();
            throw new IllegalStateException("storage is closed");
        }
        return access;
    }

    /** Runs {@code closer} once, after running operations finished; later {@link #enter()}s fail. */
    void close(Runnable closer) {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closer.run();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
