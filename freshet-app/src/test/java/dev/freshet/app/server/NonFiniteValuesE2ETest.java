package dev.freshet.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * A value that is not a finite number — NaN from an on-demand 0.0 / 0.0, infinity from a sum that
 * overflows — has no JSON form and is no value: both feature endpoints serve it as null with status
 * NULL_VALUE (DESIGN §3: an absent value is never faked).
 */
class NonFiniteValuesE2ETest extends ServerE2ETestBase {

    /** Added to a copy of examples/fraud: an on-demand ratio. */
    static final String ON_DEMAND_RATIO_YAML = """
            kind: on_demand_feature
            name: avg_amount_1h_od
            type: float64
            description: hourly average amount, computed on demand
            features:
              - card_txn:amount_sum_1h
              - card_txn:txn_count_1h
            expression: card_txn__amount_sum_1h / double(card_txn__txn_count_1h)
            """;

    void startExtended() throws IOException {
        startFraudWith(ON_DEMAND_RATIO_YAML);
    }

    /**
     * An on-demand ratio over an empty window (0.0 / 0.0) is NaN; it is served with status
     * PRESENT as the JSON *string* "NaN" in a float64 column (the same happens to a sum that
     * overflows to "Infinity"). DESIGN §3: empty windows are absent with NOT_FOUND/NULL_VALUE,
     * never a fake value.
     */
    @Test
    void onDemandNaNIsNotServedAsAPresentString() throws Exception {
        startExtended();
        // consequence: a model gets the string "NaN" labelled PRESENT for a new card instead of a null/NULL_VALUE
        HttpResponse<String> r = post("/v1/features", "{\"features\":[\"avg_amount_1h_od\"],\"entities\":[{\"card_id\":\"new-card\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode row = json.readTree(r.body()).get("results").get(0);
        JsonNode value = row.get("values").get(0);
        String status = row.get("statuses").get(0).asText();
        assertTrue(value.isNull() || (value.isNumber() && Double.isFinite(value.asDouble())),
                "float64 value must be a finite number or null, got " + value + " with status " + status);
    }

    /** Two amounts near the largest double sum to infinity: null with NULL_VALUE on both endpoints. */
    @Test
    void anOverflowingSumIsNullWithNullValueOnBothEndpoints() throws Exception {
        startExtended();
        String event = "{\"card_id\":\"big\",\"merchant_id\":\"m1\",\"amount\":1e308,\"currency\":\"USD\",\"lat\":40.7,\"lon\":-74.0,"
                + "\"event_time\":" + (T0 - 1000) + "}";
        HttpResponse<String> ingested = post("/v1/sources/transactions/events?wait=applied", "[" + event + "," + event + "]");
        assertEquals(200, ingested.statusCode(), ingested.body());

        HttpResponse<String> nativeRead = post("/v1/features",
                "{\"features\":[\"card_txn:amount_sum_1h\",\"avg_amount_1h_od\"],\"entities\":[{\"card_id\":\"big\"}]}");
        assertEquals(200, nativeRead.statusCode(), nativeRead.body());
        JsonNode row = json.readTree(nativeRead.body()).get("results").get(0);
        assertEquals("[null,null]", row.get("values").toString(), nativeRead.body());
        assertEquals("[\"NULL_VALUE\",\"NULL_VALUE\"]", row.get("statuses").toString(), nativeRead.body());

        HttpResponse<String> feast = post("/get-online-features",
                "{\"features\":[\"card_txn:amount_sum_1h\"],\"entities\":{\"card_id\":[\"big\"]}}");
        assertEquals(200, feast.statusCode(), feast.body());
        JsonNode column = json.readTree(feast.body()).get("results").get(1);
        assertEquals("[null]", column.get("values").toString(), feast.body());
        assertEquals("[\"NULL_VALUE\"]", column.get("statuses").toString(), feast.body());
    }
}
