package dev.freshet.app.imports;

import static dev.freshet.app.imports.ImportFixtures.T0;
import static dev.freshet.app.imports.ImportFixtures.clicks;
import static dev.freshet.app.imports.ImportFixtures.export;
import static dev.freshet.app.imports.ImportFixtures.ingest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.app.imports.ImportFixtures.Run;
import dev.freshet.engine.EventBatch;
import dev.freshet.engine.embedded.EmbeddedEngine;
import dev.freshet.engine.embedded.EngineOptions;
import dev.freshet.engine.embedded.IngestReceipt;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.Schema;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.model.yaml.RepositoryLoader;
import dev.freshet.storage.rocksdb.EmbeddedStorage;
import dev.freshet.testkit.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The log-level rules: history before live data, one process per data directory, and what the engine then serves. */
@Timeout(120)
class IngestLogRulesTest {
    static final Path FRAUD_DIR = Path.of("..", "examples", "fraud");
    static final FeatureRepository FRAUD = RepositoryLoader.load(FRAUD_DIR).repositoryOrThrow();
    static final String FRAUD_HEADER = "card_id,merchant_id,amount,currency,lat,lon,event_time";
    static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    record Txn(String card, double amount, String currency, long eventTime) {
        String csv() {
            return card + ",m1," + amount + "," + currency + ",48.85,2.35," + Instant.ofEpochMilli(eventTime);
        }
    }

    private Path fraudCsv(String name, List<Txn> txns) throws Exception {
        StringBuilder sb = new StringBuilder(FRAUD_HEADER).append('\n');
        txns.forEach(t -> sb.append(t.csv()).append('\n'));
        Path file = dir.resolve(name);
        Files.writeString(file, sb);
        return file;
    }

    private static Run ingestFraud(Path data, Path file) {
        return ImportFixtures.run("ingest", "--repo", FRAUD_DIR.toString(), "--data", data.toString(),
                "--source", "transactions", "--file", file.toString());
    }

    private static long endOffset(Path data, String source) {
        try (EmbeddedStorage storage = EmbeddedStorage.open(data)) {
            return storage.eventLog().endOffset(source);
        }
    }

    @Test
    void historyBehindLiveDataIsRefusedAndNothingIsWritten() throws Exception {
        Path data = dir.resolve("data");
        long live = T0 + 2 * HOUR;
        try (EmbeddedStorage storage = EmbeddedStorage.open(data);
                EmbeddedEngine engine = EmbeddedEngine.start(FRAUD, storage, EngineOptions.defaults(), new ManualClock(live))) {
            Schema schema = FRAUD.source("transactions").orElseThrow().schema();
            EventBatch batch = new EventBatch(schema, 1);
            int row = batch.addRow();
            batch.setString(row, schema.indexOf("card_id"), "c1");
            batch.setString(row, schema.indexOf("merchant_id"), "m1");
            batch.setDouble(row, schema.indexOf("amount"), 10.0);
            batch.setString(row, schema.indexOf("currency"), "USD");
            batch.setDouble(row, schema.indexOf("lat"), 1.0);
            batch.setDouble(row, schema.indexOf("lon"), 2.0);
            batch.setLong(row, schema.indexOf("event_time"), live - 1_000);
            IngestReceipt receipt = engine.append("transactions", batch).join();
            assertEquals(live, receipt.acceptTime());
        }

        Run refused = ingestFraud(data, fraudCsv("old.csv", List.of(new Txn("c1", 5.0, "EUR", T0), new Txn("c2", 6.0, "USD", live))));
        assertEquals(1, refused.exit(), refused.out());
        assertTrue(refused.err().contains("refusing to import: the log of source 'transactions' already holds 1 event, the latest"
                + " accepted at " + Instant.ofEpochMilli(live)), refused.err());
        assertTrue(refused.err().contains("would be available at " + Instant.ofEpochMilli(T0)), refused.err());
        assertTrue(refused.err().contains("Historical events must be imported before live data"), refused.err());
        assertTrue(refused.err().contains("Nothing was written"), refused.err());
        assertEquals(1, endOffset(data, "transactions"));

        Run after = ingestFraud(data, fraudCsv("new.csv", List.of(new Txn("c2", 6.0, "USD", live))));
        assertEquals(0, after.exit(), after.err());
        assertTrue(after.out().contains("offsets 1..1"), "available exactly at the latest accept time is fine: " + after.out());
    }

    @Test
    void aLaterImportFollowsAnEarlierOneButAnOverlappingOneIsRefused() throws Exception {
        Path repo = ImportFixtures.repo(dir);
        Path data = dir.resolve("data");
        Path first = dir.resolve("first.csv");
        ImportFixtures.writeCsv(first, clicks(1, 100)); // event times T0 .. T0 + 49 s
        assertEquals(0, ingest(repo, data, first).exit());

        Run again = ingest(repo, data, first);
        assertEquals(1, again.exit(), "importing the same file twice is refused");
        assertTrue(again.err().contains("before live data"), again.err());

        Path later = dir.resolve("later.csv");
        ImportFixtures.writeCsv(later, clicks(2, 10).stream()
                .map(c -> new ImportFixtures.Click(c.user(), c.n(), c.score(), c.ok(), c.note(), c.seenAt(), c.ts() + 60_000)).toList());
        Run next = ingest(repo, data, later);
        assertEquals(0, next.exit(), next.err());
        assertTrue(next.out().contains("offsets 100..109"), next.out());
        assertEquals(110, endOffset(data, "clicks"));
    }

    @Test
    void anEventBecomingAvailableAfterTheImportStartsIsRejected() throws Exception {
        Path repo = ImportFixtures.repo(dir);
        SourceSpec clicks = RepositoryLoader.load(repo).repositoryOrThrow().source("clicks").orElseThrow();
        Path file = dir.resolve("edge.csv");
        Files.writeString(file, ImportFixtures.HEADER + "\n"
                + "a,1,1.0,true,,," + (T0 + 5_000) + "\n"     // available at exactly now (delay 5 s)
                + "b,2,2.0,true,,," + (T0 + 5_001) + "\n");   // one millisecond later
        HistoricalImport.Options options = new HistoricalImport.Options(clicks.availabilityDelay(), 10, true, false, dir.resolve("tmp"));
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir.resolve("data"));
                HistoricalImport prepared = HistoricalImport.prepare(clicks, file, options, new ManualClock(T0 + 10_000), Progress.NONE)) {
            HistoricalImport.Result r = prepared.appendTo(storage.eventLog(), Progress.NONE);
            assertEquals(1, r.imported());
            assertEquals(1, r.rejected());
            assertEquals(new RowError(2, "ts", "available_at 2023-11-14T22:13:30.001Z (event time 2023-11-14T22:13:25.001Z"
                    + " + availability delay 5s) is after the import started (2023-11-14T22:13:30Z); only events already"
                    + " available can be imported as history"), r.firstRejected().getFirst());
            assertEquals(T0 + 10_000, r.firstAvailableAt());
            assertEquals(dir.resolve("edge.csv.rejected.txt"), r.rejectedFile());
        }
    }

    @Test
    void aDataDirectoryInUseIsRefusedWithAClearMessage() throws Exception {
        Path repo = ImportFixtures.repo(dir);
        Path data = dir.resolve("data");
        Path file = dir.resolve("clicks.csv");
        ImportFixtures.writeCsv(file, clicks(5, 10));
        try (EmbeddedStorage running = EmbeddedStorage.open(data)) {
            Run r = ingest(repo, data, file);
            assertEquals(1, r.exit());
            assertTrue(r.err().contains("data directory " + data + " is in use (is `freshet serve` running on it?)"), r.err());
            assertTrue(r.err().contains("Nothing was imported"), r.err());
            Run e = export(repo, data, dir.resolve("out.parquet"));
            assertEquals(1, e.exit());
            assertTrue(e.err().contains("is in use"), e.err());
            assertEquals(0, running.eventLog().endOffset("clicks"));
        }
        assertFalse(Files.exists(dir.resolve("out.parquet")));
    }

    @Test
    void importedEventsAreServedByTheEngine() throws Exception {
        SplittableRandom r = new SplittableRandom(20_261_126L);
        List<Txn> txns = new ArrayList<>();
        String[] cards = {"c1", "c2", "c3"};
        for (int i = 0; i < 400; i++) {
            txns.add(new Txn(cards[r.nextInt(cards.length)], Math.round(r.nextDouble(-50, 500) * 100) / 100.0,
                    r.nextInt(4) == 0 ? "EUR" : "USD", T0 + r.nextLong(0, 3 * HOUR)));
        }
        Path data = dir.resolve("data");
        Run in = ingestFraud(data, fraudCsv("history.csv", txns));
        assertEquals(0, in.exit(), in.err());

        long now = T0 + 3 * HOUR + 1;
        try (EmbeddedStorage storage = EmbeddedStorage.open(data);
                EmbeddedEngine engine = EmbeddedEngine.start(FRAUD, storage, EngineOptions.defaults(), new ManualClock(now))) {
            CompiledView view = engine.view("card_txn");
            FeatureVector out = new FeatureVector(view.features().size());
            long hop = 5 * 60_000L; // the default hop of a 1 h window
            long lo = Math.ceilDiv(now, hop) * hop - HOUR;
            for (String card : cards) {
                assertTrue(engine.read("card_txn", card, now, out), card);
                long lifetime = txns.stream().filter(t -> t.card().equals(card)).count();
                long lastHour = txns.stream().filter(t -> t.card().equals(card) && t.eventTime() >= lo && t.eventTime() < now).count();
                long foreign = txns.stream().filter(t -> t.card().equals(card) && t.eventTime() >= Math.ceilDiv(now, 60_000L) * 60_000L - HOUR
                        && t.eventTime() < now && !t.currency().equals("USD")).count();
                assertEquals(Status.PRESENT, out.status(view.featureIndex("txn_count_lifetime")));
                assertEquals(lifetime, out.getLong(view.featureIndex("txn_count_lifetime")), card);
                assertEquals(lastHour, out.getLong(view.featureIndex("txn_count_1h")), card);
                assertEquals(foreign, out.getLong(view.featureIndex("foreign_txn_count_1h")), card);
            }
        }
    }
}
