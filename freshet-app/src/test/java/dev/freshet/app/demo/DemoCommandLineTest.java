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
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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

    private static final Pattern VECTOR = Pattern.compile("^\\s+(card-\\d+): .*distance_from_last_txn_km=([0-9.Ee+-]+|null)\\s*$", Pattern.MULTILINE);
    private static final Pattern TRAVEL = Pattern.compile("travel (\\d+)");

    /**
     * The distance on screen is "between this transaction and the card's previous one", but the demo
     * always asks from a fixed New York point, so every card not homed in New York shows thousands of
     * km ("impossible travel") although hardly any travel was injected.
     */
    @Test
    void distanceShownIsFromAFixedNewYorkPointNotFromTheCardsTransaction() {
        // user-visible: every live vector looks like impossible travel; the injected travel cannot be told apart
        CliRun r = CliRun.of("demo", "--repo", FRAUD.toString(), "--port", "0", "--duration", "4s", "--rate", "200", "--cards", "10");
        assertEquals(0, r.exit(), r.err());
        Matcher v = VECTOR.matcher(r.out());
        int vectors = 0;
        int far = 0;
        while (v.find()) {
            vectors++;
            if (!v.group(2).equals("null") && Double.parseDouble(v.group(2)) > 1000) {
                far++;
            }
        }
        long travel = 0;
        Matcher t = TRAVEL.matcher(r.out());
        while (t.find()) {
            travel = Long.parseLong(t.group(1));
        }
        assertTrue(vectors > 0, r.out());
        assertTrue(far <= travel, far + " of " + vectors + " live vectors show > 1000 km from the previous transaction, but only "
                + travel + " impossible-travel transactions were injected:\n" + r.out());
    }

    /** A huge --duration is accepted by the parser, then the demo dies after the server started. */
    @Test
    void aHugeDurationIsAUsageErrorNotAStackTrace() {
        // user-visible: `--duration 300000d` prints the banner, then "java.lang.ArithmeticException: long overflow" and a stack trace, exit 1
        CliRun r = CliRun.of("demo", "--repo", FRAUD.toString(), "--port", "0", "--duration", "300000d", "--rate", "100", "--cards", "10");
        assertFalse(r.err().contains("\tat ") || r.out().contains("\tat "), "a stack trace:\n" + r.err());
        assertEquals(2, r.exit(), "exit " + r.exit() + "\n" + r.err());
    }

    /** At low rates most one-second windows have no freshness sample, and an empty histogram prints 0.00 ms. */
    @Test
    void aWindowWithoutAFreshnessSampleIsNotShownAsZeroMilliseconds() {
        // user-visible: `--rate 1` reports "freshness p99 0.00 ms" — an impossible, made-up figure
        CliRun r = CliRun.of("demo", "--repo", FRAUD.toString(), "--port", "0", "--duration", "4s", "--rate", "1", "--cards", "10");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("events/s"), r.out());
        assertFalse(r.out().contains("freshness p99   0.00 ms"), r.out());
    }

    /** The demo's HttpClient is never closed: its selector thread outlives the command. */
    @Test
    void theDemoLeavesNoHttpClientThreadsBehind() throws Exception {
        // user-visible: embedding/running the demo in-process (tests, IDE) leaks a live HttpClient selector thread per run
        Set<Long> before = Thread.getAllStackTraces().keySet().stream().map(Thread::threadId).collect(Collectors.toSet());
        CliRun r = CliRun.of("demo", "--repo", FRAUD.toString(), "--port", "0", "--duration", "1s", "--rate", "100", "--cards", "10");
        assertEquals(0, r.exit(), r.err());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Set<String> leaked;
        while (!(leaked = Thread.getAllStackTraces().keySet().stream()
                .filter(th -> th.isAlive() && !before.contains(th.threadId()) && th.getName().startsWith("HttpClient-"))
                .map(Thread::getName).collect(Collectors.toSet())).isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            TimeUnit.MILLISECONDS.sleep(20); // polling for the condition (threads gone), not a fixed wait
        }
        assertTrue(leaked.isEmpty(), "threads left running after the demo returned: " + leaked);
    }


    private static int cardOf(byte[] line) {
        String s = new String(line, StandardCharsets.UTF_8);
        int i = s.indexOf("card-") + 5;
        return Integer.parseInt(s.substring(i, i + 6));
    }

    /** "fraud injected: bursts N" counts every transaction of a burst (9 to 20 each), not bursts. */
    @Test
    void burstTallyCountsBurstsNotTheirTransactions() {
        // user-visible: the progress line says e.g. "bursts 3729" when ~270 bursts were injected, beside travel/amounts counted per event
        TransactionGenerator gen = new TransactionGenerator(10_000, 2_000, 7);
        long bursts = 0;
        boolean inRun = false;
        for (int i = 0; i < 200_000; i++) {
            long before = gen.tally(TransactionGenerator.Kind.BURST);
            gen.ndjson(1, 1_800_000_000_000L);
            boolean burst = gen.tally(TransactionGenerator.Kind.BURST) > before;
            if (burst && !inRun) {
                bursts++;
            }
            inRun = burst;
        }
        assertEquals(bursts, gen.tally(TransactionGenerator.Kind.BURST),
                "bursts injected: " + bursts + "; the demo shows: " + gen.tally(TransactionGenerator.Kind.BURST));
    }

    /**
     * At the demo's defaults (20,000 transactions/s, 30 s) a burst stands out in txn_count_5m: with
     * 10,000 cards every card already made ~60 transactions, so a burst of 9-20 did not.
     */
    @Test
    void aBurstStandsOutInTxnCount5mAtTheDemoDefaults() {
        // user-visible: the "burst" cards' txn_count_5m is indistinguishable from ordinary cards' — the pattern cannot be seen
        int cards = DemoCommand.DEFAULT_CARDS;
        TransactionGenerator gen = DemoCommand.generator(cards);
        int[] count = new int[cards];
        Set<Integer> burstCards = new HashSet<>();
        for (int i = 0; i < DemoCommand.DEFAULT_RATE * 30; i++) {
            long before = gen.tally(TransactionGenerator.Kind.BURST);
            int c = cardOf(gen.ndjson(1, 1_800_000_000_000L));
            count[c]++;
            if (gen.tally(TransactionGenerator.Kind.BURST) > before) {
                burstCards.add(c);
            }
        }
        int[] normal = java.util.stream.IntStream.range(0, cards).filter(c -> !burstCards.contains(c)).map(c -> count[c]).sorted().toArray();
        int p99 = normal[(int) (normal.length * 0.99)];
        long hidden = burstCards.stream().filter(c -> count[c] <= p99).count();
        assertTrue(!burstCards.isEmpty());
        assertEquals(0, hidden, hidden + " of " + burstCards.size() + " burst cards have no more 5-minute transactions than the 99th percentile ("
                + p99 + ") of ordinary cards; ordinary cards range " + normal[0] + ".." + normal[normal.length - 1]
                + "; burst cards e.g. " + Arrays.toString(burstCards.stream().limit(10).mapToInt(c -> count[c]).toArray()));
    }
}
