package dev.freshet.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.app.CliRun;
import dev.freshet.storage.rocksdb.EmbeddedStorage;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's generator (injected fraud is what it claims) and its command line (usage and storage errors). */
class DemoCommandLineTest {
    static final Path FRAUD = Path.of("..", "examples", "fraud");

    static double haversineKm(double lat1, double lon1, double lat2, double lon2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLon = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dLat / 2) * Math.sin(dLat / 2)
                + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
        return 6371 * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
    }

    /**
     * Every transaction tallied as IMPOSSIBLE_TRAVEL is far from where the card is used: the "far"
     * city is drawn from the cities other than the card's home (it used to be drawn from all 10, so
     * about one in ten landed at home and was no impossible travel at all).
     */
    @Test
    void everyInjectedImpossibleTravelIsFarFromHome() throws Exception {
        ObjectMapper json = new ObjectMapper();
        int far = 0;
        long travel = 0;
        for (int seed = 0; seed < 40; seed++) {
            TransactionGenerator gen = new TransactionGenerator(1, 10, seed); // one card: every event is its own
            String[] lines = new String(gen.ndjson(5_000, 1_800_000_000_000L), StandardCharsets.UTF_8).split("\n");
            double[] lat = new double[lines.length];
            double[] lon = new double[lines.length];
            for (int i = 0; i < lines.length; i++) {
                JsonNode e = json.readTree(lines[i]);
                lat[i] = e.get("lat").asDouble();
                lon[i] = e.get("lon").asDouble();
            }
            double homeLat = median(lat);
            double homeLon = median(lon);
            for (int i = 0; i < lines.length; i++) {
                if (haversineKm(homeLat, homeLon, lat[i], lon[i]) > 150) {
                    far++;
                }
            }
            travel += gen.tally(TransactionGenerator.Kind.IMPOSSIBLE_TRAVEL);
        }
        assertEquals(travel, far, "transactions tallied as impossible travel: " + travel + "; more than 150 km from home: " + far);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    record Run(int exit, String out, String err) {
    }

    static Run cli(String... args) {
        CliRun r = CliRun.of(args);
        return new Run(r.exit(), r.out(), r.err());
    }

    /**
     * Rates and card counts below 1 and negative durations are usage errors (exit 2) found before
     * anything starts (--rate 0 used to die with ArithmeticException, --cards 0 with
     * IllegalArgumentException, both after the server started).
     */
    @Test
    void zeroRateOrCardsIsAUsageError() {
        for (String[] flag : new String[][] {{"--rate", "0"}, {"--cards", "0"}, {"--rate", "-5"}, {"--duration", "-1s"},
                {"--duration", "-PT1S"}, {"--port", "70000"}}) {
            Run r = cli("demo", "--repo", FRAUD.toString(), "--port", "0", "--duration", "2s", flag[0], flag[1]);
            assertEquals(2, r.exit(), String.join(" ", flag) + ": exit " + r.exit() + "\n" + r.err());
            assertFalse(r.err().contains("\tat "), String.join(" ", flag) + ": a stack trace:\n" + r.err());
        }
    }

    /**
     * With --data naming a directory another server holds, the demo reports the locked directory
     * (exit 1); it used to say the *port* was not available, retry on another port (same locked
     * directory) and end with a stack trace.
     */
    @Test
    void aLockedDataDirectoryIsNotReportedAsABusyPort(@TempDir Path data) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (EmbeddedStorage _ = EmbeddedStorage.open(data)) {
            Run r = cli("demo", "--repo", FRAUD.toString(), "--port", Integer.toString(port), "--duration", "1s", "--data", data.toString());
            assertTrue(r.exit() != 0, r.out());
            assertFalse(r.err().contains("port " + port + " is not available"), "blames the free port " + port + ":\n" + r.err());
            assertFalse(r.err().contains("\tat "), "a stack trace:\n" + r.err());
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.err().contains("already in use"), r.err());
        }
    }

    /** A taken --port is still not fatal: the demo serves on a free port instead. */
    @Test
    void aTakenPortFallsBackToAFreePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Run r = cli("demo", "--repo", FRAUD.toString(), "--port", Integer.toString(taken.getLocalPort()), "--duration", "0s",
                    "--rate", "100", "--cards", "10");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.err().contains("port " + taken.getLocalPort() + " is not available"), r.err());
            assertTrue(r.out().contains("demo finished cleanly"), r.out());
        }
    }
}
