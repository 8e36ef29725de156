package dev.freshet.serving.http;

/**
 * HTTP limits and security.
 *
 * @param port             listen port (0 = any free port)
 * @param bearerToken      if not null, write and admin endpoints need {@code Authorization: Bearer <token>}
 * @param maxBodyBytes     larger bodies are refused with 413
 * @param maxEventsPerRequest ingest requests with more events are refused with 413
 * @param maxEntities      feature requests with more entity rows are refused with 413
 */
public record ServerOptions(int port, String bearerToken, int maxBodyBytes, int maxEventsPerRequest, int maxEntities) {
    public static ServerOptions defaults(int port) {
        return new ServerOptions(port, null, 16 << 20, 50_000, 1_000);
    }
}
