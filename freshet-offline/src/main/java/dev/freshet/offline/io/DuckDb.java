package dev.freshet.offline.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * DuckDB plumbing shared by {@link SpineReader} and {@link TrainingSetWriter}.
 *
 * <p>Every reader and writer owns one private in-memory database whose spill files live in a
 * directory of its own under the caller's temp dir (created here, deleted by {@link #close}), so
 * several of them can share a temp dir. Session settings: spill directory, insertion order
 * preserved (the row numbering of spines relies on it), time zone UTC (TIMESTAMP ⇄ TIMESTAMP WITH
 * TIME ZONE casts are then exact) and the optional memory limit.
 *
 * <p>{@link Kind} is the single place that decides how a DuckDB type travels through Java: the
 * reader converts each kind to one Java class and the writer appends that class to a carrier
 * column and casts it back to the original type.
 */
final class DuckDb implements AutoCloseable {

    /** How values of a DuckDB type are carried through Java. */
    enum Kind {
        /** Every integer type up to BIGINT and UINTEGER, as {@link Long}. */
        INTEGER("BIGINT"),
        /** FLOAT, DOUBLE and DECIMAL, as {@link Double}. */
        FLOATING("DOUBLE"),
        BOOLEAN("BOOLEAN"),
        VARCHAR("VARCHAR"),
        /** DATE and every TIMESTAMP type, as {@link Long} epoch milliseconds (UTC). */
        TEMPORAL("TIMESTAMP"),
        /**
         * Anything else (lists, structs, blobs, UUID, TIME, INTERVAL, and the integers a long cannot
         * hold: UBIGINT, HUGEINT, UHUGEINT …) as its DuckDB text form.
         */
        OTHER("VARCHAR");

        /** The column type the writer appends this kind to. */
        final String carrierType;

        Kind(String carrierType) {
            this.carrierType = carrierType;
        }

        static Kind of(String duckdbType) {
            String t = duckdbType.trim().toUpperCase(Locale.ROOT);
            return switch (t) {
                case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "INT", "INT1",
                        "INT2", "INT4", "INT8", "LONG" -> INTEGER;
                case "FLOAT", "DOUBLE", "REAL", "FLOAT4", "FLOAT8" -> FLOATING;
                case "BOOLEAN", "BOOL" -> BOOLEAN;
                case "VARCHAR", "TEXT", "STRING" -> VARCHAR;
                case "DATE", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "DATETIME",
                        "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ" -> TEMPORAL;
                default -> t.startsWith("DECIMAL") || t.startsWith("NUMERIC") ? FLOATING : OTHER;
            };
        }

        /** UBIGINT, HUGEINT and UHUGEINT: integers carried as {@link #OTHER} text because a long cannot hold them all. */
        static boolean isWideInteger(String duckdbType) {
            String t = duckdbType.trim().toUpperCase(Locale.ROOT);
            return switch (t) {
                case "UBIGINT", "HUGEINT", "UHUGEINT", "INT128", "UINT64", "UINT128" -> true;
                default -> false;
            };
        }
    }

    final DuckDBConnection connection;
    private final Path spillDir;

    private DuckDb(DuckDBConnection connection, Path spillDir) {
        this.connection = connection;
        this.spillDir = spillDir;
    }

    /**
     * Opens a private in-memory database.
     *
     * @param memoryLimit a DuckDB size such as {@code "1GB"}, or null for DuckDB's default; it
     *                    bounds this database only (a reader and a writer open together may use
     *                    twice as much)
     * @throws IllegalArgumentException if DuckDB rejects the memory limit
     */
    static DuckDb open(Path tempDir, String memoryLimit) throws SQLException {
        Path spillDir;
        try {
            Files.createDirectories(tempDir);
            spillDir = Files.createTempDirectory(tempDir, "duckdb-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a DuckDB spill directory under " + tempDir, e);
        }
        Properties props = new Properties();
        props.setProperty(DuckDBDriver.JDBC_STREAM_RESULTS, "true");
        DuckDBConnection connection;
        try {
            connection = DriverManager.getConnection("jdbc:duckdb:", props).unwrap(DuckDBConnection.class);
        } catch (SQLException | RuntimeException e) {
            deleteTree(spillDir);
            throw e;
        }
        DuckDb db = new DuckDb(connection, spillDir);
        try (Statement s = connection.createStatement()) {
            s.execute("SET temp_directory = " + literal(spillDir.toAbsolutePath().toString()));
            s.execute("SET preserve_insertion_order = true");
            s.execute("SET TimeZone = 'UTC'");
            if (memoryLimit != null) {
                try {
                    s.execute("SET memory_limit = " + literal(memoryLimit));
                } catch (SQLException e) {
                    throw new IllegalArgumentException("Invalid memory limit '" + memoryLimit
                            + "' (expected a size such as 512MB or 4GB): " + e.getMessage(), e);
                }
            }
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /** A SQL string literal. */
    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** A quoted SQL identifier. */
    static String ident(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    /** Closes the connection and deletes the spill directory; never throws. */
    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Closing an in-memory database only frees memory; nothing to report.
        }
        deleteTree(spillDir);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // A leftover spill file is harmless and lives under the caller's temp dir.
        }
    }
}
