package dev.freshet.offline.io;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A throwaway in-memory DuckDB for tests: makes spine files and reads outputs back. */
final class Sql implements AutoCloseable {
    final Connection connection;

    Sql() {
        try {
            connection = DriverManager.getConnection("jdbc:duckdb:");
            exec("SET TimeZone = 'UTC'");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    void exec(String sql) {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** {@code COPY (select) TO file}, as CSV with a header or Parquet by the file's extension. */
    Path copy(String select, Path file) {
        String name = file.getFileName().toString();
        String options = name.endsWith(".parquet") ? "(FORMAT parquet, ROW_GROUP_SIZE 2048)"
                : "(FORMAT csv, HEADER true)";
        exec("COPY (" + select + ") TO '" + file + "' " + options);
        return file;
    }

    /** Every row of a query, each as a list of JDBC objects. */
    List<List<Object>> rows(String sql) {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(sql)) {
            List<List<Object>> rows = new ArrayList<>();
            int n = r.getMetaData().getColumnCount();
            while (r.next()) {
                Object[] row = new Object[n];
                for (int i = 0; i < n; i++) {
                    row[i] = r.getObject(i + 1);
                }
                rows.add(Arrays.asList(row));
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    Object one(String sql) {
        return rows(sql).getFirst().getFirst();
    }

    /** Column name to DuckDB type of a Parquet or CSV file, in file order. */
    Map<String, String> types(Path file) {
        String scan = file.getFileName().toString().endsWith(".parquet")
                ? "read_parquet('" + file + "')" : "read_csv('" + file + "', header = true)";
        Map<String, String> types = new LinkedHashMap<>();
        for (List<Object> row : rows("DESCRIBE SELECT * FROM " + scan)) {
            types.put((String) row.get(0), (String) row.get(1));
        }
        return types;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
