package dev.freshet.app.imports;

import java.nio.file.Path;
import java.util.Locale;

/** The file formats {@code freshet ingest} reads, chosen by file name. */
public enum ImportFormat {
    /** {@code .csv} or {@code .csv.gz}: comma-separated with a header row, read by DuckDB. */
    CSV("row"),
    /** {@code .parquet}, read by DuckDB. */
    PARQUET("row"),
    /** {@code .ndjson}, {@code .jsonl} (optionally {@code .gz}): one JSON object per line, read by EventParser. */
    NDJSON("line");

    private final String unit;

    ImportFormat(String unit) {
        this.unit = unit;
    }

    /** What a row number counts in this format: {@code "row"} (data rows, header not counted) or {@code "line"}. */
    public String unit() {
        return unit;
    }

    /**
     * The format of {@code file} from its name.
     *
     * @throws ImportException if the name has none of the supported extensions
     */
    public static ImportFormat of(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv") || name.endsWith(".csv.gz")) {
            return CSV;
        }
        if (name.endsWith(".parquet")) {
            return PARQUET;
        }
        if (name.endsWith(".ndjson") || name.endsWith(".jsonl") || name.endsWith(".ndjson.gz") || name.endsWith(".jsonl.gz")) {
            return NDJSON;
        }
        throw new ImportException("unsupported file " + file.getFileName()
                + ": the name must end in .csv, .csv.gz, .parquet, .ndjson or .jsonl (optionally .gz)");
    }
}
