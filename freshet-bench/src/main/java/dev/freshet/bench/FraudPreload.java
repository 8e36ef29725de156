package dev.freshet.bench;

import dev.freshet.app.demo.TransactionGenerator;
import dev.freshet.engine.EventBatch;
import dev.freshet.engine.embedded.EmbeddedEngine;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.Schema;
import dev.freshet.serving.ingest.EventParser;
import java.time.Clock;

/** The serving benchmarks' state: 100,000 demo-generator transactions over a card population, applied. */
final class FraudPreload {
    private FraudPreload() {
    }

    /** Appends and applies the events; returns the generator, whose {@code card(i)} names the cards. */
    static TransactionGenerator load(EmbeddedEngine engine, FeatureRepository repo, int cards, Clock clock) {
        TransactionGenerator gen = new TransactionGenerator(cards, 2_000, 5);
        Schema schema = repo.source("transactions").orElseThrow().schema();
        EventParser parser = new EventParser(schema);
        for (int i = 0; i < 100; i++) {
            EventBatch batch = new EventBatch(schema, 1000);
            parser.parse(gen.ndjson(1000, clock.millis()), batch, 10_000);
            var receipt = engine.append("transactions", batch).join();
            engine.awaitApplied("transactions", receipt.endOffset()).join();
        }
        return gen;
    }
}
