package dev.freshet.app.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.testkit.Seeds;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The per-view freshness histograms as Prometheus scrapes them: every bucket, the count and the sum
 * equal a brute-force count of the recorded lags, for every view of the source, whatever the chunks.
 */
class FreshnessMetricsTest {

    static LongStream seeds() {
        return Seeds.of(2026_11_27, 20);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void scrapedBucketsCountAndSumMatchTheRecordedLags(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        FreshnessMetrics metrics = new FreshnessMetrics(Map.of("txn", List.of("card_txn", "merchant_txn"), "other", List.of("o")));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics.bind(registry);
        int n = r.nextInt(1, 3_000);
        long[] acceptLags = new long[n];
        long[] eventLags = new long[n];
        for (int from = 0; from < n; ) {
            int k = Math.min(n - from, r.nextInt(1, 300));
            long visibleAt = 1_800_000_000_000L + r.nextLong(0, 1_000_000);
            long[] accept = new long[k + 5]; // longer arrays than the count: only count entries are events
            long[] event = new long[k + 5];
            long sharedAccept = visibleAt - lag(r);
            for (int i = 0; i < k; i++) {
                accept[i] = r.nextInt(4) == 0 ? visibleAt - lag(r) : sharedAccept;
                event[i] = visibleAt - lag(r);
                acceptLags[from + i] = Math.max(0, visibleAt - accept[i]);
                eventLags[from + i] = Math.max(0, visibleAt - event[i]);
            }
            metrics.visible("txn", visibleAt, accept, event, k);
            from += k;
        }
        String scrape = registry.scrape();
        for (String view : List.of("card_txn", "merchant_txn")) {
            assertHistogram(scrape, "freshet_freshness_accept_to_visible_seconds", view, acceptLags);
            assertHistogram(scrape, "freshet_freshness_event_to_visible_seconds", view, eventLags);
        }
        assertHistogram(scrape, "freshet_freshness_event_to_visible_seconds", "o", new long[0]);
    }

    /** Lags of every magnitude: exact bucket bounds, sub-bound values, hours, and negative (clock skew). */
    private static long lag(SplittableRandom r) {
        return switch (r.nextInt(5)) {
            case 0 -> LagHistogram.BOUNDS_MS[r.nextInt(LagHistogram.BOUNDS_MS.length)];
            case 1 -> -r.nextLong(1, 5_000);
            case 2 -> r.nextLong(3_600_001, 10_000_000);
            default -> (long) Math.pow(10, r.nextDouble(0, 6));
        };
    }

    private static void assertHistogram(String scrape, String name, String view, long[] lags) {
        for (long bound : LagHistogram.BOUNDS_MS) {
            long expected = LongStream.of(lags).filter(l -> l <= bound).count();
            String le = String.format(Locale.ROOT, "%s", bound / 1000.0);
            assertEquals(expected, value(scrape, name + "_bucket\\{view=\"" + view + "\",le=\"" + Pattern.quote(le) + "\"\\}"),
                    name + " bucket le=" + le + " view " + view);
        }
        assertEquals(lags.length, value(scrape, name + "_bucket\\{view=\"" + view + "\",le=\"\\+Inf\"\\}"), name + " +Inf");
        assertEquals(lags.length, value(scrape, name + "_count\\{view=\"" + view + "\"\\}"), name + " count");
        double sum = LongStream.of(lags).sum() / 1000.0;
        Matcher m = Pattern.compile("(?m)^" + name + "_sum\\{view=\"" + view + "\"\\} (\\S+)$").matcher(scrape);
        assertTrue(m.find(), name + "_sum missing for " + view + ":\n" + scrape);
        assertEquals(sum, Double.parseDouble(m.group(1)), 1e-9 * Math.max(1, sum), name + " sum");
    }

    private static long value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(scrape);
        assertTrue(m.find(), series + " missing:\n" + scrape);
        return (long) Double.parseDouble(m.group(1));
    }

    @Test
    void perEventLagsWeighEachChunkByItsEventsFromBindOn() {
        FreshnessMetrics metrics = new FreshnessMetrics(Map.of("txn", List.of("card_txn")));
        metrics.eventsVisible("txn", 64, 5_000_000); // log replay at start-up
        metrics.bind(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        metrics.eventsVisible("txn", 64, 300_000);
        metrics.eventsVisible("txn", 36, 700_000);
        org.HdrHistogram.Histogram h = metrics.eventAcceptToVisible();
        assertEquals(100, h.getTotalCount());
        assertEquals(300_000, h.getValueAtPercentile(64), 300); // 3 significant digits
        assertEquals(700_000, h.getValueAtPercentile(65), 700);
        assertEquals(0, metrics.eventAcceptToVisible().getTotalCount(), "an interval histogram: reset by reading");
    }

    @Test
    void nothingIsRecordedBeforeBind() {
        FreshnessMetrics metrics = new FreshnessMetrics(Map.of("txn", List.of("card_txn")));
        metrics.visible("txn", 10_000, new long[] {9_000}, new long[] {8_000}, 1); // log replay at start-up
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics.bind(registry);
        metrics.visible("txn", 10_000, new long[] {9_990}, new long[] {9_900}, 1);
        String scrape = registry.scrape();
        assertEquals(1, value(scrape, "freshet_freshness_accept_to_visible_seconds_count\\{view=\"card_txn\"\\}"));
        assertFalse(scrape.contains("freshet_freshness_accept_to_visible_seconds_sum{view=\"card_txn\"} 1.0"), scrape);
    }
}
