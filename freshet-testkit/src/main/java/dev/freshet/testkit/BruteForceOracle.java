package dev.freshet.testkit;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The reference semantics of DESIGN §3, by brute force: for every query it scans the raw events
 * again. Slow on purpose and written without any production code, so the fast tiled paths can be
 * checked against it.
 *
 * <p>An event is visible at read time {@code t} when it was accepted (not late in arrival order),
 * arrived at or before {@code t} ({@code available_at <= t}) and has {@code event_time < t}.
 * Time arithmetic (window bounds, watermarks, session gaps) is exact over the whole {@code long}
 * range: it is done in {@link BigInteger}, never in wrapping {@code long} arithmetic.
 *
 * <p>approx_percentile yields the exact lower quantile ({@link Quantiles#lower}); the sketch's
 * answer is compared with it by {@link Quantiles#withinRelativeAccuracy}.
 */
public final class BruteForceOracle {
    private final int keyIndex;
    private final int eventTimeIndex;

    public BruteForceOracle(int keyIndex, int eventTimeIndex) {
        this.keyIndex = keyIndex;
        this.eventTimeIndex = eventTimeIndex;
    }

    /** Events not dropped as late: judged in arrival order against max event time seen - lateness. */
    public List<TestEvent> accepted(List<TestEvent> arrivalOrder, long allowedLateness) {
        List<TestEvent> out = new ArrayList<>();
        long max = Long.MIN_VALUE;
        for (TestEvent e : arrivalOrder) {
            Object et = e.get(eventTimeIndex);
            if (et == null || e.get(keyIndex) == null) {
                continue;
            }
            long ts = (Long) et;
            // late: ts < max - lateness, exactly (max - lateness may lie below Long.MIN_VALUE)
            if (max != Long.MIN_VALUE && big(ts).compareTo(difference(max, allowedLateness)) < 0) {
                continue;
            }
            max = Math.max(max, ts);
            out.add(e);
        }
        return out;
    }

    private long time(TestEvent e) {
        return (Long) e.get(eventTimeIndex);
    }

    /** Evaluates one feature for one key at read time t over the accepted events. */
    public Expected evaluate(OracleFeature f, List<TestEvent> accepted, Object key, long t) {
        List<TestEvent> visible = new ArrayList<>();
        for (TestEvent e : accepted) {
            if (Objects.equals(e.get(keyIndex), key) && e.arrival() <= t && time(e) < t) {
                visible.add(e);
            }
        }
        visible.sort(Comparator.comparingLong(this::time).thenComparingLong(TestEvent::seq));
        List<TestEvent> window = switch (f.window()) {
            case "lifetime" -> visible;
            case "hopping" -> {
                BigInteger lo = windowStart(t, f.size(), f.hop());
                List<TestEvent> w = new ArrayList<>();
                for (TestEvent e : visible) {
                    if (big(time(e)).compareTo(lo) >= 0) {
                        w.add(e);
                    }
                }
                yield w;
            }
            case "session" -> lastSession(visible, f.size(), t);
            default -> throw new IllegalArgumentException(f.window());
        };
        boolean has = !window.isEmpty();
        long ts = has ? time(window.get(window.size() - 1)) : Long.MIN_VALUE;
        List<TestEvent> passing = new ArrayList<>();
        for (TestEvent e : window) {
            boolean filterOk = f.filterIndex() < 0 || Boolean.TRUE.equals(e.get(f.filterIndex()));
            boolean inputOk = f.function().equals("count") || f.inputIndex() < 0 || e.get(f.inputIndex()) != null;
            if (filterOk && inputOk) {
                passing.add(e);
            }
        }
        String absent = has ? "NULL_VALUE" : "NOT_FOUND";
        List<Object> values = new ArrayList<>();
        for (TestEvent e : passing) {
            values.add(f.inputIndex() < 0 ? null : e.get(f.inputIndex()));
        }
        return switch (f.function()) {
            case "count" -> Expected.present((long) passing.size(), ts);
            case "sum" -> {
                if (f.integral()) {
                    long s = 0;
                    for (Object v : values) {
                        s += (Long) v;
                    }
                    yield Expected.present(s, ts);
                }
                double s = 0;
                for (Object v : values) {
                    s += num(v);
                }
                yield Expected.present(s, ts);
            }
            case "avg" -> {
                if (values.isEmpty()) {
                    yield Expected.absent(absent, ts);
                }
                double s = 0;
                for (Object v : values) {
                    s += num(v);
                }
                yield Expected.present(s / values.size(), ts);
            }
            case "min", "max" -> {
                if (values.isEmpty()) {
                    yield Expected.absent(absent, ts);
                }
                boolean max = f.function().equals("max");
                Object best = values.getFirst();
                for (Object v : values) {
                    int c = Double.compare(num(v), num(best));
                    if (max ? c > 0 : c < 0) {
                        best = v;
                    }
                }
                yield Expected.present(best, ts);
            }
            case "stddev", "variance", "stddev_pop", "variance_pop" -> {
                boolean sample = !f.function().endsWith("_pop");
                int n = values.size();
                if (n == 0 && !has) {
                    yield Expected.absent("NOT_FOUND", ts);
                }
                if (sample ? n < 2 : n < 1) {
                    yield Expected.absent("NULL_VALUE", ts);
                }
                double mean = 0;
                for (Object v : values) {
                    mean += num(v);
                }
                mean /= n;
                double ss = 0;
                for (Object v : values) {
                    ss += (num(v) - mean) * (num(v) - mean);
                }
                double var = ss / (sample ? n - 1 : n);
                yield Expected.present(f.function().startsWith("stddev") ? Math.sqrt(var) : var, ts);
            }
            case "first", "last" -> {
                if (passing.isEmpty()) {
                    yield Expected.absent(absent, ts);
                }
                TestEvent e = f.function().equals("first") ? passing.getFirst() : passing.getLast();
                yield Expected.present(e.get(f.inputIndex()), time(e));
            }
            case "last_n" -> {
                if (passing.isEmpty()) {
                    yield Expected.absent(absent, ts);
                }
                List<Object> recent = new ArrayList<>();
                for (int i = passing.size() - 1; i >= 0 && recent.size() < f.n(); i--) {
                    recent.add(passing.get(i).get(f.inputIndex()));
                }
                yield Expected.present(recent, time(passing.getLast()));
            }
            case "count_distinct", "approx_count_distinct" -> {
                Set<Object> distinct = new HashSet<>();
                for (Object v : values) {
                    distinct.add(v instanceof Double d && d == 0.0 ? (Object) 0.0 : v); // -0.0 == 0.0: one value
                }
                yield Expected.present((long) distinct.size(), ts);
            }
            case "approx_percentile" -> {
                if (values.isEmpty()) {
                    yield Expected.absent(absent, ts);
                }
                double[] sorted = values.stream().mapToDouble(BruteForceOracle::num).sorted().toArray();
                yield Expected.present(Quantiles.lower(sorted, f.percentile()), ts);
            }
            case "top_k" -> {
                if (values.isEmpty()) {
                    yield Expected.absent(absent, ts);
                }
                Map<String, Long> freq = new HashMap<>();
                for (Object v : values) {
                    freq.merge(String.valueOf(v instanceof Double d && d == 0.0 ? (Object) 0.0 : v), 1L, Long::sum);
                }
                List<String> items = new ArrayList<>(freq.keySet());
                items.sort(Comparator.<String>comparingLong(s -> -freq.get(s)).thenComparing(Comparator.naturalOrder()));
                yield Expected.present(List.copyOf(items.subList(0, Math.min(f.k(), items.size()))), ts);
            }
            default -> throw new IllegalArgumentException("unknown function " + f.function());
        };
    }

    private List<TestEvent> lastSession(List<TestEvent> sorted, long gap, long t) {
        if (sorted.isEmpty()) {
            return List.of();
        }
        int start = sorted.size() - 1;
        while (start > 0 && difference(time(sorted.get(start)), time(sorted.get(start - 1))).compareTo(big(gap)) <= 0) {
            start--;
        }
        long last = time(sorted.getLast());
        if (big(last).compareTo(difference(t, gap)) < 0) {
            return List.of();
        }
        return sorted.subList(start, sorted.size());
    }

    /** {@code lo(t) = ceil(t / H) * H - W} of DESIGN §3, exactly (it may lie outside the long range). */
    static BigInteger windowStart(long t, long size, long hop) {
        BigInteger h = big(hop);
        BigInteger[] qr = big(t).divideAndRemainder(h); // quotient truncated toward zero
        BigInteger ceil = qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
        return ceil.multiply(h).subtract(big(size));
    }

    /** {@code a - b}, exactly. */
    private static BigInteger difference(long a, long b) {
        return big(a).subtract(big(b));
    }

    private static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }

    private static double num(Object v) {
        return ((Number) v).doubleValue();
    }
}
