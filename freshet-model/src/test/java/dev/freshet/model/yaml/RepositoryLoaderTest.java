package dev.freshet.model.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.SourceKind;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.model.spec.WindowSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryLoaderTest {
    private static final String BASE = """
            kind: entity
            name: user
            join_keys:
              user_id: int64
            ---
            kind: source
            name: clicks
            type: stream
            event_time_field: ts
            allowed_lateness: PT30S
            schema:
              user_id: int64
              page: {type: string, nullable: true}
              ts: int64
            """;

    @Test
    void readsLongFormFieldsIsoDurationsAndDefaults() {
        FeatureRepository repo = RepositoryLoader.loadString("r.yaml", BASE + """
                ---
                kind: feature_view
                name: user_clicks
                entity: user
                source: clicks
                features:
                  - {name: n, function: count, window: 10m}
                """).repositoryOrThrow();
        SourceSpec clicks = repo.source("clicks").orElseThrow();
        assertEquals(SourceKind.STREAM, clicks.sourceKind());
        assertEquals(List.of(Field.required("user_id", FieldType.INT64), Field.optional("page", FieldType.STRING),
                Field.required("ts", FieldType.INT64)), clicks.schema().fields());
        assertEquals(Duration.ofSeconds(30), clicks.allowedLateness());
        assertEquals(SourceSpec.DEFAULT_MAX_FUTURE_SKEW, clicks.maxFutureSkew());
        assertEquals(Duration.ZERO, clicks.availabilityDelay());
    }

    @Test
    void readsEveryWindowForm() {
        FeatureRepository repo = RepositoryLoader.loadString("r.yaml", BASE + """
                ---
                kind: feature_view
                name: user_clicks
                entity: user
                source: clicks
                features:
                  - {name: sliding, function: count, window: 1h, hop: 1ms}
                  - {name: tumbling, function: count, tumbling: 1d}
                  - {name: session, function: count, session_gap: 30m}
                  - {name: forever, function: count_distinct, input: page, window: lifetime}
                  - {name: recent_pages, function: last_n, input: page, window: 1h, n: 3}
                  - {name: top_pages, function: top_k, input: page, window: 1h, k: 2}
                """).repositoryOrThrow();
        List<AggregationSpec> aggs = repo.featureView("user_clicks").orElseThrow().aggregations();
        assertEquals(new WindowSpec.Hopping(Duration.ofHours(1), Duration.ofMillis(1)), aggs.get(0).window());
        assertEquals(new WindowSpec.Tumbling(Duration.ofDays(1)), aggs.get(1).window());
        assertEquals(new WindowSpec.Session(Duration.ofMinutes(30)), aggs.get(2).window());
        assertEquals(new WindowSpec.Lifetime(), aggs.get(3).window());
        assertEquals(AggregationFunction.LAST_N, aggs.get(4).function());
        assertEquals(3, aggs.get(4).params().n());
        assertEquals(2, aggs.get(5).params().topK());
    }

    @Test
    void readsBatchViewsWithLatestValueFeatures() {
        FeatureRepository repo = RepositoryLoader.loadString("r.yaml", BASE + """
                ---
                kind: source
                name: profiles
                type: batch
                event_time_field: updated
                options: {path: data/profiles.parquet}
                schema: {user_id: int64, country: string, updated: timestamp}
                ---
                kind: feature_view
                name: user_profile
                entity: user
                source: profiles
                ttl: 30d
                features:
                  - name: country
                    input: country
                """).repositoryOrThrow();
        var view = repo.featureView("user_profile").orElseThrow();
        assertEquals(Duration.ofDays(30), view.ttl());
        assertEquals("country", view.batchFeatures().getFirst().input());
    }

    @Test
    void loadsFilesRecursivelyAndSkipsHiddenFolders(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("nested"));
        Files.createDirectories(dir.resolve(".freshet"));
        Files.writeString(dir.resolve("entities.yml"), "kind: entity\nname: user\njoin_keys: {user_id: int64}\n");
        Files.writeString(dir.resolve("nested/source.yaml"), BASE.substring(BASE.indexOf("---") + 4));
        Files.writeString(dir.resolve(".freshet/ignored.yaml"), "not: [valid");
        Files.writeString(dir.resolve("notes.txt"), "not yaml");
        LoadResult result = RepositoryLoader.load(dir);
        assertTrue(result.isValid(), result::errorReport);
        assertEquals(2, result.repository().allSpecs().size());
    }

    @Test
    void missingFolderIsAnError(@TempDir Path dir) {
        LoadResult result = RepositoryLoader.load(dir.resolve("nope"));
        assertEquals(1, result.errors().size());
        assertTrue(result.errorReport().endsWith("feature repository folder does not exist"));
    }
}
