package dev.freshet.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.app.bench.HttpLoad;
import dev.freshet.app.demo.TransactionGenerator;
import dev.freshet.app.server.EngineAdapter;
import dev.freshet.engine.EventBatch;
import dev.freshet.engine.embedded.EmbeddedEngine;
import dev.freshet.engine.embedded.EngineOptions;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.expr.ExpressionCompiler;
import dev.freshet.model.yaml.RepositoryLoader;
import dev.freshet.serving.features.FeatureApi;
import dev.freshet.serving.features.FeaturePlanner;
import dev.freshet.serving.features.FeatureRetriever;
import dev.freshet.serving.http.FreshetHttpServer;
import dev.freshet.serving.http.ServerOptions;
import dev.freshet.serving.ingest.EventParser;
import dev.freshet.storage.memory.MemoryStorage;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Vert.x 5 vs Helidon 4 (virtual threads) on the serving benchmark, side by side in one run: the
 * same engine (preloaded fraud state), the same framework-independent {@link FeatureApi}, the same
 * loopback load generator; only the HTTP server differs. Prints one JSON line per framework.
 *
 * <pre>
 * java -cp freshet-bench/target/benchmarks.jar dev.freshet.bench.HttpFrameworkComparison [rate] [seconds]
 * </pre>
 */
public final class HttpFrameworkComparison {
    private HttpFrameworkComparison() {
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 8;
        FeatureRepository repo = RepositoryLoader.load(Path.of("examples/fraud")).repositoryOrThrow();
        Clock clock = Clock.systemUTC();
        try (MemoryStorage storage = new MemoryStorage();
             EmbeddedEngine engine = EmbeddedEngine.start(repo, storage, EngineOptions.defaults(), clock)) {
            int cards = 10_000;
            TransactionGenerator gen = new TransactionGenerator(cards, 2_000, 5);
            EventParser parser = new EventParser(repo.source("transactions").orElseThrow().schema());
            for (int i = 0; i < 100; i++) {
                EventBatch batch = new EventBatch(repo.source("transactions").orElseThrow().schema(), 1000);
                parser.parse(gen.ndjson(1000, clock.millis()), batch, 10_000);
                var receipt = engine.append("transactions", batch).join();
                engine.awaitApplied("transactions", receipt.endOffset()).join();
            }
            EngineAdapter adapter = new EngineAdapter(engine);
            Buffer[] reads = new Buffer[1024];
            for (int i = 0; i < reads.length; i++) {
                reads[i] = Buffer.buffer("{\"feature_service\":\"fraud_model_v1\",\"entities\":[{\"card_id\":\""
                        + gen.card((i * 7919) % cards) + "\",\"lat\":40.7,\"lon\":-74.0}]}");
            }
            try (FreshetHttpServer vertx = FreshetHttpServer.start(adapter, repo, ServerOptions.defaults(0), clock)) {
                System.out.println(measure("vertx-5.0.7", vertx.port(), reads, rate, seconds));
            }
            FeatureApi api = new FeatureApi(new FeaturePlanner(repo, adapter, new ExpressionCompiler()), new FeatureRetriever(adapter), 1000);
            WebServer helidon = WebServer.builder().port(0)
                    .routing(HttpRouting.builder().post("/v1/features", (req, res) -> {
                        byte[] body = req.content().as(byte[].class);
                        res.header(HeaderNames.CONTENT_TYPE, "application/json");
                        res.send(api.features(body, clock.millis()));
                    }))
                    .build().start();
            try {
                System.out.println(measure("helidon-4.5.0", helidon.port(), reads, rate, seconds));
            } finally {
                helidon.stop();
            }
        }
    }

    private static String measure(String name, int port, Buffer[] reads, int rate, double seconds) throws Exception {
        try (HttpLoad load = new HttpLoad(port, 64)) {
            load.fixedRate("/v1/features", i -> reads[i % reads.length], Math.min(rate, 5000), 3, "application/json");
            HttpLoad.Result fixed = load.fixedRate("/v1/features", i -> reads[i % reads.length], rate, seconds, "application/json");
            HttpLoad.Result max = load.maxRate("/v1/features", i -> reads[i % reads.length], 64, seconds, "application/json");
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("server", name);
            r.put("rate", rate);
            r.put("p50_ms", fixed.percentileMillis(50));
            r.put("p99_ms", fixed.percentileMillis(99));
            r.put("p999_ms", fixed.percentileMillis(99.9));
            r.put("errors", fixed.errors() + max.errors());
            r.put("max_rps", Math.round(max.rps()));
            r.put("max_p99_ms", max.percentileMillis(99));
            return new ObjectMapper().writeValueAsString(r);
        }
    }
}
