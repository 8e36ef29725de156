package dev.freshet.model.expr;

import java.util.List;
import java.util.Objects;

/**
 * Outcome of {@link ExpressionCompiler#tryCompile}: a compiled expression, or the issues that
 * prevented it.
 *
 * @param expr   the compiled expression; null when {@code issues} is not empty
 * @param issues parse and type errors, in source order
 */
public record ExpressionResult(CompiledExpr expr, List<ExpressionIssue> issues) {
    public ExpressionResult {
        issues = List.copyOf(issues);
        if ((expr == null) == issues.isEmpty()) {
            throw new IllegalArgumentException("exactly one of expr and issues must be present");
        }
    }

    static ExpressionResult of(CompiledExpr expr) {
        return new ExpressionResult(Objects.requireNonNull(expr), List.of());
    }

    static ExpressionResult failure(List<ExpressionIssue> issues) {
        return new ExpressionResult(null, issues);
    }

    public boolean ok() {
        return expr != null;
    }

    /** The compiled expression, or an {@link ExpressionException} with the issues. */
    public CompiledExpr orThrow(String text) {
        if (expr == null) {
            throw new ExpressionException(text, issues);
        }
        return expr;
    }
}
