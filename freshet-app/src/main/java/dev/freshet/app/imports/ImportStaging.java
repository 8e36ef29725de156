package dev.freshet.app.imports;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The validated events of an import, encoded for the log ({@code RowCodec}, accept time not yet
 * stamped), held in a DuckDB table until every row has been checked, then streamed back in
 * (event time, row number) order: a stable sort by event time that spills to disk beyond memory.
 * Not thread-safe.
 */
final class ImportStaging implements AutoCloseable {
    private final DuckDbSession db;
    private final DuckDBAppender appender;
    private long count;
    private long minEventTime = Long.MAX_VALUE;
    private long maxEventTime = Long.MIN_VALUE;
    private Statement statement;
    private ResultSet sorted;

    ImportStaging(Path tempDir) {
        this.db = DuckDbSession.open(tempDir);
        try {
            try (Statement s = db.connection.createStatement()) {
                s.execute("CREATE TABLE staged (event_time BIGINT, row_number BIGINT, record BLOB)");
            }
            this.appender = db.connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "staged");
        } catch (SQLException e) {
            db.close();
            throw new ImportException("cannot stage the import in DuckDB: " + DuckDbSession.message(e), e);
        }
    }

    void add(long eventTime, long row, byte[] record) {
        try {
            appender.beginRow();
            appender.append(eventTime);
            appender.append(row);
            appender.append(record);
            appender.endRow();
        } catch (SQLException e) {
            throw new ImportException("cannot stage row " + row + ": " + DuckDbSession.message(e), e);
        }
        count++;
        minEventTime = Math.min(minEventTime, eventTime);
        maxEventTime = Math.max(maxEventTime, eventTime);
    }

    long count() {
        return count;
    }

    /** The smallest staged event time ({@link Long#MAX_VALUE} when empty). */
    long minEventTime() {
        return minEventTime;
    }

    /** The largest staged event time ({@link Long#MIN_VALUE} when empty). */
    long maxEventTime() {
        return maxEventTime;
    }

    /** Ends staging and starts the sorted scan; then call {@link #next} until it returns false. */
    void sort() {
        try {
            appender.close();
            statement = db.connection.createStatement();
            statement.setFetchSize(8192);
            sorted = statement.executeQuery("SELECT event_time, record FROM staged ORDER BY event_time, row_number");
        } catch (SQLException e) {
            throw new ImportException("cannot sort the staged events: " + DuckDbSession.message(e), e);
        }
    }

    boolean next() {
        try {
            return sorted.next();
        } catch (SQLException e) {
            throw new ImportException("cannot read the staged events: " + DuckDbSession.message(e), e);
        }
    }

    long eventTime() {
        try {
            return sorted.getLong(1);
        } catch (SQLException e) {
            throw new ImportException("cannot read the staged events: " + DuckDbSession.message(e), e);
        }
    }

    byte[] record() {
        try {
            return sorted.getBytes(2);
        } catch (SQLException e) {
            throw new ImportException("cannot read the staged events: " + DuckDbSession.message(e), e);
        }
    }

    @Override
    public void close() {
        try {
            if (sorted != null) {
                sorted.close();
                statement.close();
            } else {
                appender.close();
            }
        } catch (SQLException ignored) {
            // The database is closed next, which drops everything anyway.
        } finally {
            db.close();
        }
    }
}
