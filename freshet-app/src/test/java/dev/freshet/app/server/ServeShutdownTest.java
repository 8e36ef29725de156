package dev.freshet.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (or Ctrl-C) stops {@code freshet serve} gracefully: the engine drains and writes its
 * final checkpoint before the JVM exits, so the next start restores it and replays nothing. (A
 * hook that only released the main thread let the JVM halt in the middle of closing.)
 */
class ServeShutdownTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Path FRAUD = Path.of("..", "examples", "fraud");
    private static final Pattern RECOVERY = Pattern.compile(
            "RecoveryStats\\[checkpointId=(-?\\d+), restoredSources=\\[([^]]*)], rebuiltSources=\\[([^]]*)], replayedEvents=\\{([^}]*)}");

    @Test
    void aSignalCheckpointsOnTheWayOutSoTheNextStartReplaysNothing(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        HttpClient http = HttpClient.newHttpClient();
        long now = System.currentTimeMillis();
        try (ServeProcess first = ServeProcess.start(FRAUD, data, tmp.resolve("first.err"), TIMEOUT)) {
            first.awaitReady(http, TIMEOUT);
            String events = "{\"card_id\":\"c1\",\"merchant_id\":\"m1\",\"amount\":5,\"currency\":\"USD\",\"lat\":1,\"lon\":2,\"event_time\":"
                    + (now - 10) + "}\n{\"card_id\":\"c2\",\"merchant_id\":\"m2\",\"amount\":7,\"currency\":\"EUR\",\"lat\":1,\"lon\":2,\"event_time\":"
                    + (now - 5) + "}\n";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(first.uri("/v1/sources/transactions/events?wait=applied"))
                    .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(events)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            first.process().destroy(); // SIGTERM
            assertTrue(first.process().waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "stops within a minute of the signal");
            assertEquals(143, first.process().exitValue(), "ended by SIGTERM; stderr: " + first.stderr());
        }
        try (ServeProcess second = ServeProcess.start(FRAUD, data, tmp.resolve("second.err"), TIMEOUT)) {
            second.awaitReady(http, TIMEOUT);
            Matcher m = RECOVERY.matcher(second.stderr());
            assertTrue(m.find(), second.stderr());
            assertTrue(Long.parseLong(m.group(1)) >= 0, "restored a checkpoint: " + m.group());
            assertEquals("", m.group(3).strip(), "no source rebuilt from the log: " + m.group());
            assertTrue(m.group(4).contains("transactions=0"), "nothing replayed: " + m.group());
        }
    }
}
