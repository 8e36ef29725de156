package dev.freshet.app.imports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * A private in-memory DuckDB database for one reader, stager or writer: streamed results,
 * insertion order preserved (row numbers and the stable sort rely on it), time zone UTC, spill
 * files in a directory of its own under the caller's temp dir (deleted by {@link #close}).
 */
final class DuckDbSession implements AutoCloseable {
    final DuckDBConnection connection;
    private final Path spillDir;

    private DuckDbSession(DuckDBConnection connection, Path spillDir) {
        this.connection = connection;
        this.spillDir = spillDir;
    }

    /** A session whose results stream (fetched in chunks as the caller reads them). */
    static DuckDbSession open(Path tempDir) {
        return open(tempDir, true);
    }

    /**
     * A session; {@code streamResults} false materialises each result before returning it, which
     * costs memory but keeps DuckDB's error messages: an error met while a streamed result is being
     * fetched only says "Invalid result set".
     */
    static DuckDbSession open(Path tempDir, boolean streamResults) {
        Path spill;
        try {
            Files.createDirectories(tempDir);
            spill = Files.createTempDirectory(tempDir, "duckdb-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a DuckDB spill directory under " + tempDir, e);
        }
        DuckDBConnection connection = null;
        try {
            Properties props = new Properties();
            props.setProperty(DuckDBDriver.JDBC_STREAM_RESULTS, Boolean.toString(streamResults));
            connection = DriverManager.getConnection("jdbc:duckdb:", props).unwrap(DuckDBConnection.class);
            try (Statement s = connection.createStatement()) {
                s.execute("SET temp_directory = " + literal(spill.toAbsolutePath().toString()));
                s.execute("SET preserve_insertion_order = true");
                s.execute("SET TimeZone = 'UTC'");
            }
            return new DuckDbSession(connection, spill);
        } catch (SQLException e) {
            new DuckDbSession(connection, spill).close();
            throw new ImportException("cannot start DuckDB: " + e.getMessage(), e);
        }
    }

    /** A SQL string literal. */
    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** A quoted SQL identifier. */
    static String ident(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    /** DuckDB's message without its "Possible fixes" and settings dump, which talk about SQL options. */
    static String message(SQLException e) {
        String m = String.valueOf(e.getMessage());
        int cut = m.indexOf("\nPossible fixes:");
        return (cut < 0 ? m : m.substring(0, cut)).strip();
    }

    /** Closes the connection and deletes the spill directory; never throws. */
    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Closing an in-memory database only frees memory.
            }
        }
        try (Stream<Path> files = Files.walk(spillDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // A leftover spill file is harmless and lives under the caller's temp dir.
        }
    }
}
