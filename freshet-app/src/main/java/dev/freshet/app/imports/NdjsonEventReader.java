package dev.freshet.app.imports;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.serving.ingest.EventParser;
import dev.freshet.serving.ingest.MalformedRequestException;
import dev.freshet.serving.ingest.RejectedEvent;
import dev.freshet.serving.ingest.TooManyEventsException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * NDJSON (optionally gzipped): every line goes through {@link EventParser} on its own, so a line is
 * valid exactly when {@code POST /v1/sources/{source}/events} would accept it. Blank lines are
 * skipped (but counted: row numbers are line numbers); a line must hold one JSON object. With
 * {@code ignoreExtraColumns}, fields the schema does not know are removed before parsing.
 */
final class NdjsonEventReader implements EventFileReader {
    /** Longest line accepted; EventParser itself limits each string to 1 MiB. */
    static final int MAX_LINE_BYTES = 16 << 20;
    private static final ObjectMapper TREE = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final Path file;
    private final SourceSpec source;
    private final EventParser parser;
    private final boolean ignoreExtraColumns;
    private final long total;
    private final InputStream in;
    private final byte[] block = new byte[1 << 16];
    private int blockPos;
    private int blockLen;
    private byte[] line = new byte[1024];
    private int lineLen;
    private long lineNumber;

    private NdjsonEventReader(Path file, SourceSpec source, boolean ignoreExtraColumns, long total, InputStream in) {
        this.file = file;
        this.source = source;
        this.parser = new EventParser(source.schema());
        this.ignoreExtraColumns = ignoreExtraColumns;
        this.total = total;
        this.in = in;
    }

    static NdjsonEventReader open(Path file, SourceSpec source, boolean ignoreExtraColumns) {
        if (!Files.isRegularFile(file)) {
            throw new ImportException("no such file: " + file.toAbsolutePath());
        }
        long lines;
        try (InputStream count = stream(file)) {
            lines = countLines(count);
        } catch (IOException e) {
            throw new ImportException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return new NdjsonEventReader(file, source, ignoreExtraColumns, lines, stream(file));
        } catch (IOException e) {
            throw new ImportException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static InputStream stream(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    /** Lines holding anything but whitespace (an estimate for progress: one pass over the bytes). */
    private static long countLines(InputStream in) throws IOException {
        byte[] b = new byte[1 << 16];
        long lines = 0;
        boolean content = false;
        int n;
        while ((n = in.read(b)) > 0) {
            for (int i = 0; i < n; i++) {
                byte c = b[i];
                if (c == '\n') {
                    if (content) {
                        lines++;
                    }
                    content = false;
                } else if (c != ' ' && c != '\t' && c != '\r') {
                    content = true;
                }
            }
        }
        return content ? lines + 1 : lines;
    }

    @Override
    public long totalRows() {
        return total;
    }

    @Override
    public boolean next(Chunk chunk) {
        chunk.clear();
        try {
            while (chunk.read < CHUNK && readLine()) {
                lineNumber++;
                int start = firstContent();
                if (start < 0) {
                    continue; // blank line
                }
                chunk.read++;
                parseLine(chunk, start);
            }
        } catch (IOException e) {
            throw new ImportException("cannot read " + file + " after line " + lineNumber + ": " + e.getMessage(), e);
        }
        return chunk.read > 0;
    }

    private void parseLine(Chunk chunk, int start) {
        if (line[start] == '[') {
            chunk.errors.add(new RowError(lineNumber, null, "expected one JSON object per line, got an array"));
            return;
        }
        byte[] body = Arrays.copyOf(line, lineLen);
        if (ignoreExtraColumns) {
            body = withoutUnknownFields(body);
        }
        int before = chunk.batch.size();
        try {
            EventParser.Result r = parser.parse(body, chunk.batch, 1);
            if (r.rejected().isEmpty()) {
                chunk.accepted(lineNumber);
            } else {
                RejectedEvent e = r.rejected().getFirst();
                chunk.errors.add(new RowError(lineNumber, e.field(), e.reason()));
            }
        } catch (MalformedRequestException e) {
            dropRowsAfter(chunk, before); // a valid object before the bad JSON does not count
            chunk.errors.add(new RowError(lineNumber, null, e.getMessage() + " (column " + e.column() + ")"));
        } catch (TooManyEventsException e) {
            dropRowsAfter(chunk, before);
            chunk.errors.add(new RowError(lineNumber, null, "more than one JSON value on the line"));
        }
    }

    private static void dropRowsAfter(Chunk chunk, int size) {
        while (chunk.batch.size() > size) {
            chunk.batch.removeLastRow();
        }
    }

    /** The line without the fields the schema does not know; unchanged if it is not a JSON object. */
    private byte[] withoutUnknownFields(byte[] body) {
        JsonNode node;
        try {
            node = TREE.readTree(body);
        } catch (IOException e) {
            return body; // EventParser reports the malformed JSON
        }
        if (!(node instanceof ObjectNode object)) {
            return body;
        }
        boolean removed = false;
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            if (source.schema().indexOf(names.next()) < 0) {
                names.remove();
                removed = true;
            }
        }
        if (!removed) {
            return body;
        }
        try {
            return TREE.writeValueAsBytes(object);
        } catch (JacksonException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Index of the first non-whitespace byte of the line (after a UTF-8 byte order mark on line 1), or -1. */
    private int firstContent() {
        int i = 0;
        if (lineNumber == 1 && lineLen >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB && (line[2] & 0xFF) == 0xBF) {
            lineLen -= 3;
            System.arraycopy(line, 3, line, 0, lineLen);
        }
        while (i < lineLen && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) {
            i++;
        }
        return i < lineLen ? i : -1;
    }

    /** Reads the next line (without its \n or \r\n) into {@link #line}; false at the end of the file. */
    private boolean readLine() throws IOException {
        lineLen = 0;
        boolean any = false;
        while (true) {
            if (blockPos == blockLen) {
                int n = in.read(block);
                if (n <= 0) {
                    blockPos = blockLen = 0;
                    return any;
                }
                blockPos = 0;
                blockLen = n;
            }
            any = true;
            int start = blockPos;
            while (blockPos < blockLen && block[blockPos] != '\n') {
                blockPos++;
            }
            append(start, blockPos - start);
            if (blockPos < blockLen) {
                blockPos++; // the \n
                if (lineLen > 0 && line[lineLen - 1] == '\r') {
                    lineLen--;
                }
                return true;
            }
        }
    }

    private void append(int from, int n) {
        if (lineLen + n > MAX_LINE_BYTES) {
            throw new ImportException("line " + (lineNumber + 1) + " of " + file + " is longer than "
                    + (MAX_LINE_BYTES >> 20) + " MiB");
        }
        if (lineLen + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + n));
        }
        System.arraycopy(block, from, line, lineLen, n);
        lineLen += n;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // Read-only stream: nothing to lose.
        }
    }
}
