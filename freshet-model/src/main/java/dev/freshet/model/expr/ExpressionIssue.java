package dev.freshet.model.expr;

/**
 * One problem found while compiling an expression.
 *
 * @param message what is wrong, e.g. {@code undeclared reference to 'amout' (did you mean 'amount'?)}
 * @param line    1-based line in the expression text (expressions may span lines), or 0 when unknown
 * @param column  1-based column in that line, or 0 when unknown
 */
public record ExpressionIssue(String message, int line, int column) {
    /** An issue with no position in the text. */
    public ExpressionIssue(String message) {
        this(message, 0, 0);
    }

    /** The message with its position: the column when on the first line, else line and column. */
    @Override
    public String toString() {
        if (column <= 0) {
            return message;
        }
        return line > 1 ? message + " (at line " + line + ", column " + column + " of the expression)"
                : message + " (at column " + column + ")";
    }
}
