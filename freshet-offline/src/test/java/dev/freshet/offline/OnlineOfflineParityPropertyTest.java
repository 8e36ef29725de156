package dev.freshet.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.engine.embedded.EmbeddedEngine;
import dev.freshet.engine.embedded.EmbeddedFixtures;
import dev.freshet.engine.embedded.EngineOptions;
import dev.freshet.engine.embedded.IngestReceipt;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.expr.ExpressionCompiler;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.serving.features.FeaturePlan;
import dev.freshet.serving.features.FeaturePlanner;
import dev.freshet.serving.features.FeatureRetriever;
import dev.freshet.serving.features.FeatureSource;
import dev.freshet.storage.memory.MemoryStorage;
import dev.freshet.testkit.ManualClock;
import dev.freshet.testkit.TestEvent;
import dev.freshet.testkit.TestStreams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property test: one seeded stream into the embedded engine on a manual clock (three views of
 * one source: card, nullable merchant, composite card+merchant; non-finite and signed-zero amounts;
 * optional restarts) read through the serving {@link FeatureRetriever} at many times, then the same
 * times replayed offline ({@link PointInTimeReader}, whole and with the spine-key filter the
 * training-set builder uses) must give every value, status and event time bit for bit.
 */
class OnlineOfflineParityPropertyTest {
    private static final long T0 = 1_000_000;

    static LongStream seeds() {
        return LongStream.range(0, 24).map(i -> 7_000_003L * i + 11);
    }

    private record Served(long t, Map<String, Object> entity, FeatureRetriever.Row row) {
    }

    static FeatureRepository repo() {
        List<AggregationSpec> all = EmbeddedFixtures.specs(EmbeddedFixtures.cases());
        EntitySpec merchant = new EntitySpec("merchant", List.of(Field.optional("merchant", FieldType.STRING)), "");
        EntitySpec cardMerchant = new EntitySpec("card_merchant",
                List.of(Field.required("card_id", FieldType.STRING), Field.optional("merchant", FieldType.STRING)), "");
        return FeatureRepository.builder()
                .entity(EmbeddedFixtures.CARD).entity(merchant).entity(cardMerchant)
                .source(EmbeddedFixtures.source(EmbeddedFixtures.SOURCE, EmbeddedFixtures.LATENESS, EmbeddedFixtures.SKEW))
                .featureView(new FeatureViewSpec("card_txn", "card", EmbeddedFixtures.SOURCE, all, null, null, Map.of(), ""))
                .featureView(new FeatureViewSpec("merchant_txn", "merchant", EmbeddedFixtures.SOURCE, all, null, null, Map.of(), ""))
                .featureView(new FeatureViewSpec("cm_txn", "card_merchant", EmbeddedFixtures.SOURCE, all, null, null, Map.of(), ""))
                .build();
    }

    static List<TestEvent> events(long seed) {
        List<TestEvent> base = TestStreams.generate(seed, 1500, 4, T0 + Math.floorMod(seed, 10_000), 5, 2_000, 20_000);
        SplittableRandom r = new SplittableRandom(seed * 31 + 7);
        List<TestEvent> out = new ArrayList<>();
        for (TestEvent e : base) {
            Object[] v = new Object[TestStreams.SCHEMA.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = e.get(i);
            }
            int k = r.nextInt(40);
            if (k == 0) {
                v[TestStreams.AMOUNT] = Double.NaN;
            } else if (k == 1) {
                v[TestStreams.AMOUNT] = Double.POSITIVE_INFINITY;
            } else if (k == 2) {
                v[TestStreams.AMOUNT] = Double.NEGATIVE_INFINITY;
            } else if (k == 3) {
                v[TestStreams.AMOUNT] = -0.0;
            } else if (k == 4) {
                v[TestStreams.AMOUNT] = 1e300 * (r.nextBoolean() ? 1 : -1);
            }
            if (v[TestStreams.MERCHANT] != null) {
                v[TestStreams.MERCHANT] = "m" + r.nextInt(seed % 4 < 2 ? 300 : 3);
            }
            out.add(new TestEvent(e.seq(), e.arrival(), v));
        }
        return out;
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void everyServedRowIsReplayedBitForBit(long seed) {
        FeatureRepository repo = repo();
        List<String> refs = new ArrayList<>();
        for (String view : List.of("card_txn", "merchant_txn", "cm_txn")) {
            for (AggregationSpec a : EmbeddedFixtures.specs(EmbeddedFixtures.cases())) {
                refs.add(view + ":" + a.name());
            }
        }
        List<TestEvent> events = events(seed);
        List<Map<String, Object>> entities = new ArrayList<>();
        Set<String> seenEntity = new LinkedHashSet<>();
        for (TestEvent e : events) {
            Object m = e.get(TestStreams.MERCHANT);
            if (m != null && seenEntity.add(e.get(TestStreams.CARD) + "|" + m)) {
                entities.add(Map.of("card_id", e.get(TestStreams.CARD), "merchant", m));
            }
        }
        while (entities.size() > 40) {
            entities.remove(entities.size() / 2);
        }
        entities.add(Map.of("card_id", "nobody", "merchant", "m0"));
        SplittableRandom random = new SplittableRandom(seed);
        boolean restarts = seed % 2 == 1;
        long start = events.getFirst().arrival();
        ManualClock clock = new ManualClock(start - 10_000);
        List<Served> served = new ArrayList<>();
        FeaturePlan[] plan = new FeaturePlan[1];
        try (MemoryStorage storage = new MemoryStorage()) {
            EmbeddedEngine engine = EmbeddedEngine.start(repo, storage, EngineOptions.defaults(), clock);
            try {
                List<List<TestEvent>> batches = EmbeddedFixtures.batches(events, seed, 10);
                for (int b = 0; b < batches.size(); b++) {
                    long accept = EmbeddedFixtures.acceptTime(batches.get(b));
                    if (accept - 1 > clock.millis() && random.nextInt(3) == 0) {
                        long t = random.nextLong(clock.millis(), accept);
                        record(engine, repo, refs, plan, entities, clock, t, served);
                    }
                    clock.set(accept);
                    IngestReceipt r = engine.append(EmbeddedFixtures.SOURCE, EmbeddedFixtures.batch(batches.get(b))).join();
                    engine.awaitApplied(EmbeddedFixtures.SOURCE, r.endOffset()).join();
                    boolean last = b + 1 == batches.size() || EmbeddedFixtures.acceptTime(batches.get(b + 1)) > accept;
                    if (last && random.nextInt(4) == 0) {
                        record(engine, repo, refs, plan, entities, clock, accept, served);
                    }
                    if (last && restarts && random.nextInt(8) == 0) {
                        engine.close();
                        engine = EmbeddedEngine.start(repo, storage, EngineOptions.defaults(), clock);
                        engine.awaitReady().join();
                    }
                }
                long end = clock.millis();
                for (TestEvent e : events) {
                    end = Math.max(end, (Long) e.get(TestStreams.EVENT_TIME) + 1);
                }
                for (long after : new long[] {0, 1, 999, 1_000, 1_501, 7_000, 10_001, 100_000}) {
                    record(engine, repo, refs, plan, entities, clock, end + after, served);
                }
            } finally {
                engine.close();
            }
            Set<Object> cards = new HashSet<>();
            Set<Object> merchants = new HashSet<>();
            Set<Object> pairs = new HashSet<>();
            for (Map<String, Object> e : entities) {
                cards.add(e.get("card_id"));
                merchants.add(e.get("merchant"));
                pairs.add(FeatureRetriever.key(List.of(Field.required("card_id", FieldType.STRING),
                        Field.optional("merchant", FieldType.STRING)), e, ""));
            }
            for (int mode = 0; mode < 2; mode++) {
                Map<List<Field>, Set<Object>> keys = new HashMap<>();
                if (mode == 1) {
                    for (FeaturePlan.ViewRead v : plan[0].views()) {
                        keys.put(v.joinKeys(), v.joinKeys().size() == 2 ? pairs
                                : v.joinKeys().getFirst().name().equals("card_id") ? cards : merchants);
                    }
                }
                try (PointInTimeReader reader = new PointInTimeReader(repo, storage.eventLog(), FeatureSelection.ofFeatures(refs),
                        16, 0, 1, keys)) {
                    for (Served s : served) {
                        reader.advanceTo(s.t());
                        FeatureRetriever.Row row = reader.read(s.entity(), s.t(), "");
                        for (int i = 0; i < refs.size(); i++) {
                            String where = "seed=" + seed + " mode=" + mode + " entity=" + s.entity() + " t=" + s.t() + " "
                                    + refs.get(i);
                            assertEquals(s.row().statuses()[i], row.statuses()[i], where + " status");
                            assertEquals(s.row().eventTimes()[i], row.eventTimes()[i], where + " event time");
                            assertEquals(exact(s.row().values()[i]), exact(row.values()[i]), where + " value");
                        }
                    }
                }
            }
        }
    }

    private static void record(EmbeddedEngine engine, FeatureRepository repo, List<String> refs, FeaturePlan[] plan,
                               List<Map<String, Object>> entities, ManualClock clock, long t, List<Served> served) {
        clock.set(t);
        FeatureSource source = new FeatureSource() {
            @Override
            public List<CompiledView> views() {
                return engine.views();
            }

            @Override
            public boolean read(String view, Object key, long at, FeatureVector out) {
                return engine.read(view, key, at, out);
            }
        };
        if (plan[0] == null) {
            plan[0] = new FeaturePlanner(repo, source, new ExpressionCompiler()).forFeatures(refs);
        }
        FeatureRetriever retriever = new FeatureRetriever(source);
        for (Map<String, Object> e : entities) {
            served.add(new Served(t, e, retriever.retrieve(plan[0], e, t, "")));
        }
    }

    private static Object exact(Object v) {
        return v instanceof Double d ? "double:" + Double.doubleToRawLongBits(d) : v;
    }
}
