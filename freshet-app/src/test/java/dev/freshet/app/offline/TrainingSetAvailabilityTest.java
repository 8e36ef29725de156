package dev.freshet.app.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.app.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Availability delay, end to end against a brute-force scan: history imported with
 * {@code --availability-delay 90s} is available 90 s after it happened, so a spine row at {@code T}
 * counts only events with {@code event_time < T} and {@code event_time + 90 s <= T} — events that
 * had happened but were not yet available are excluded, events at exactly {@code T} too. Run with a
 * spine over every card and over one card plus a card without events: the replay then applies only
 * the events of the spine's cards, which must not change a value.
 */
class TrainingSetAvailabilityTest {
    static final Path REPO = Path.of("..", "examples", "fraud");
    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    static final long DELAY = 90_000;

    static int run(StringWriter err, String... args) {
        picocli.CommandLine cl = Main.newCommandLine();
        cl.setOut(new PrintWriter(Writer.NULL, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    /** A writer that drops everything. */
    static final class Writer {
        static final java.io.Writer NULL = java.io.Writer.nullWriter();
    }

    @ParameterizedTest(name = "cards in the spine: {0}")
    @ValueSource(ints = {3, 1})
    void eventsCountOnlyOnceAvailable(int spineCards, @TempDir Path dir) throws Exception {
        SplittableRandom r = new SplittableRandom(4242);
        List<String> cards = List.of("c1", "c2", "c3");
        List<long[]> events = new ArrayList<>(); // card index, event time
        StringBuilder csv = new StringBuilder("card_id,merchant_id,amount,currency,lat,lon,event_time\n");
        for (int i = 0; i < 400; i++) {
            int card = r.nextInt(cards.size());
            long t = T0 + r.nextLong(0, 20 * 60_000);
            events.add(new long[] {card, t});
            csv.append(String.format(Locale.ROOT, "%s,m%d,%.2f,USD,1.0,2.0,%d%n", cards.get(card), r.nextInt(9),
                    1 + r.nextDouble(100), t));
        }
        Path file = dir.resolve("history.csv");
        Files.writeString(file, csv);
        Path data = dir.resolve("data");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "ingest", "--repo", REPO.toString(), "--data", data.toString(), "--source", "transactions",
                "--file", file.toString(), "--availability-delay", "90s"), err.toString());

        StringBuilder spine = new StringBuilder("card_id,ts\n");
        List<long[]> rows = new ArrayList<>();
        List<String> spineCardNames = new ArrayList<>(cards.subList(0, spineCards));
        spineCardNames.add("c9"); // no events
        for (int i = 0; i < 300; i++) {
            int card = i % 10 == 9 ? spineCardNames.size() - 1 : r.nextInt(spineCards);
            long t = i % 5 == 0 ? events.get(r.nextInt(events.size()))[1] + (i % 2 == 0 ? 0 : DELAY) // exactly an event / its availability
                    : T0 + r.nextLong(-60_000, 25 * 60_000);
            rows.add(new long[] {card, t});
            spine.append(spineCardNames.get(card)).append(',').append(t).append('\n');
        }
        Path spineFile = dir.resolve("spine.csv");
        Files.writeString(spineFile, spine);
        Path out = dir.resolve("out.parquet");
        assertEquals(0, run(err, "training-set", "--repo", REPO.toString(), "--data", data.toString(), "--spine",
                spineFile.toString(), "--timestamp-column", "ts", "--features", "card_txn:txn_count_5m,card_txn:txn_count_lifetime",
                "--out", out.toString()), err.toString());
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT txn_count_5m, txn_count_lifetime FROM read_parquet('" + out + "')")) {
            for (long[] row : rows) {
                rs.next();
                long t = row[1];
                long lo = Math.ceilDiv(t, 30_000L) * 30_000L - 5 * 60_000L; // 5 min window, 30 s hop
                long inWindow = 0;
                long lifetime = 0;
                for (long[] e : events) {
                    if (cards.get((int) e[0]).equals(spineCardNames.get((int) row[0])) && e[1] < t && e[1] + DELAY <= t) {
                        lifetime++;
                        if (e[1] >= lo) {
                            inWindow++;
                        }
                    }
                }
                String where = "card=" + spineCardNames.get((int) row[0]) + " T=" + t;
                assertEquals(inWindow, rs.getLong(1), where + " txn_count_5m");
                assertEquals(lifetime, rs.getLong(2), where + " txn_count_lifetime");
            }
        }
    }
}
