package dev.freshet.model.expr;

/**
 * One problem found while compiling an expression.
 *
 * @param message what is wrong, e.g. {@code undeclared reference to 'amout' (did you mean 'amount'?)}
 * @param column  1-based column in the expression text, or 0 when unknown
 */
public record ExpressionIssue(String message, int column) {
    @Override
    public String toString() {
        return column > 0 ? message + " (at column " + column + ")" : message;
    }
}
