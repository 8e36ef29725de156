package dev.freshet.model.expr;

import java.util.List;
import java.util.stream.Collectors;

/** An expression does not parse or type-check; {@link #issues()} says why. */
public final class ExpressionException extends RuntimeException {
    private final String text;
    private final List<ExpressionIssue> issues;

    public ExpressionException(String text, List<ExpressionIssue> issues) {
        super("invalid expression '" + text + "': "
                + issues.stream().map(ExpressionIssue::toString).collect(Collectors.joining("; ")));
        this.text = text;
        this.issues = List.copyOf(issues);
    }

    /** The expression as written. */
    public String text() {
        return text;
    }

    public List<ExpressionIssue> issues() {
        return issues;
    }
}
