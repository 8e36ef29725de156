package dev.freshet.app;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGTERM / Ctrl-C into a request to stop, and holds the JVM's exit until the command has
 * cleaned up. The JVM halts as soon as its shutdown hooks return, so a hook that only set a flag
 * cut the server's close short (no drain, no final checkpoint, temporary data left behind). This
 * hook signals the request, then waits — at most {@code maxWait} — until {@link #close} says the
 * command is done:
 * <pre>
 *   try (GracefulShutdown shutdown = GracefulShutdown.install(Duration.ofSeconds(60));
 *        Running server = ...) {
 *       shutdown.awaitRequest();
 *   } // the server closes first, then the shutdown lets the JVM exit
 * </pre>
 */
public final class GracefulShutdown implements AutoCloseable {
    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private GracefulShutdown(Duration maxWait) {
        this.hook = new Thread(() -> {
            requested.countDown();
            try {
                finished.await(maxWait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "freshet-shutdown");
    }

    /** Registers the shutdown hook; {@link #close} it when the command has cleaned up. */
    public static GracefulShutdown install(Duration maxWait) {
        GracefulShutdown s = new GracefulShutdown(maxWait);
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    /** Whether the process has been asked to stop. */
    public boolean isRequested() {
        return requested.getCount() == 0;
    }

    /** Blocks until the process is asked to stop. */
    public void awaitRequest() throws InterruptedException {
        requested.await();
    }

    /** The command is done: an exit in progress may proceed, and a later one needs no hook. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it returns now that finished is counted down
        }
    }
}
