package dev.freshet.model.validate;

import java.util.Comparator;
import java.util.Objects;

/**
 * One problem in a feature repository, located as precisely as the input allows.
 *
 * <p>{@link #toString()} reads {@code features.yaml:14:7: card_txn.features[2].hop: hop 7m does not
 * divide window 1h}. Errors of builder-made repositories have file {@value #BUILDER}, line 0.
 *
 * @param file    file the problem is in, as found under the repository folder, or {@value #BUILDER}
 * @param line    1-based line, or 0 when unknown
 * @param column  1-based column, or 0 when unknown
 * @param path    object name and path inside it, e.g. {@code card_txn.features[2].window}; empty for
 *                problems not inside an object (YAML syntax, a document without {@code kind})
 * @param message what is wrong, with a "did you mean" hint where one is close
 */
public record ValidationError(String file, int line, int column, String path, String message) {
    /** File name reported for repositories built in Java. */
    public static final String BUILDER = "<builder>";

    /** Orders errors by file, line, column, path, then message. */
    public static final Comparator<ValidationError> ORDER = Comparator.comparing(ValidationError::file)
            .thenComparingInt(ValidationError::line)
            .thenComparingInt(ValidationError::column)
            .thenComparing(ValidationError::path)
            .thenComparing(ValidationError::message);

    public ValidationError {
        Objects.requireNonNull(file, "file");
        path = path == null ? "" : path;
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
            if (column > 0) {
                sb.append(':').append(column);
            }
        }
        sb.append(": ");
        if (!path.isEmpty()) {
            sb.append(path).append(": ");
        }
        return sb.append(message).toString();
    }
}
