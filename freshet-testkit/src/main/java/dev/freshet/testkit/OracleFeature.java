package dev.freshet.testkit;

/**
 * A feature as the brute-force oracle understands it: deliberately independent of the production
 * plan classes so the oracle cannot share their bugs.
 *
 * @param function    lower-case function name as in YAML (count, sum, avg, ..., top_k)
 * @param window      "hopping", "session" or "lifetime" (tumbling = hopping with hop = size)
 * @param size        window size (hopping) or gap (session), ms
 * @param hop         hop (hopping), ms
 * @param inputIndex  schema index of the input field, or -1
 * @param filterIndex schema index of a bool field used as filter, or -1
 * @param integral    input is int64 (sum/min/max/first/last keep longs)
 * @param n           last_n size
 * @param k           top_k size
 * @param percentile  approx_percentile quantile q (the oracle answers the exact lower quantile, rank floor(q·(n−1)))
 */
public record OracleFeature(String function, String window, long size, long hop, int inputIndex, int filterIndex,
                            boolean integral, int n, int k, double percentile) {
}
