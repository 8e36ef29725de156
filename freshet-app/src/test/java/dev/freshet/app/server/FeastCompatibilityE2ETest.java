package dev.freshet.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /get-online-features} answers as Feast's feature server does, so Feast clients work
 * unchanged: which of feature_service and features wins, colliding output names, the order of the
 * join-key columns, and error pointers into Feast's column-oriented request.
 */
class FeastCompatibilityE2ETest extends ServerE2ETestBase {

    /** Added to a copy of examples/fraud: a view of a composite key with a feature named like one of card_txn's. */
    static final String COMPOSITE_KEY_YAML = """
            kind: entity
            name: card_merchant
            join_keys:
              card_id: string
              merchant_id: string
            ---
            kind: feature_view
            name: card_merchant_txn
            entity: card_merchant
            source: transactions
            features:
              - name: pair_count_1h
                function: count
                window: 1h
              - name: txn_count_1h
                function: count
                window: 1h
            """;

    void startExtended() throws IOException {
        startFraudWith(COMPOSITE_KEY_YAML);
    }

    /**
     * Feast's feature server uses the feature service whenever one is given ({@code if
     * request.feature_service:}) and ignores {@code features}; clients that serialise the whole
     * request model send {@code "features": []} beside the service. Freshet answers 400
     * "give either 'features' or 'feature_service', not both".
     */
    @Test
    void feastFeatureServiceIsUsedEvenWhenFeaturesIsAlsoSent() throws Exception {
        startFraud();
        // consequence: a Feast client sending the full request model gets 400 instead of its feature vector
        HttpResponse<String> r = post("/get-online-features", "{\"feature_service\":\"fraud_model_v1\",\"features\":[],"
                + "\"entities\":{\"card_id\":[\"c1\"],\"lat\":[48.86],\"lon\":[2.35]},\"full_feature_names\":false}");
        assertEquals(200, r.statusCode(), r.body());
    }

    /** An empty feature_service is no service (Feast tests it for truth): the features are served. */
    @Test
    void feastEmptyFeatureServiceCountsAsAbsent() throws Exception {
        startFraud();
        HttpResponse<String> r = post("/get-online-features",
                "{\"feature_service\":\"\",\"features\":[\"card_txn:txn_count_5m\"],\"entities\":{\"card_id\":[\"c1\"]}}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("[\"card_id\",\"txn_count_5m\"]", json.readTree(r.body()).get("metadata").get("feature_names").toString());
    }

    /**
     * Feast refuses requests whose output names collide (FeatureNameCollisionError) — its clients
     * key the response by name. Freshet answers 200 with "txn_count_5m" twice in feature_names,
     * so OnlineResponse.to_dict() and any name-keyed client silently keep only one column.
     */
    @Test
    void feastCollidingFeatureNamesAreRefused() throws Exception {
        startFraud();
        // consequence: a duplicated column name in metadata.feature_names; name-keyed clients lose a column silently
        HttpResponse<String> r = post("/get-online-features",
                "{\"features\":[\"card_txn:txn_count_5m\",\"card_txn:txn_count_1h\",\"card_txn:txn_count_5m\"],\"entities\":{\"card_id\":[\"c1\"]}}");
        if (r.statusCode() == 200) {
            JsonNode names = json.readTree(r.body()).get("metadata").get("feature_names");
            List<String> list = new ArrayList<>();
            names.forEach(n -> list.add(n.asText()));
            assertEquals(list.size(), new HashSet<>(list).size(), "duplicate names in feature_names: " + list);
        } else {
            assertEquals(400, r.statusCode(), r.body());
        }
    }

    /**
     * Names collide when a feature is asked twice (here once through {@code view:*}) and, without
     * full_feature_names, when two views have a feature of the same name: 400 naming the duplicate
     * and pointing at the reference that repeats it. With full names the two views' features are
     * told apart and served.
     */
    @Test
    void feastCollisionsNameTheDuplicateAndPointAtItsReference() throws Exception {
        startExtended();
        HttpResponse<String> twice = post("/get-online-features",
                "{\"features\":[\"card_txn:*\",\"card_txn:txn_count_5m\"],\"entities\":{\"card_id\":[\"c1\"]},\"full_feature_names\":true}");
        assertEquals(400, twice.statusCode(), twice.body());
        JsonNode problem = json.readTree(twice.body());
        assertEquals("/features/1", problem.get("pointer").asText(), twice.body());
        assertTrue(problem.get("detail").asText().contains("card_txn__txn_count_5m"), twice.body());

        String twoViews = "{\"features\":[\"card_txn:txn_count_1h\",\"card_merchant_txn:txn_count_1h\"],"
                + "\"entities\":{\"card_id\":[\"c1\"],\"merchant_id\":[\"m1\"]},\"full_feature_names\":%s}";
        HttpResponse<String> bare = post("/get-online-features", twoViews.formatted("false"));
        assertEquals(400, bare.statusCode(), bare.body());
        assertEquals("/features/1", json.readTree(bare.body()).get("pointer").asText(), bare.body());
        assertTrue(json.readTree(bare.body()).get("detail").asText().contains("full_feature_names"), bare.body());
        HttpResponse<String> full = post("/get-online-features", twoViews.formatted("true"));
        assertEquals(200, full.statusCode(), full.body());
        assertEquals("[\"card_id\",\"merchant_id\",\"card_txn__txn_count_1h\",\"card_merchant_txn__txn_count_1h\"]",
                json.readTree(full.body()).get("metadata").get("feature_names").toString(), full.body());
    }

    /**
     * Errors about one entity value of a Feast request carry the pointer "/entities/*&#47;0/card_id"
     * — not a JSON pointer into the body (no member "*"; the body is column-oriented:
     * /entities/card_id/0).
     */
    @Test
    void feastEntityErrorPointsIntoTheRequestBody() throws Exception {
        startFraud();
        // consequence: problem+json "pointer" names no location in the request the client sent
        HttpResponse<String> r = post("/get-online-features",
                "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":{\"card_id\":[\"ok\",5]}}");
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("/entities/card_id/1", json.readTree(r.body()).get("pointer").asText(), r.body());
    }

    /** A join key or request field missing from a Feast request is a missing column: the pointer is /entities. */
    @Test
    void feastMissingColumnPointsAtTheEntities() throws Exception {
        startFraud();
        HttpResponse<String> r = post("/get-online-features",
                "{\"features\":[\"card_txn:txn_count_5m\"],\"entities\":{\"merchant_id\":[\"m1\"]}}");
        assertEquals(400, r.statusCode(), r.body());
        JsonNode problem = json.readTree(r.body());
        assertEquals("/entities", problem.get("pointer").asText(), r.body());
        assertTrue(problem.get("detail").asText().contains("card_id"), r.body());
    }

    /**
     * Feast lists the join-key columns in the order the request's "entities" gives them
     * (it iterates the request's entity columns). For a composite key sent as
     * {"merchant_id": [...], "card_id": [...]} Freshet lists them in the entity's declared order.
     */
    @Test
    void feastJoinKeyColumnsFollowTheRequestOrder() throws Exception {
        startExtended();
        // consequence: index-based Feast clients read card_id values under the merchant_id column and vice versa
        HttpResponse<String> r = post("/get-online-features",
                "{\"features\":[\"card_merchant_txn:pair_count_1h\"],\"entities\":{\"merchant_id\":[\"m1\"],\"card_id\":[\"c1\"]}}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("[\"merchant_id\",\"card_id\",\"pair_count_1h\"]",
                json.readTree(r.body()).get("metadata").get("feature_names").toString(), r.body());
    }
}
