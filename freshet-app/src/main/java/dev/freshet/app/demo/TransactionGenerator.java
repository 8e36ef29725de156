package dev.freshet.app.demo;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * A realistic card-transaction stream for the fraud demo: a card population with home locations
 * and typical spend, merchants, log-normal amounts and a few currencies, plus injected fraud
 * patterns — bursts (a card used many times within seconds), impossible travel (a transaction
 * thousands of km from the previous one minutes later) and unusual amounts (20-50x the card's
 * typical spend). Deterministic for a seed. Produces NDJSON bodies in the `transactions` schema.
 */
public final class TransactionGenerator {
    /** Kinds of generated transaction, for the demo's tallies. */
    public enum Kind { NORMAL, BURST, IMPOSSIBLE_TRAVEL, UNUSUAL_AMOUNT }

    /** Transactions in one burst: far above a card's few transactions in 5 minutes at a realistic per-card rate. */
    static final int BURST_MIN = 30;
    static final int BURST_MAX = 59;

    /** A card and where its latest generated transaction took place. */
    public record CardLocation(String card, Kind fraud, double lat, double lon) {
    }

    private static final String[] CURRENCIES = {"USD", "USD", "USD", "USD", "EUR", "GBP", "JPY"};
    private static final double[][] CITIES = {
            {40.71, -74.01}, {34.05, -118.24}, {51.51, -0.13}, {48.86, 2.35}, {35.68, 139.69},
            {-33.87, 151.21}, {52.52, 13.40}, {19.43, -99.13}, {-23.55, -46.63}, {1.35, 103.82}};

    private final SplittableRandom random;
    /** Number of cards; a card's id is computed from its index (a large population needs no strings kept). */
    private final int cardCount;
    private final double[] homeLat;
    private final double[] homeLon;
    /** Index in {@link #CITIES} of each card's home city. */
    private final int[] homeCity;
    private final double[] typicalSpend;
    private final int merchants;
    private final long[] tallies = new long[Kind.values().length];
    private int burstCard = -1;
    private int burstLeft;
    /** The card fraud was last injected into (-1: none yet), the kind, and that card's latest transaction location. */
    private int fraudCard = -1;
    private Kind fraudKind = Kind.NORMAL;

    public TransactionGenerator(int cards, int merchants, long seed) {
        this.random = new SplittableRandom(seed);
        this.cardCount = cards;
        this.homeLat = new double[cards];
        this.homeLon = new double[cards];
        this.homeCity = new int[cards];
        this.typicalSpend = new double[cards];
        this.merchants = merchants;
        for (int i = 0; i < cards; i++) {
            homeCity[i] = random.nextInt(CITIES.length);
            double[] city = CITIES[homeCity[i]];
            homeLat[i] = city[0] + random.nextGaussian() * 0.2;
            homeLon[i] = city[1] + random.nextGaussian() * 0.2;
            typicalSpend[i] = Math.exp(random.nextGaussian() * 0.6 + 3.3);
        }
    }

    public String card(int i) {
        return appendCard(new StringBuilder(12), i).toString();
    }

    public int cards() {
        return cardCount;
    }

    /** Appends "card-" and {@code i} zero-padded to 6 digits (as {@code String.format("card-%06d", i)}). */
    private StringBuilder appendCard(StringBuilder sb, int i) {
        if (i < 0 || i >= cardCount) {
            throw new IndexOutOfBoundsException("card " + i + " of " + cardCount);
        }
        sb.append("card-");
        for (int p = 100_000; p > 1 && i < p; p /= 10) {
            sb.append('0');
        }
        return sb.append(i);
    }

    /**
     * Injected fraud counts: bursts are counted once each (when one starts), impossible travel and
     * unusual amounts per transaction.
     */
    public long tally(Kind k) {
        return tallies[k.ordinal()];
    }

    /**
     * The card fraud was last injected into, at its home: asked from there, its
     * {@code distance_from_last_txn_km} says how far its latest transaction is from where it usually
     * pays (thousands of km after impossible travel, a few km otherwise); empty before any fraud.
     */
    public java.util.Optional<CardLocation> lastFraud() {
        return fraudCard < 0 ? java.util.Optional.empty()
                : java.util.Optional.of(new CardLocation(card(fraudCard), fraudKind, homeLat[fraudCard], homeLon[fraudCard]));
    }

    /** Card {@code i} at its home location (where its ordinary transactions take place). */
    public CardLocation home(int i) {
        return new CardLocation(card(i), Kind.NORMAL, homeLat[i], homeLon[i]);
    }

    /** Appends {@code n} events with event times spread just before {@code nowMillis} as NDJSON. */
    public byte[] ndjson(int n, long nowMillis) {
        StringBuilder sb = new StringBuilder(n * 170);
        for (int i = 0; i < n; i++) {
            appendEvent(sb, nowMillis - random.nextLong(0, 250));
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void appendEvent(StringBuilder sb, long eventTime) {
        Kind kind = Kind.NORMAL;
        boolean burstStarts = false;
        int c;
        if (burstLeft > 0) {
            c = burstCard;
            burstLeft--;
            kind = Kind.BURST;
        } else {
            c = random.nextInt(cardCount);
            int roll = random.nextInt(1000);
            if (roll < 1) {
                burstCard = c;
                burstLeft = BURST_MIN - 1 + random.nextInt(BURST_MAX - BURST_MIN + 1); // this one and burstLeft more
                kind = Kind.BURST;
                burstStarts = true;
            } else if (roll < 3) {
                kind = Kind.IMPOSSIBLE_TRAVEL;
            } else if (roll < 5) {
                kind = Kind.UNUSUAL_AMOUNT;
            }
        }
        double lat = homeLat[c] + random.nextGaussian() * 0.05;
        double lon = homeLon[c] + random.nextGaussian() * 0.05;
        double amount = Math.exp(Math.log(typicalSpend[c]) + random.nextGaussian() * 0.5);
        if (kind == Kind.IMPOSSIBLE_TRAVEL) {
            int other = random.nextInt(CITIES.length - 1); // any city but the card's home
            double[] far = CITIES[other < homeCity[c] ? other : other + 1];
            lat = far[0] + random.nextGaussian() * 0.1;
            lon = far[1] + random.nextGaussian() * 0.1;
        } else if (kind == Kind.UNUSUAL_AMOUNT) {
            amount = typicalSpend[c] * (20 + random.nextDouble() * 30);
        }
        // a burst counts once, when it starts; the other kinds are one transaction each
        if (kind != Kind.BURST || burstStarts) {
            tallies[kind.ordinal()]++;
        }
        if ((kind != Kind.NORMAL && kind != Kind.BURST) || burstStarts) {
            fraudCard = c;
            fraudKind = kind;
        }
        appendCard(sb.append("{\"card_id\":\""), c)
                .append("\",\"merchant_id\":\"m-").append(random.nextInt(merchants))
                .append("\",\"amount\":").append(Math.round(amount * 100) / 100.0)
                .append(",\"currency\":\"").append(CURRENCIES[random.nextInt(CURRENCIES.length)])
                .append("\",\"lat\":").append(Math.round(lat * 1e5) / 1e5)
                .append(",\"lon\":").append(Math.round(lon * 1e5) / 1e5)
                .append(",\"event_time\":").append(eventTime).append("}\n");
    }
}
