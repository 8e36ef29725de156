package dev.freshet.app.bench;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * A loopback HTTP/1.1 load generator on plain non-blocking sockets, in the manner of wrk: each
 * request's bytes are encoded once per distinct body and written as they are, and a response is
 * only framed (status line, {@code Content-Length}) — so the generator, which shares the machine's
 * cores with the server it measures, costs little per request. Every connection carries one request
 * at a time (keep-alive, no pipelining), as a feature-serving client's pooled connections do.
 *
 * <p>{@link #fixedRate} is open-loop: request i is due at {@code start + i / rate}, and its latency is
 * measured from that due time, not from when it was actually sent — so a stalled server is charged
 * for every request it delayed (coordinated omission corrected, as wrk2 does). {@link #maxRate} is
 * closed-loop with a fixed number of requests in flight, for the saturation throughput.
 *
 * <p>Threading: a run's answers are read by the calling thread (one selector). In open-loop runs a
 * sender thread writes each request itself at its due time (parking in between, not spinning: on
 * two cores a spinning sender would take a core from the server) on a free connection, which stays
 * registered for reads, so the only wake-up per request is the answer's. (Handing each request to
 * the selector's thread instead cost a second cross-core wake-up per request, ~15 µs of CPU on the
 * benchmark VM.) Timer slack of ~50 µs is charged to the server, as any late send is. A request
 * with no bytes moving for {@link #REQUEST_IDLE_TIMEOUT_MS} fails, its connection is reopened, and
 * it counts as an error, as do non-200 answers and requests never answered.
 */
public final class HttpLoad implements AutoCloseable {
    /** A request with no bytes moving for this long fails (and counts as an error). */
    public static final long REQUEST_IDLE_TIMEOUT_MS = 30_000;
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(REQUEST_IDLE_TIMEOUT_MS);
    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

    private final int port;
    private final Selector selector;
    private final Connection[] connections;

    public HttpLoad(int port, int connections) {
        this.port = port;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.connections = new Connection[connections];
        for (int i = 0; i < connections; i++) {
            this.connections[i] = new Connection();
        }
    }

    /** A request written later than this after its due time counts as sent late. */
    static final long LATE_NANOS = 1_000_000;

    /**
     * Result of a run: latency histogram (microseconds), finished requests (answered with any
     * status, failed, or never answered before the run gave up), errors (all of those but the 200
     * answers), elapsed seconds, and — open loop — the requests written more than 1 ms after their
     * due time ({@code lateSends}: no connection was free, or the sender woke late; their latency
     * still counts from the due time, but the server was offered them late).
     */
    public record Result(Histogram latencyMicros, long completed, long errors, double seconds, long lateSends) {
        public Result(Histogram latencyMicros, long completed, long errors, double seconds) {
            this(latencyMicros, completed, errors, seconds, 0);
        }

        /** Requests answered 200: a rejected request (429 when a queue is full, say) did no work. */
        public long ok() {
            return Math.max(0, completed - errors);
        }

        /** Requests answered 200 per second. */
        public double rps() {
            return ok() / seconds;
        }

        public double percentileMillis(double p) {
            return latencyMicros.getValueAtPercentile(p) / 1000.0;
        }
    }

    /** Counts of one run, updated on the calling thread. */
    private static final class Tally {
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        long completed;
        long errors;

        void answered(long originNanos, int status) {
            long micros = Math.max(1, (System.nanoTime() - originNanos) / 1000);
            latency.recordValue(Math.min(micros, latency.getHighestTrackableValue()));
            completed++;
            if (status != 200) {
                errors++;
            }
        }
    }

    /** Open-loop: {@code rate} requests/s for {@code seconds}; bodies from {@code bodies(i)}. */
    public Result fixedRate(String path, IntFunction<Buffer> bodies, int rate, double seconds, String contentType)
            throws InterruptedException {
        long total = (long) (rate * seconds);
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime() + 1_000_000;
        Requests requests = new Requests(path, contentType, bodies);
        Tally tally = new Tally();
        FreeConnections free = new FreeConnections(new ConcurrentLinkedQueue<>(List.of(connections)));
        Queue<Connection> failedSends = new ConcurrentLinkedQueue<>();
        AtomicReference<Throwable> senderFailure = new AtomicReference<>();
        AtomicLong lateSends = new AtomicLong();
        Thread sender = Thread.ofPlatform().name("load-sender").unstarted(() -> {
            try {
                sendOnSchedule(requests, total, start, intervalNanos, free, failedSends, lateSends);
            } catch (RuntimeException | Error e) {
                senderFailure.set(e);
                selector.wakeup();
            }
        });
        free.sender = sender;
        sender.start();
        long giveUpAt = start + (long) (seconds * 1e9) + IDLE_NANOS + TimeUnit.SECONDS.toNanos(30);
        try {
            while (tally.completed < total && System.nanoTime() < giveUpAt && senderFailure.get() == null) {
                poll(tally, free);
                for (Connection c; (c = failedSends.poll()) != null; ) {
                    tally.answered(c.originNanos, -1);
                    c.release(free);
                }
            }
        } finally {
            sender.interrupt();
            try {
                sender.join();
            } finally {
                abandonBusy(); // whatever ended the run, the next one starts with every connection free
            }
        }
        if (senderFailure.get() != null) {
            throw new IllegalStateException("the load generator's sender failed", senderFailure.get());
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long unanswered = total - tally.completed; // finished as errors, so ok() does not subtract them twice
        return new Result(tally.latency, total, tally.errors + unanswered, elapsed, lateSends.get());
    }

    /**
     * The open-loop sender: writes request i at {@code start + i * intervalNanos} on a free
     * connection, itself; a failed write hands the connection (still owned) to {@code failedSends}.
     */
    private void sendOnSchedule(Requests requests, long total, long start, long intervalNanos, FreeConnections free,
                                Queue<Connection> failedSends, AtomicLong lateSends) {
        long next = 0;
        while (next < total && !Thread.currentThread().isInterrupted()) {
            long due = start + next * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            Connection c = free.take(); // null if interrupted; the wait for a connection is charged from `due`
            if (c == null) {
                continue;
            }
            if (System.nanoTime() - due > LATE_NANOS) {
                lateSends.incrementAndGet();
            }
            try {
                c.send(requests.get((int) next), due);
            } catch (IOException e) {
                c.close();
                failedSends.add(c); // still owned: tallied and freed by the selector's thread, which owns the tally
                selector.wakeup();
            }
            next++;
        }
    }

    /** Closed-loop: keeps {@code inFlight} requests outstanding for {@code seconds}. */
    public Result maxRate(String path, IntFunction<Buffer> bodies, int inFlight, double seconds, String contentType) {
        if (inFlight > connections.length) {
            throw new IllegalArgumentException(inFlight + " requests in flight need as many connections; this load has "
                    + connections.length);
        }
        Requests requests = new Requests(path, contentType, bodies);
        Tally tally = new Tally();
        FreeConnections free = new FreeConnections(new ArrayDeque<>());
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long giveUpAt = end + IDLE_NANOS + TimeUnit.SECONDS.toNanos(30);
        int next = 0;
        for (int c = 0; c < inFlight; c++) {
            send(connections[c], requests.get(next++), System.nanoTime(), tally, free);
        }
        int active = inFlight; // connections still in the run (a failed send is in free, to be retried)
        while (active > 0 && System.nanoTime() < giveUpAt) {
            poll(tally, free);
            while (!free.isEmpty()) {
                Connection c = free.poll();
                if (System.nanoTime() < end) {
                    send(c, requests.get(next++), System.nanoTime(), tally, free);
                } else {
                    active--;
                }
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        abandonBusy();
        return new Result(tally.latency, tally.completed + active, tally.errors + active, elapsed);
    }

    /** Sends {@code request} on {@code c}; a failure to send counts as an answered error. */
    private static void send(Connection c, ByteBuffer request, long originNanos, Tally tally, FreeConnections free) {
        if (!c.claim()) {
            throw new IllegalStateException("a connection was handed out twice");
        }
        try {
            c.send(request, originNanos);
        } catch (IOException e) {
            c.close();
            tally.answered(originNanos, -1);
            c.release(free);
        }
    }

    /**
     * Ends {@code c}'s request with {@code status} (negative: failed, and the connection is closed
     * to be reopened by the next send), tallies it and returns the connection to {@code free}.
     */
    private static void complete(Connection c, int status, Tally tally, FreeConnections free) {
        if (!c.finish()) {
            return; // not in flight (any more): nothing to end
        }
        if (status < 0) {
            c.close();
        }
        tally.answered(c.originNanos, status);
        c.release(free);
    }

    /**
     * Waits for socket events (until one arrives, a wake-up from the sender, or 10 ms) and handles them:
     * completed responses are tallied and their connections returned to {@code free}.
     */
    private void poll(Tally tally, FreeConnections free) {
        try {
            selector.select(10);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var keys = selector.selectedKeys();
        for (SelectionKey key : keys) {
            Connection c = (Connection) key.attachment();
            int state = c.state;
            if (!key.isValid() || state == OWNED) {
                continue; // a request being written (its events come back: level-triggered) or a closed channel
            }
            if (state == FREE) {
                if (c.claim()) { // the server closed an idle connection: reopen on the next send
                    c.close();
                    c.state = FREE; // stays in the free queue
                }
                continue;
            }
            int status;
            try {
                status = key.isWritable() ? c.onWritable() : c.onReadable();
            } catch (IOException e) {
                status = -1;
            }
            if (status != 0) {
                complete(c, status, tally, free);
            }
        }
        keys.clear();
        long now = System.nanoTime();
        for (Connection c : connections) {
            if (c.state == IN_FLIGHT && now - c.progressNanos > IDLE_NANOS) {
                complete(c, -1, tally, free); // the server never answered: fail the request, start afresh
            }
        }
    }

    /** Closes connections still waiting for an answer after a run gave up, so the next run starts clean. */
    private void abandonBusy() {
        for (Connection c : connections) {
            if (c.state != FREE) {
                c.close();
                c.state = FREE;
            }
        }
    }

    /**
     * Connections with no request, shared by the selector's thread (which returns them) and, in
     * open-loop runs, the sender (which takes them, and parks while there is none).
     */
    private static final class FreeConnections {
        private final Queue<Connection> queue;
        volatile Thread sender;
        private volatile boolean senderWaiting;

        FreeConnections(Queue<Connection> queue) {
            this.queue = queue;
        }

        Connection poll() {
            return queue.poll();
        }

        boolean isEmpty() {
            return queue.isEmpty();
        }

        void put(Connection c) {
            queue.add(c);
            if (senderWaiting) {
                LockSupport.unpark(sender);
            }
        }

        /** The sender's next connection, claimed; parks while none is free; null if interrupted. */
        Connection take() {
            while (!Thread.currentThread().isInterrupted()) {
                Connection c = queue.poll();
                if (c == null) {
                    senderWaiting = true;
                    c = queue.poll(); // re-check after announcing the wait: a put() in between would not unpark
                    if (c == null) {
                        LockSupport.park(this);
                        senderWaiting = false;
                        continue;
                    }
                    senderWaiting = false;
                }
                while (!c.claim()) {
                    if (Thread.currentThread().isInterrupted()) {
                        return null;
                    }
                    Thread.onSpinWait(); // the selector is closing it (the server dropped it while idle): microseconds
                }
                return c;
            }
            return null;
        }
    }

    /** Encoded requests of one run, one per distinct body (bodies are reused from small arrays). */
    private final class Requests {
        private final String head;
        private final IntFunction<Buffer> bodies;
        private final Map<Buffer, ByteBuffer> encoded = new IdentityHashMap<>();

        Requests(String path, String contentType, IntFunction<Buffer> bodies) {
            this.head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: " + contentType
                    + "\r\nContent-Length: ";
            this.bodies = bodies;
        }

        ByteBuffer get(int i) {
            if (encoded.size() > 65_536) {
                encoded.clear(); // bodies meant to come from a small set; never grow without bound
            }
            return encoded.computeIfAbsent(bodies.apply(i), body -> {
                byte[] h = (head + body.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                ByteBuffer b = ByteBuffer.allocateDirect(h.length + body.length());
                b.put(h).put(body.getBytes()).flip();
                return b.asReadOnlyBuffer();
            }).duplicate();
        }
    }

    /** Connection states: no request; held by one thread (being written, closed or freed); waiting for its answer. */
    private static final int FREE = 0;
    private static final int OWNED = 1;
    private static final int IN_FLIGHT = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Connection.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A keep-alive connection carrying at most one request at a time. */
    private final class Connection {
        SocketChannel channel; // these fields are handed between threads by the volatile `state`
        SelectionKey key;
        ByteBuffer out;
        ByteBuffer in = ByteBuffer.allocate(16 << 10);
        long originNanos;
        long progressNanos;
        /**
         * {@link #FREE}, {@link #OWNED} or {@link #IN_FLIGHT}. Only the thread that moved a
         * connection to OWNED touches its socket and buffers until it hands it on, so the sender
         * never writes on a connection the selector is closing, and a request ends exactly once.
         */
        volatile int state;

        /** FREE → OWNED: the caller may send on it (or close it). */
        boolean claim() {
            return STATE.compareAndSet(this, FREE, OWNED);
        }

        /** IN_FLIGHT → OWNED: the caller ends the request; false if it is not in flight. */
        boolean finish() {
            return STATE.compareAndSet(this, IN_FLIGHT, OWNED);
        }

        /** OWNED → FREE, ready for the next request, and back into {@code free}. */
        void release(FreeConnections free) {
            in.clear();
            state = FREE;
            free.put(this);
        }

        /**
         * Writes {@code request} (from the selector's thread, or the open-loop sender's). The
         * connection is registered for reads from when it opens, so the selector sees the answer
         * without being woken; only a request the socket does not take whole needs the selector
         * (write interest, and a wake-up when sent from another thread).
         */
        void send(ByteBuffer request, long origin) throws IOException {
            originNanos = origin;
            progressNanos = System.nanoTime();
            SocketChannel ch = channel;
            if (ch == null) {
                ch = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                try {
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    ch.configureBlocking(false);
                    key = ch.register(selector, SelectionKey.OP_READ, this);
                } catch (IOException | RuntimeException e) {
                    ch.close();
                    throw e;
                }
                channel = ch;
                selector.wakeup(); // a selection in progress only sees the new channel from the next one
            }
            out = request;
            ch.write(out);
            boolean partial = out.hasRemaining();
            if (partial) { // the selector writes the rest (set while still owned: it cannot be closed meanwhile)
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
            state = IN_FLIGHT; // volatile: publishes the fields above to the selector's thread
            if (partial) {
                selector.wakeup();
            }
        }

        /** Writes more of the request; 0 (the answer is still to come). */
        int onWritable() throws IOException {
            if (channel.write(out) > 0) {
                progressNanos = System.nanoTime();
            }
            if (!out.hasRemaining()) {
                key.interestOps(SelectionKey.OP_READ);
            }
            return 0;
        }

        /** Reads what arrived: the status code once the whole response is in, 0 before, -1 on a broken one. */
        int onReadable() throws IOException {
            if (!in.hasRemaining()) {
                in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
            }
            int n = channel.read(in);
            if (n < 0) {
                return -1;
            }
            progressNanos = System.nanoTime();
            return framed();
        }

        /** The status of a complete response in {@link #in}, 0 if incomplete, -1 if not framed by Content-Length. */
        private int framed() {
            byte[] a = in.array();
            int size = in.position();
            int headerEnd = indexOf(a, 0, size, HEADER_END);
            if (headerEnd < 0) {
                return 0;
            }
            if (headerEnd < 12 || a[8] != ' ') {
                return -1;
            }
            int status = (a[9] - '0') * 100 + (a[10] - '0') * 10 + (a[11] - '0');
            long length = contentLength(a, headerEnd);
            if (length < 0) {
                return -1;
            }
            long total = headerEnd + 4 + length;
            if (total > size) {
                if (total > in.capacity()) {
                    in = ByteBuffer.allocate((int) total).put(in.flip());
                }
                return 0;
            }
            return status;
        }

        void close() {
            in.clear(); // a partial answer must not be read as the start of the next one
            SocketChannel ch = channel;
            if (ch != null) {
                channel = null;
                key.cancel();
                try {
                    ch.close();
                } catch (IOException e) {
                    // closing a broken connection: nothing more to do
                }
            }
        }
    }

    /** The value of the Content-Length header in {@code a[0..headerEnd)}, -1 if absent. */
    private static long contentLength(byte[] a, int headerEnd) {
        for (int i = 0; i < headerEnd; i++) {
            if (a[i] == '\n' && regionMatchesIgnoreCase(a, i + 1, headerEnd, CONTENT_LENGTH)) {
                long v = 0;
                int j = i + 1 + CONTENT_LENGTH.length;
                while (j < headerEnd && a[j] == ' ') {
                    j++;
                }
                int digits = 0;
                for (; j < headerEnd && a[j] >= '0' && a[j] <= '9'; j++, digits++) {
                    v = v * 10 + (a[j] - '0');
                }
                return digits == 0 ? -1 : v;
            }
        }
        return -1;
    }

    private static boolean regionMatchesIgnoreCase(byte[] a, int from, int end, byte[] lowerCase) {
        if (from + lowerCase.length > end) {
            return false;
        }
        for (int k = 0; k < lowerCase.length; k++) {
            int b = a[from + k];
            if ((b >= 'A' && b <= 'Z' ? b + 32 : b) != lowerCase[k]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] a, int from, int to, byte[] pattern) {
        outer:
        for (int i = from; i + pattern.length <= to; i++) {
            for (int k = 0; k < pattern.length; k++) {
                if (a[i + k] != pattern[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        for (Connection c : connections) {
            c.close();
        }
        try {
            selector.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
