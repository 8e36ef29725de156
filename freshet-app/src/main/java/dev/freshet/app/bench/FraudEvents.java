package dev.freshet.app.bench;

import dev.freshet.engine.EventBatch;
import dev.freshet.model.spec.Schema;
import java.util.SplittableRandom;

/**
 * Pre-built synthetic card transactions for benchmarks: a fixed card population, merchants,
 * log-normal amounts, a few currencies, locations clustered per card, event times advancing at a
 * steady rate with a few seconds of out-of-orderness. Key choice is uniform or Zipf-skewed (s = 1.1),
 * since real card traffic is skewed and hot keys stay in cache.
 */
public final class FraudEvents {
    private static final String[] CURRENCIES = {"USD", "USD", "USD", "EUR", "GBP", "JPY"};

    private FraudEvents() {
    }

    /** Card ids as used by the generator: {@code card-000042}. */
    public static String[] cardIds(int cards) {
        String[] ids = new String[cards];
        for (int i = 0; i < cards; i++) {
            ids[i] = String.format("card-%06d", i);
        }
        return ids;
    }

    /**
     * Builds {@code events} events spread over {@code spanMillis} of event time starting at {@code start}.
     *
     * @param zipf skew key choice (Zipf s = 1.1) instead of uniform
     */
    public static EventBatch build(Schema schema, int events, int cards, long start, long spanMillis, boolean zipf, long seed) {
        return build(schema, events, cardIds(cards), start, spanMillis, zipf, seed);
    }

    /** As {@link #build(Schema, int, int, long, long, boolean, long)} over the given card ids (from {@link #cardIds}). */
    public static EventBatch build(Schema schema, int events, String[] ids, long start, long spanMillis, boolean zipf, long seed) {
        int cards = ids.length;
        int card = schema.indexOf("card_id");
        int merchant = schema.indexOf("merchant_id");
        int amount = schema.indexOf("amount");
        int currency = schema.indexOf("currency");
        int lat = schema.indexOf("lat");
        int lon = schema.indexOf("lon");
        int eventTime = schema.indexOf("event_time");
        String[] merchants = new String[Math.max(100, cards / 10)];
        for (int i = 0; i < merchants.length; i++) {
            merchants[i] = "m-" + i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        double[] homeLat = new double[cards];
        double[] homeLon = new double[cards];
        for (int i = 0; i < cards; i++) {
            homeLat[i] = r.nextDouble(-60, 70);
            homeLon[i] = r.nextDouble(-180, 180);
        }
        ZipfSampler sampler = zipf ? new ZipfSampler(cards, 1.1) : null;
        EventBatch batch = new EventBatch(schema, events);
        for (int i = 0; i < events; i++) {
            int c = sampler == null ? r.nextInt(cards) : sampler.sample(r);
            int row = batch.addRow();
            batch.setString(row, card, ids[c]);
            batch.setString(row, merchant, merchants[r.nextInt(merchants.length)]);
            batch.setDouble(row, amount, Math.round(Math.exp(r.nextGaussian() * 1.1 + 3.5) * 100) / 100.0);
            batch.setString(row, currency, CURRENCIES[r.nextInt(CURRENCIES.length)]);
            batch.setDouble(row, lat, homeLat[c] + r.nextGaussian() * 0.05);
            batch.setDouble(row, lon, homeLon[c] + r.nextGaussian() * 0.05);
            long t = start + (long) ((double) i / events * spanMillis) - r.nextLong(0, 3_000);
            batch.setLong(row, eventTime, t);
        }
        return batch;
    }

    /** Inverse-CDF Zipf sampler over ranks 0..n-1 (precomputed table, binary search). */
    static final class ZipfSampler {
        private final double[] cdf;

        ZipfSampler(int n, double s) {
            cdf = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += 1.0 / Math.pow(i + 1, s);
                cdf[i] = sum;
            }
            for (int i = 0; i < n; i++) {
                cdf[i] /= sum;
            }
        }

        int sample(SplittableRandom r) {
            double u = r.nextDouble();
            int lo = 0;
            int hi = cdf.length - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cdf[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }
}
