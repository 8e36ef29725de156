package dev.freshet.aggregation.plan;

import dev.freshet.model.expr.CompiledExpr;
import dev.freshet.model.spec.Schema;

/** Compiles input and filter expressions against a source schema (the model's expression compiler). */
@FunctionalInterface
public interface ExpressionResolver {
    CompiledExpr compile(String expression, Schema schema);
}
