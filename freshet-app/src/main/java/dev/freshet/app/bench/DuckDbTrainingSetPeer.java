package dev.freshet.app.bench;

import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.FeatureRef;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.OnDemandFeatureSpec;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.model.spec.WindowSpec;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.duckdb.DuckDBConnection;

/**
 * The peer of {@code freshet bench training-set}: the same point-in-time training set computed by
 * DuckDB SQL from the events in Parquet, generated from the feature definitions independently of
 * Freshet's code, and the comparison of the two outputs.
 *
 * <p>Formulation: one range join of the spine with the events of the same entity that are visible
 * at the row's time {@code T} ({@code event_time < T AND available_at <= T}), grouped by spine row,
 * with one filtered aggregate per feature: {@code lo(T) <= event_time} for a hopping window of
 * length W and hop H, where {@code lo(T) = ceil(T / H) * H - W} (DESIGN §3), and the feature's own
 * filter. {@code last}/{@code first} take the value of the greatest/least {@code (event_time, seq)},
 * {@code seq} being the arrival (log) order. A window-function formulation (RANGE frames over the
 * union of spine and events) cannot express {@code available_at <= T}: a frame is one interval of
 * one ordering column, and an event inside the event-time interval may not be visible yet; without
 * that condition it was also slower than the join (BENCHMARKS.md).
 *
 * <p>Approximate features are computed exactly — approx_count_distinct as {@code count(DISTINCT)},
 * approx_percentile as the lower percentile of the sorted values (of n values, the one of rank
 * {@code floor(p * (n - 1))}) — which was faster in DuckDB than its own sketches and gives a
 * reference to check Freshet's sketches against.
 *
 * <p>Statuses: count, count-distinct and sum are always PRESENT (0 on an empty window); every other
 * function is NOT_FOUND when the window holds no event of the entity and NULL_VALUE when it holds
 * events but the SQL aggregate is NULL (stddev of one value). On-demand {@code haversine_km(...)}
 * features use the same formula; NULL inputs give NULL_VALUE.
 *
 * <p>Comparison: counts, min/max and first/last exactly; sums, averages, standard deviations and
 * on-demand doubles within 1e-9 relative (absolute below 1), since summation order differs.
 * Sketch features are checked separately (not part of {@link Result#equal()}): approx_percentile
 * within its relative accuracy of the exact value, approx_count_distinct reported as error figures.
 */
final class DuckDbTrainingSetPeer {
    /** How a feature's values are compared. */
    enum Comparison {
        /** Equal values. */
        EXACT,
        /** Within {@link #TOLERANCE}. */
        TOLERANT,
        /** Against an exact reference, within the sketch's accuracy; not part of the equality verdict. */
        SKETCH,
        /** The peer cannot compute it. */
        NONE
    }

    /**
     * One output feature of the peer.
     *
     * @param valueSql          SQL over the grouped CTE's columns
     * @param relativeAccuracy  for approx_percentile, the sketch's relative accuracy; else null
     */
    record Feature(String name, String valueSql, String statusSql, Comparison comparison, Double relativeAccuracy) {
    }

    /** The outcome of comparing the two training sets. */
    record Result(long spineRows, long freshetRows, long peerRows, long matchedRows, Map<String, Long> mismatches,
                  List<String> compared, List<String> notCompared, Map<String, Map<String, Object>> sketches,
                  List<String> samples) {
        long totalMismatches() {
            return mismatches.values().stream().mapToLong(Long::longValue).sum()
                    + Math.abs(freshetRows - spineRows) + Math.abs(peerRows - spineRows) + (spineRows - matchedRows);
        }

        boolean equal() {
            return totalMismatches() == 0 && !compared.isEmpty();
        }

        /** Whether every approx_percentile value is within its accuracy and every sketch status agrees. */
        boolean sketchesWithinAccuracy() {
            return sketches.values().stream().allMatch(m -> (long) m.get("status_differs") == 0
                    && (!m.containsKey("within_relative_accuracy") || m.get("within_relative_accuracy").equals(m.get("both_present"))));
        }
    }

    /** A view feature as computed in the grouped CTE: its value and the count of the window's events. */
    private record Computed(String value, String windowCount) {
    }

    /** Relative tolerance of sums, averages, deviations (and absolute below 1). */
    static final double TOLERANCE = 1e-9;
    /** Mean earth radius (IUGG) in km, as documented for {@code haversine_km}. */
    private static final double EARTH_RADIUS_KM = 6371.0088;
    private static final Pattern FILTER = Pattern.compile(
            "\\s*([A-Za-z_]\\w*)\\s*(==|!=|<=|>=|<|>)\\s*('[^'\\\\]*'|\"[^\"\\\\]*\"|-?\\d+(?:\\.\\d+)?)\\s*");
    private static final Pattern HAVERSINE = Pattern.compile(
            "\\s*haversine_km\\(\\s*(\\w+)\\s*,\\s*(\\w+)\\s*,\\s*(\\w+)\\s*,\\s*(\\w+)\\s*\\)\\s*");

    private final String idColumn;
    private final List<String> joinKeys;
    private final List<String> requestFields;
    /** Distinct (window, hop) lower bounds: the SQL of each {@code lo} column of the spine CTE. */
    private final Map<String, String> lowerBounds = new LinkedHashMap<>();
    /** Aggregates of the grouped CTE, by column alias. */
    private final Map<String, String> aggregates = new LinkedHashMap<>();
    /** The requested features in output order. */
    private final List<Feature> features = new ArrayList<>();

    /**
     * @param requested   the requested features as {@code view:feature} or on-demand names
     * @param outputNames output column of each requested feature, same order
     * @param idColumn    a unique spine column identifying rows (the join key of the comparison)
     */
    DuckDbTrainingSetPeer(FeatureRepository repo, FeatureViewSpec view, SourceSpec source, List<String> requested,
            List<String> outputNames, String idColumn) {
        this.idColumn = idColumn;
        this.joinKeys = repo.entity(view.entity()).orElseThrow().joinKeys().stream().map(Field::name).toList();
        Map<String, Computed> viewColumns = new LinkedHashMap<>();
        for (AggregationSpec a : view.aggregations()) {
            viewColumns.put(a.name(), aggregate(a, source));
        }
        List<String> request = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            String ref = requested.get(i);
            String out = outputNames.get(i);
            int colon = ref.indexOf(FeatureRef.SEPARATOR);
            if (colon >= 0) {
                if (!ref.substring(0, colon).equals(view.name())) {
                    throw new IllegalArgumentException("the DuckDB peer computes features of view " + view.name() + " only: " + ref);
                }
                AggregationSpec a = view.aggregations().stream().filter(x -> x.name().equals(ref.substring(colon + 1)))
                        .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown feature " + ref));
                features.add(windowed(a, out, viewColumns.get(a.name())));
            } else {
                OnDemandFeatureSpec od = repo.onDemandFeature(ref)
                        .orElseThrow(() -> new IllegalArgumentException("unknown feature " + ref));
                features.add(onDemand(od, out, view, viewColumns, request));
            }
        }
        this.requestFields = List.copyOf(request);
    }

    /** Adds the aggregates of a view feature to the grouped CTE; null if the peer cannot compute it. */
    private Computed aggregate(AggregationSpec a, SourceSpec source) {
        boolean filtered = a.filter() != null && !a.filter().isBlank();
        String window = windowCondition(a.window());
        String filter = filtered ? filterSql(a.filter(), source) : null;
        String input = a.input() == null ? null : inputSql(a.input(), source);
        if (window == null || (filtered && filter == null) || (a.function() != AggregationFunction.COUNT && input == null)) {
            return null;
        }
        String where = window.equals("TRUE") ? filter : filter == null ? window : window + " AND " + filter;
        String f = where == null ? "" : " FILTER (WHERE " + where + ")";
        String sql = switch (a.function()) {
            case COUNT -> "count(e.seq)" + f;
            case SUM -> "coalesce(sum(" + input + ")" + f + ", 0)";
            case AVG -> "avg(" + input + ")" + f;
            case MIN -> "min(" + input + ")" + f;
            case MAX -> "max(" + input + ")" + f;
            case STDDEV -> "stddev_samp(" + input + ")" + f;
            case VARIANCE -> "var_samp(" + input + ")" + f;
            case STDDEV_POP -> "stddev_pop(" + input + ")" + f;
            case VARIANCE_POP -> "var_pop(" + input + ")" + f;
            case FIRST -> "arg_min(" + input + ", (e.event_time, e.seq))" + f;
            case LAST -> "arg_max(" + input + ", (e.event_time, e.seq))" + f;
            case COUNT_DISTINCT, APPROX_COUNT_DISTINCT -> "count(DISTINCT " + input + ")" + f;
            case APPROX_PERCENTILE -> "list(" + input + ") FILTER (WHERE " + (where == null ? "" : where + " AND ") + input
                    + " IS NOT NULL)";
            default -> null;
        };
        if (sql == null) {
            return null;
        }
        String alias = "v" + aggregates.size();
        aggregates.put(alias, sql);
        // Events of the entity in the window, whatever the filter: NOT_FOUND vs NULL_VALUE.
        String count = "count(e.seq)" + (window.equals("TRUE") ? "" : " FILTER (WHERE " + window + ")");
        String n = aggregates.entrySet().stream().filter(x -> x.getValue().equals(count)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
        if (n == null) {
            n = "n" + aggregates.size();
            aggregates.put(n, count);
        }
        String value = a.function() == AggregationFunction.APPROX_PERCENTILE
                // The lower percentile: of n values sorted ascending, the one of rank floor(p * (n - 1)).
                ? "list_sort(" + alias + ")[floor(" + a.params().percentile() + " * (len(" + alias + ") - 1))::BIGINT + 1]"
                : alias;
        return new Computed(value, n);
    }

    private static Feature windowed(AggregationSpec a, String out, Computed c) {
        if (c == null) {
            return new Feature(out, "NULL", "NULL", Comparison.NONE, null);
        }
        return switch (a.function()) {
            case COUNT, COUNT_DISTINCT -> new Feature(out, c.value(), "'PRESENT'", Comparison.EXACT, null);
            case SUM -> new Feature(out, c.value(), "'PRESENT'", Comparison.TOLERANT, null);
            case APPROX_COUNT_DISTINCT -> new Feature(out, c.value(), "'PRESENT'", Comparison.SKETCH, null);
            default -> new Feature(out, c.value(), "CASE WHEN " + c.windowCount() + " = 0 THEN 'NOT_FOUND' WHEN ("
                    + c.value() + ") IS NULL THEN 'NULL_VALUE' ELSE 'PRESENT' END", switch (a.function()) {
                        case MIN, MAX, FIRST, LAST -> Comparison.EXACT;
                        case APPROX_PERCENTILE -> Comparison.SKETCH;
                        default -> Comparison.TOLERANT;
                    }, a.function() == AggregationFunction.APPROX_PERCENTILE ? a.params().relativeAccuracy() : null);
        };
    }

    private static Feature onDemand(OnDemandFeatureSpec od, String out, FeatureViewSpec view, Map<String, Computed> viewColumns,
            List<String> request) {
        Matcher m = HAVERSINE.matcher(od.expression());
        if (!m.matches()) {
            return new Feature(out, "NULL", "NULL", Comparison.NONE, null);
        }
        String prefix = view.name() + FeatureRef.VARIABLE_SEPARATOR;
        String[] args = new String[4];
        for (int i = 0; i < 4; i++) {
            String name = m.group(i + 1);
            if (od.requestFields().containsKey(name)) {
                if (!request.contains(name)) {
                    request.add(name);
                }
                args[i] = "r_" + name;
            } else if (name.startsWith(prefix) && viewColumns.get(name.substring(prefix.length())) != null) {
                args[i] = "(" + viewColumns.get(name.substring(prefix.length())).value() + ")";
            } else {
                return new Feature(out, "NULL", "NULL", Comparison.NONE, null);
            }
        }
        // Same operation order as Freshet's haversine_km. (No least(): DuckDB's ignores NULLs.)
        String a = "sin(radians(" + args[2] + " - " + args[0] + ") / 2) * sin(radians(" + args[2] + " - " + args[0] + ") / 2)"
                + " + cos(radians(" + args[0] + ")) * cos(radians(" + args[2] + "))"
                + " * sin(radians(" + args[3] + " - " + args[1] + ") / 2) * sin(radians(" + args[3] + " - " + args[1] + ") / 2)";
        String value = "2 * " + EARTH_RADIUS_KM + " * asin(CASE WHEN sqrt(" + a + ") > 1.0 THEN 1.0 ELSE sqrt(" + a + ") END)";
        return new Feature(out, value, "CASE WHEN (" + value + ") IS NULL THEN 'NULL_VALUE' ELSE 'PRESENT' END",
                Comparison.TOLERANT, null);
    }

    /** {@code lo(T) <= event_time} over the spine CTE's lower-bound column; TRUE for lifetime, null if unsupported. */
    private String windowCondition(WindowSpec w) {
        long size;
        long hop;
        switch (w) {
            case WindowSpec.Lifetime _ -> {
                return "TRUE";
            }
            case WindowSpec.Hopping h -> {
                size = h.size().toMillis();
                hop = (h.hop() == null ? WindowSpec.defaultHop(h.size()) : h.hop()).toMillis();
            }
            case WindowSpec.Tumbling t -> {
                size = t.size().toMillis();
                hop = size;
            }
            case WindowSpec.Session _ -> {
                return null;
            }
        }
        // lo(T) = ceil(T / H) * H - W, in integer arithmetic (T >= 0).
        String sql = "(t + " + (hop - 1) + ") // " + hop + " * " + hop + " - " + size;
        String name = lowerBounds.entrySet().stream().filter(x -> x.getValue().equals(sql)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
        if (name == null) {
            name = "lo" + lowerBounds.size();
            lowerBounds.put(name, sql);
        }
        return "e.event_time >= s." + name;
    }

    /** A CEL comparison of a field with a literal as SQL, or null if it is anything else. */
    private static String filterSql(String cel, SourceSpec source) {
        Matcher m = FILTER.matcher(cel);
        if (!m.matches() || source.schema().indexOf(m.group(1)) < 0) {
            return null;
        }
        String op = m.group(2).equals("==") ? "=" : m.group(2);
        String literal = m.group(3).startsWith("\"") ? "'" + m.group(3).substring(1, m.group(3).length() - 1) + "'" : m.group(3);
        return "e." + ident(m.group(1)) + " " + op + " " + literal;
    }

    private static String inputSql(String input, SourceSpec source) {
        String f = input.strip();
        return source.schema().indexOf(f) < 0 ? null : "e." + ident(f);
    }

    /** The requested features in output order. */
    List<Feature> features() {
        return features;
    }

    /** The training-set query: spine and events from Parquet, result to {@code out} (Parquet, in spine id order). */
    String sql(Path events, Path spine, String timestampColumn, Path out) {
        StringBuilder q = new StringBuilder("COPY (\nWITH s AS (\n  SELECT *");
        for (Map.Entry<String, String> lo : lowerBounds.entrySet()) {
            q.append(",\n    ").append(lo.getValue()).append(" AS ").append(lo.getKey());
        }
        q.append("\n  FROM (SELECT ").append(ident(idColumn)).append(", ");
        for (String k : joinKeys) {
            q.append(ident(k)).append(", ");
        }
        for (String r : requestFields) {
            q.append(ident(r)).append(" AS r_").append(r).append(", ");
        }
        q.append("epoch_ms(").append(ident(timestampColumn)).append(") AS t FROM read_parquet(").append(literal(spine.toString()))
                .append("))\n),\ne AS (SELECT * FROM read_parquet(").append(literal(events.toString())).append(")),\n");
        q.append("a AS (\n  SELECT s.").append(ident(idColumn));
        for (String r : requestFields) {
            q.append(", any_value(s.r_").append(r).append(") AS r_").append(r);
        }
        for (Map.Entry<String, String> agg : aggregates.entrySet()) {
            q.append(",\n    ").append(agg.getValue()).append(" AS ").append(agg.getKey());
        }
        q.append("\n  FROM s LEFT JOIN e ON ");
        for (String k : joinKeys) {
            q.append("e.").append(ident(k)).append(" = s.").append(ident(k)).append(" AND ");
        }
        q.append("e.event_time < s.t AND e.available_at <= s.t\n  GROUP BY s.").append(ident(idColumn)).append("\n)\n");
        q.append("SELECT ").append(ident(idColumn));
        for (Feature f : features) {
            q.append(",\n  ").append(f.valueSql()).append(" AS ").append(ident(f.name()))
                    .append(", ").append(f.statusSql()).append(" AS ").append(ident(f.name() + "__status"));
        }
        q.append("\nFROM a ORDER BY ").append(ident(idColumn)).append("\n) TO ").append(literal(out.toString()))
                .append(" (FORMAT parquet)");
        return q.toString();
    }

    /** Opens a private in-memory DuckDB with the given memory limit (null: DuckDB's default) and spill directory. */
    static DuckDBConnection open(String memoryLimit, Path temp) throws SQLException {
        DuckDBConnection c = DriverManager.getConnection("jdbc:duckdb:").unwrap(DuckDBConnection.class);
        try (Statement s = c.createStatement()) {
            s.execute("SET temp_directory = " + literal(temp.toString()));
            s.execute("SET TimeZone = 'UTC'");
            if (memoryLimit != null) {
                s.execute("SET memory_limit = " + literal(memoryLimit));
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Runs the training-set query in a fresh database and returns its wall time in seconds. */
    double run(Path events, Path spine, String timestampColumn, Path out, String memoryLimit, Path temp) throws SQLException {
        String sql = sql(events, spine, timestampColumn, out);
        try (DuckDBConnection c = open(memoryLimit, temp); Statement s = c.createStatement()) {
            long t0 = System.nanoTime();
            s.execute(sql);
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /** Compares Freshet's training set with the peer's, row by row on the id column (untimed). */
    Result compare(Path freshetOut, Path peerOut, long spineRows, Path temp, Consumer<String> log) throws SQLException {
        String id = ident(idColumn);
        List<Feature> compared = features.stream()
                .filter(f -> f.comparison() == Comparison.EXACT || f.comparison() == Comparison.TOLERANT).toList();
        StringBuilder q = new StringBuilder("SELECT count(f." + id + "), count(d." + id + "), count(f." + id + " + d." + id + ")");
        for (Feature f : compared) {
            q.append(",\n  count(*) FILTER (WHERE NOT coalesce(").append(equal(f)).append(", false))");
        }
        String from = " FROM read_parquet(" + literal(freshetOut.toString()) + ") f FULL OUTER JOIN read_parquet("
                + literal(peerOut.toString()) + ") d ON f." + id + " = d." + id;
        q.append(from);
        Map<String, Long> mismatches = new LinkedHashMap<>();
        Map<String, Map<String, Object>> sketches = new LinkedHashMap<>();
        List<String> samples = new ArrayList<>();
        long freshetRows;
        long peerRows;
        long matched;
        try (DuckDBConnection c = open(null, temp); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery(q.toString())) {
                r.next();
                freshetRows = r.getLong(1);
                peerRows = r.getLong(2);
                matched = r.getLong(3);
                for (int i = 0; i < compared.size(); i++) {
                    mismatches.put(compared.get(i).name(), r.getLong(4 + i));
                }
            }
            for (Feature f : compared) {
                if (mismatches.get(f.name()) != 0) {
                    samples.addAll(samples(s, f, from, id));
                }
            }
            samples.forEach(log);
            for (Feature f : features) {
                if (f.comparison() == Comparison.SKETCH) {
                    sketches.put(f.name(), sketch(s, f, from));
                }
            }
        }
        return new Result(spineRows, freshetRows, peerRows, matched, mismatches,
                compared.stream().map(Feature::name).toList(),
                features.stream().filter(f -> !compared.contains(f)).map(Feature::name).toList(),
                sketches, samples);
    }

    /** Up to three differing rows of feature {@code f}, for the log. */
    private static List<String> samples(Statement s, Feature f, String from, String id) throws SQLException {
        List<String> out = new ArrayList<>();
        String sql = "SELECT f." + id + ", f.* EXCLUDE (" + id + "), d." + ident(f.name()) + " AS " + ident("peer " + f.name())
                + ", d." + ident(f.name() + "__status") + " AS " + ident("peer " + f.name() + "__status") + from
                + " WHERE NOT coalesce(" + equal(f) + ", false) ORDER BY f." + id + " LIMIT 3";
        try (ResultSet r = s.executeQuery(sql)) {
            int cols = r.getMetaData().getColumnCount();
            while (r.next()) {
                StringBuilder line = new StringBuilder(f.name() + " differs: ");
                for (int i = 1; i <= cols; i++) {
                    line.append(i == 1 ? "" : ", ").append(r.getMetaData().getColumnLabel(i)).append('=').append(r.getString(i));
                }
                out.add(line.toString());
            }
        }
        return out;
    }

    /** Freshet's sketch feature against the peer's exact value. */
    private static Map<String, Object> sketch(Statement s, Feature f, String from) throws SQLException {
        String a = "f." + ident(f.name());
        String b = "d." + ident(f.name());
        String both = "f." + ident(f.name() + "__status") + " = 'PRESENT' AND d." + ident(f.name() + "__status") + " = 'PRESENT'";
        String err = "abs(" + a + " - " + b + ") / greatest(abs(" + b + "), 1e-12)";
        Double accuracy = f.relativeAccuracy();
        String q = "SELECT count(*) FILTER (WHERE f." + ident(f.name() + "__status") + " IS DISTINCT FROM d."
                + ident(f.name() + "__status") + "), count(*) FILTER (WHERE " + both + "),"
                + " count(*) FILTER (WHERE " + both + " AND " + (accuracy != null
                        // the sketch's guarantee, with room for the rounding of its bucket arithmetic
                        ? "abs(" + a + " - " + b + ") <= " + accuracy + " * (1 + 1e-9) * abs(" + b + ")"
                        : a + " = " + b) + "),"
                + " median(" + err + ") FILTER (WHERE " + both + "), max(" + err + ") FILTER (WHERE " + both + ")" + from;
        try (ResultSet r = s.executeQuery(q)) {
            r.next();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("reference", accuracy != null ? "exact lower percentile" : "count(DISTINCT)");
            m.put("status_differs", r.getLong(1));
            m.put("both_present", r.getLong(2));
            m.put(accuracy != null ? "within_relative_accuracy" : "exact", r.getLong(3));
            if (accuracy != null) {
                m.put("relative_accuracy", accuracy);
            }
            m.put("median_relative_error", r.getDouble(4));
            m.put("max_relative_error", r.getDouble(5));
            return m;
        }
    }

    /** SQL: feature {@code f} of Freshet's row equals the peer's (status, then value where PRESENT). */
    private static String equal(Feature f) {
        String a = "f." + ident(f.name());
        String b = "d." + ident(f.name());
        String sa = "f." + ident(f.name() + "__status");
        String sb = "d." + ident(f.name() + "__status");
        String value = f.comparison() == Comparison.EXACT
                ? a + " = " + b
                : "abs(" + a + " - " + b + ") <= " + TOLERANCE + " * greatest(1.0, abs(" + a + "), abs(" + b + "))";
        return "(" + sa + " = " + sb + " AND CASE WHEN " + sb + " = 'PRESENT' THEN " + value + " ELSE " + a + " IS NULL END)";
    }

    /** DuckDB's version and thread count. */
    static String describe(Path temp) throws SQLException {
        try (DuckDBConnection c = open(null, temp); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT version(), current_setting('threads')")) {
            r.next();
            return "DuckDB " + r.getString(1) + ", " + r.getString(2) + " threads";
        }
    }

    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    static String ident(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    @Override
    public String toString() {
        return features.stream().map(f -> f.name() + " (" + f.comparison().name().toLowerCase(Locale.ROOT) + ")").toList().toString();
    }
}
