package dev.freshet.model.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.model.FeatureRepository;
import dev.freshet.model.FraudExample;
import dev.freshet.model.registry.internal.ContentHash;
import dev.freshet.model.registry.internal.SpecCodec;
import dev.freshet.model.spec.AggregationParams;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.Spec;
import dev.freshet.model.spec.SpecKind;
import dev.freshet.model.spec.WindowSpec;
import dev.freshet.model.yaml.RepositoryLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(T0);

    private Registry open() {
        return Registry.open(Registry.defaultFile(dir), clock);
    }

    @Test
    void firstApplyAddsEveryObjectAtVersionOne() {
        Registry registry = open();
        Plan plan = registry.plan(FraudExample.repository());
        assertEquals(7, plan.added().size());
        assertTrue(plan.added().stream().allMatch(e -> e.oldVersion() == 0 && e.newVersion() == 1));
        List<RegisteredSpec> registered = registry.apply(plan);
        assertEquals(7, registered.size());
        RegisteredSpec view = registry.current(SpecKind.FEATURE_VIEW, "card_txn").orElseThrow();
        assertEquals(1, view.meta().version());
        assertEquals(T0, view.meta().createdAt());
        assertEquals(T0, view.meta().updatedAt());
        assertEquals(64, view.meta().contentHash().length());
        assertTrue(Files.exists(dir.resolve(".freshet/registry.json")));
    }

    @Test
    void applyingTheSameRepositoryTwiceChangesNothing() {
        Registry registry = open();
        registry.apply(registry.plan(FraudExample.repository()));
        clock.advance(Duration.ofHours(1));
        Plan again = registry.plan(FraudExample.repository());
        assertFalse(again.hasChanges());
        assertEquals(7, again.unchanged().size());
        assertEquals(List.of(), registry.apply(again));
        assertEquals(1, registry.revision());
        assertEquals(T0, registry.current(SpecKind.FEATURE_VIEW, "card_txn").orElseThrow().meta().updatedAt());
    }

    @Test
    void yamlAndBuilderRepositoriesHaveTheSameHashes() {
        Registry registry = open();
        registry.apply(registry.plan(RepositoryLoader.load(FraudExample.DIR).repositoryOrThrow()));
        assertFalse(registry.plan(FraudExample.repository()).hasChanges());
    }

    @Test
    void changingAWindowCreatesVersionTwoAndKeepsVersionOne() {
        Registry registry = open();
        registry.apply(registry.plan(FraudExample.repository()));
        clock.advance(Duration.ofDays(1));
        FeatureRepository changed = withWindow(FraudExample.repository(), "txn_count_5m",
                new WindowSpec.Hopping(Duration.ofMinutes(10), Duration.ofMinutes(1)));

        Plan plan = registry.plan(changed);
        assertEquals(1, plan.changed().size());
        PlanEntry entry = plan.changed().getFirst();
        assertEquals(SpecKind.FEATURE_VIEW, entry.kind());
        assertEquals("card_txn", entry.name());
        assertEquals(1, entry.oldVersion());
        assertEquals(2, entry.newVersion());
        assertEquals(6, plan.unchanged().size());
        registry.apply(plan);

        List<RegisteredSpec> versions = registry.versions(SpecKind.FEATURE_VIEW, "card_txn");
        assertEquals(List.of(1, 2), versions.stream().map(v -> v.meta().version()).toList());
        RegisteredSpec v2 = versions.get(1);
        assertEquals(T0, v2.meta().createdAt());
        assertEquals(T0.plus(Duration.ofDays(1)), v2.meta().updatedAt());
        assertEquals(FraudExample.repository().featureView("card_txn").orElseThrow(), versions.get(0).spec());
        assertEquals(changed.featureView("card_txn").orElseThrow(), v2.spec());
    }

    @Test
    void deletedObjectIsRetiredNotDeleted() {
        Registry registry = open();
        FeatureRepository full = FraudExample.repository();
        registry.apply(registry.plan(full));
        clock.advance(Duration.ofMinutes(3));
        FeatureRepository withoutService = FeatureRepository.of(full.allSpecs().stream()
                .filter(s -> s.kind() != SpecKind.FEATURE_SERVICE).toList());

        Plan plan = registry.plan(withoutService);
        assertEquals(1, plan.removed().size());
        assertEquals("fraud_model_v1", plan.removed().getFirst().name());
        registry.apply(plan);

        assertTrue(registry.current(SpecKind.FEATURE_SERVICE, "fraud_model_v1").isEmpty());
        assertEquals(T0.plus(Duration.ofMinutes(3)), registry.retiredAt(SpecKind.FEATURE_SERVICE, "fraud_model_v1").orElseThrow());
        assertEquals(1, registry.versions(SpecKind.FEATURE_SERVICE, "fraud_model_v1").size());
        assertFalse(registry.plan(withoutService).hasChanges());

        Plan back = registry.plan(full);
        assertEquals(1, back.added().size());
        assertEquals(2, back.added().getFirst().newVersion());
        registry.apply(back);
        assertEquals(2, registry.current(SpecKind.FEATURE_SERVICE, "fraud_model_v1").orElseThrow().meta().version());
    }

    @Test
    void lineageNamesWhatEachObjectIsBuiltFrom() {
        Registry registry = open();
        registry.apply(registry.plan(FraudExample.repository()));
        assertEquals(List.of("source:transactions", "entity:card"), lineage(registry, SpecKind.FEATURE_VIEW, "card_txn"));
        assertEquals(List.of("feature_view:card_txn"),
                lineage(registry, SpecKind.ON_DEMAND_FEATURE, "distance_from_last_txn_km"));
        assertEquals(List.of("feature_view:card_txn", "on_demand_feature:distance_from_last_txn_km"),
                lineage(registry, SpecKind.FEATURE_SERVICE, "fraud_model_v1"));
        assertEquals(List.of(), lineage(registry, SpecKind.SOURCE, "transactions"));
    }

    @Test
    void reopenedRegistryHasTheSameVersionsAndSpecs() {
        Registry registry = open();
        registry.apply(registry.plan(FraudExample.repository()));
        Registry reopened = open();
        assertEquals(registry.all(), reopened.all());
        assertEquals(1, reopened.revision());
        assertFalse(reopened.plan(FraudExample.repository()).hasChanges());
    }

    @Test
    void stalePlanIsRejected() {
        Registry registry = open();
        Plan first = registry.plan(FraudExample.repository());
        Plan second = registry.plan(FraudExample.repository());
        registry.apply(first);
        assertThrows(StalePlanException.class, () -> registry.apply(second));
    }

    @Test
    void contentHashIgnoresKeyOrderCommentsAndQuoting() {
        String a = """
                kind: entity
                name: card
                join_keys:
                  card_id: string
                """;
        String b = """
                # the same entity, written differently
                join_keys: {card_id: "string"}
                name: 'card'
                kind: entity
                description: ""
                """;
        Registry registry = open();
        registry.apply(registry.plan(RepositoryLoader.loadString("a.yaml", a).repositoryOrThrow()));
        assertFalse(registry.plan(RepositoryLoader.loadString("b.yaml", b).repositoryOrThrow()).hasChanges());
    }

    /**
     * relative_accuracy (added with the DDSketch percentile) is part of a view's content, but its
     * default is not written, so views registered before it existed keep their hashes.
     */
    @Test
    void relativeAccuracyIsVersionedAndItsDefaultKeepsEarlierHashes() {
        Registry registry = open();
        registry.apply(registry.plan(FraudExample.repository()));
        FeatureViewSpec view = FraudExample.repository().featureView("card_txn").orElseThrow();
        assertFalse(SpecCodec.encode(view).toString().contains("relative_accuracy"));

        FeatureRepository explicitDefault = withRelativeAccuracy(FraudExample.repository(), "amount_p95_24h", 0.01);
        assertFalse(registry.plan(explicitDefault).hasChanges());

        clock.advance(Duration.ofDays(1));
        FeatureRepository coarser = withRelativeAccuracy(FraudExample.repository(), "amount_p95_24h", 0.02);
        Plan plan = registry.plan(coarser);
        assertEquals(List.of("card_txn"), plan.changed().stream().map(PlanEntry::name).toList());
        registry.apply(plan);
        FeatureViewSpec stored = (FeatureViewSpec) open().current(SpecKind.FEATURE_VIEW, "card_txn").orElseThrow().spec();
        assertEquals(coarser.featureView("card_txn").orElseThrow(), stored);
        assertEquals(0.02, stored.aggregations().stream().filter(a -> a.name().equals("amount_p95_24h")).findFirst()
                .orElseThrow().params().relativeAccuracy());
    }

    /**
     * docs: the content hash is computed with "defaults resolved". top_k's default k is 5, so
     * writing it explicitly is not a change; the hash of a top_k without k is the one it always had.
     */
    @Test
    void explicitDefaultTopKIsNotAChangeAndKeepsEarlierHashes() {
        String view = """
                kind: entity
                name: user
                join_keys: {user_id: int64}
                ---
                kind: source
                name: clicks
                type: stream
                event_time_field: ts
                schema: {user_id: int64, page: string, ts: timestamp}
                ---
                kind: feature_view
                name: v
                entity: user
                source: clicks
                features:
                """;
        Registry registry = open();
        FeatureRepository implicit = RepositoryLoader.loadString("a.yaml", view + """
                  - {name: top_pages, function: top_k, input: page, window: 1h}
                """).repositoryOrThrow();
        registry.apply(registry.plan(implicit));
        FeatureViewSpec registered = implicit.featureView("v").orElseThrow();
        assertTrue(SpecCodec.hashForm(registered).toString().contains("\"k\":0,"), "the form hashed before k was resolved");

        FeatureRepository explicit = RepositoryLoader.loadString("a.yaml", view + """
                  - {name: top_pages, function: top_k, input: page, window: 1h, k: 5}
                """).repositoryOrThrow();
        Plan plan = registry.plan(explicit);
        assertEquals(0, plan.changed().size(), plan::toString);
        assertFalse(plan.hasChanges(), plan::toString);
        assertEquals(ContentHash.of(registered), ContentHash.of(explicit.featureView("v").orElseThrow()));
        assertTrue(SpecCodec.encode(explicit.featureView("v").orElseThrow()).toString().contains("\"k\":5,"),
                "the registry stores the spec as written");

        Plan bigger = registry.plan(RepositoryLoader.loadString("a.yaml", view + """
                  - {name: top_pages, function: top_k, input: page, window: 1h, k: 6}
                """).repositoryOrThrow());
        assertEquals(List.of("v"), bigger.changed().stream().map(PlanEntry::name).toList());
    }

    /** A damaged registry file is an error naming the file, not a NullPointerException. */
    @Test
    void corruptRegistryFileIsAClearErrorNamingTheFile() throws IOException {
        Path file = Registry.defaultFile(dir);
        Files.createDirectories(file.getParent());
        for (String content : List.of("{\"format_version\":1}", "{\"format_version\":1,", "not json",
                "{\"format_version\":2,\"revision\":0,\"objects\":[]}",
                "{\"format_version\":1,\"revision\":1,\"objects\":[{\"kind\":\"nope\",\"name\":\"x\",\"versions\":[]}]}")) {
            Files.writeString(file, content);
            RegistryFileException e = assertThrows(RegistryFileException.class, this::open, content);
            assertTrue(e.getMessage().startsWith("registry " + file + ": "), e.getMessage());
        }
        Files.writeString(file, "{\"format_version\":1}");
        assertEquals("registry " + file + ": corrupt content: missing 'objects'",
                assertThrows(RegistryFileException.class, this::open).getMessage());
    }

    private static FeatureRepository withRelativeAccuracy(FeatureRepository repo, String feature, double alpha) {
        List<Spec> specs = new ArrayList<>();
        for (Spec s : repo.allSpecs()) {
            if (s instanceof FeatureViewSpec v) {
                List<AggregationSpec> aggs = v.aggregations().stream().map(a -> {
                    if (!a.name().equals(feature)) {
                        return a;
                    }
                    AggregationParams p = a.params();
                    return new AggregationSpec(a.name(), a.function(), a.input(), a.window(), a.filter(),
                            new AggregationParams(p.n(), p.k(), p.percentile(), p.lgK(), alpha), a.description());
                }).toList();
                s = new FeatureViewSpec(v.name(), v.entity(), v.source(), aggs, v.batchFeatures(), v.ttl(), v.tags(),
                        v.description());
            }
            specs.add(s);
        }
        return FeatureRepository.of(specs);
    }

    private static List<String> lineage(Registry registry, SpecKind kind, String name) {
        return registry.current(kind, name).orElseThrow().meta().lineage();
    }

    private static FeatureRepository withWindow(FeatureRepository repo, String feature, WindowSpec window) {
        List<Spec> specs = new ArrayList<>();
        for (Spec s : repo.allSpecs()) {
            if (s instanceof FeatureViewSpec v) {
                List<AggregationSpec> aggs = v.aggregations().stream().map(a -> a.name().equals(feature)
                        ? new AggregationSpec(a.name(), a.function(), a.input(), window, a.filter(), a.params(), a.description())
                        : a).toList();
                s = new FeatureViewSpec(v.name(), v.entity(), v.source(), aggs, v.batchFeatures(), v.ttl(), v.tags(),
                        v.description());
            }
            specs.add(s);
        }
        return FeatureRepository.of(specs);
    }

    /** A clock tests move by hand. */
    private static final class ManualClock implements InstantSource {
        private Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
