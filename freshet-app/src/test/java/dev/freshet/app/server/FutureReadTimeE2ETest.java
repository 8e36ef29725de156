package dev.freshet.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** A read_time after the server's clock, through a real server on a free port. */
class FutureReadTimeE2ETest extends ServerE2ETestBase {

    /**
     * A read at a future read_time omits events that are held (future-dated, within
     * max_future_skew) although their event time is before read_time; once the clock reaches
     * that time the same read counts them. The same (entity, read_time) gets two answers.
     */
    @Test
    void futureReadTimeAnswersWhatTheServerWillAnswerAtThatTime() throws Exception {
        startFraud();
        ingest(txn("fut", "m1", 5, T0 + 30_000)); // held: 30 s ahead, within the 1-minute skew
        String req = "{\"features\":[\"card_txn:txn_count_lifetime\"],\"entities\":[{\"card_id\":\"fut\"}],\"read_time\":%d}";
        HttpResponse<String> early = post("/v1/features", req.formatted(T0 + 60_000));
        assertEquals(200, early.statusCode(), early.body());
        clock.set(T0 + 60_000);
        server.engine().advanceClock();
        HttpResponse<String> atTime = post("/v1/features", req.formatted(T0 + 60_000));
        assertEquals(200, atTime.statusCode(), atTime.body());
        // consequence: a "later" read_time silently leaves out events that belong in its window
        assertEquals(json.readTree(atTime.body()).get("results").get(0).get("values").toString(),
                json.readTree(early.body()).get("results").get(0).get("values").toString(),
                "read at " + (T0 + 60_000) + " before vs after the clock got there");
    }
}
