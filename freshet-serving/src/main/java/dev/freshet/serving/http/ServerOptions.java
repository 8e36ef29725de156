package dev.freshet.serving.http;

/**
 * HTTP limits and security.
 *
 * @param port             listen port, 0 to 65535 (0 = any free port)
 * @param bearerToken      if not null, write and admin endpoints need {@code Authorization: Bearer <token>}
 * @param maxBodyBytes     larger bodies are refused with 413
 * @param maxEventsPerRequest ingest requests with more events are refused with 413
 * @param maxEntities      feature requests with more entity rows are refused with 413
 * @param eventLoops       HTTP event loops (threads) serving requests; 0 = one per available processor
 */
public record ServerOptions(int port, String bearerToken, int maxBodyBytes, int maxEventsPerRequest, int maxEntities,
                            int eventLoops) {
    public ServerOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 (any free port) and 65535, got " + port);
        }
        if (bearerToken != null && (bearerToken.isEmpty() || !bearerToken.chars().allMatch(c -> c > 0x20 && c < 0x7F))) {
            throw new IllegalArgumentException("the bearer token must be printable ASCII without spaces (RFC 6750),"
                    + " at least one character");
        }
        if (eventLoops < 0) {
            throw new IllegalArgumentException("eventLoops must be >= 0 (0 = one per processor), got " + eventLoops);
        }
    }

    /** Options with one event loop per available processor. */
    public ServerOptions(int port, String bearerToken, int maxBodyBytes, int maxEventsPerRequest, int maxEntities) {
        this(port, bearerToken, maxBodyBytes, maxEventsPerRequest, maxEntities, 0);
    }

    public static ServerOptions defaults(int port) {
        return new ServerOptions(port, null, 16 << 20, 50_000, 1_000);
    }

    public ServerOptions withBearerToken(String token) {
        return new ServerOptions(port, token, maxBodyBytes, maxEventsPerRequest, maxEntities, eventLoops);
    }

    public ServerOptions withEventLoops(int loops) {
        return new ServerOptions(port, bearerToken, maxBodyBytes, maxEventsPerRequest, maxEntities, loops);
    }

    /** The number of event loops to run: {@link #eventLoops()}, or the processor count if 0. */
    public int effectiveEventLoops() {
        return eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
    }
}
