package dev.freshet.model.expr;

import dev.cel.bundle.Cel;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationException;
import dev.freshet.model.expr.internal.CelEnvironment;
import dev.freshet.model.expr.internal.CelFallbackExpr;
import dev.freshet.model.expr.internal.DirectTranslator;
import dev.freshet.model.internal.Suggestions;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles CEL expressions (inputs, filters, on-demand features) against a schema.
 *
 * <p>Every expression is parsed and type-checked by CEL (cel-java), and its constant regexes
 * ({@code matches}), {@code timestamp} and {@code duration} literals are checked, since one that
 * cannot work would fail on every evaluation. Variables are the schema's
 * fields: string → string, int64 → int, float64 → double, bool → bool, timestamp → int (epoch
 * milliseconds). Ordering between int and double is allowed ({@code amount > 0}); arithmetic
 * between them needs a conversion ({@code double(n) * 1.5}). The function
 * {@code haversine_km(lat1, lon1, lat2, lon2)} gives the great-circle distance in km.
 *
 * <p>Common shapes (field references, literals, {@code + - * / %}, unary minus, comparisons,
 * {@code && || !}, {@code ?:}, {@code int()}, {@code double()}, {@code haversine_km()}) compile to
 * direct Java code that does not allocate or box; anything else is evaluated by the CEL
 * interpreter. Both forms give identical results, including CEL's error semantics (see
 * {@link CompiledExpr}). Instances are thread-safe and cache one CEL environment per variable set.
 *
 * <pre>{@code
 * ExpressionCompiler compiler = new ExpressionCompiler();
 * CompiledExpr filter = compiler.compile("currency == 'USD' && amount > 0", source.schema());
 * if (filter.test(row)) { ... }
 * }</pre>
 */
public final class ExpressionCompiler {
    /** How an expression may be evaluated. */
    public enum Mode {
        /** Direct code when the shape allows it, the CEL interpreter otherwise (the default). */
        DIRECT_WHEN_POSSIBLE,
        /** Always the CEL interpreter: the reference semantics, for tests and comparisons. */
        CEL_ONLY
    }

    private static final Pattern UNDECLARED = Pattern.compile("undeclared reference to '([^']+)'( \\(in container '[^']*'\\))?");
    private static final Pattern SYNTAX = Pattern.compile("(?:mismatched|extraneous) input '(.*)' expecting .*");
    private static final Pattern NO_OVERLOAD = Pattern.compile("found no matching overload for '([^']+)' applied to '\\(([^)]*)\\)'.*");
    private static final Pattern ARITHMETIC = Pattern.compile("_[-+*/%]_|-_");
    private static final Pattern LITERAL = Pattern.compile("(?s)(\\w+) validation failed\\. Reason: (?:evaluation error: )?([^\\n]*).*");

    private final CelEnvironment environment = new CelEnvironment();

    /** Compiles with {@link Mode#DIRECT_WHEN_POSSIBLE}; throws {@link ExpressionException} if invalid. */
    public CompiledExpr compile(String text, Schema schema) {
        return compile(text, schema, Mode.DIRECT_WHEN_POSSIBLE);
    }

    /** Compiles in the given mode; throws {@link ExpressionException} if invalid. */
    public CompiledExpr compile(String text, Schema schema, Mode mode) {
        return tryCompile(text, schema, mode).orThrow(text);
    }

    /** Compiles with {@link Mode#DIRECT_WHEN_POSSIBLE}, returning issues instead of throwing. */
    public ExpressionResult tryCompile(String text, Schema schema) {
        return tryCompile(text, schema, Mode.DIRECT_WHEN_POSSIBLE);
    }

    /** Compiles in the given mode, returning issues instead of throwing. */
    public ExpressionResult tryCompile(String text, Schema schema, Mode mode) {
        if (text == null || text.isBlank()) {
            return ExpressionResult.failure(List.of(new ExpressionIssue("expression is empty")));
        }
        Cel cel = environment.forVariables(schema.types());
        CelValidationResult result = cel.compile(text);
        if (result.hasError()) {
            return ExpressionResult.failure(issues(result.getErrors(), schema));
        }
        CelAbstractSyntaxTree ast;
        try {
            ast = result.getAst();
        } catch (CelValidationException e) {
            return ExpressionResult.failure(List.of(new ExpressionIssue(e.getMessage())));
        }
        CelValidationResult literals = environment.literalValidator(schema.types()).validate(ast);
        if (literals.hasError()) {
            return ExpressionResult.failure(issues(literals.getErrors(), schema));
        }
        CelExpr root = ast.getExpr();
        int fieldIndex = root.getKind() == CelExpr.ExprKind.Kind.IDENT ? schema.indexOf(root.ident().name()) : -1;
        Optional<FieldType> celType = CelEnvironment.fieldType(ast.getResultType());
        if (celType.isEmpty()) {
            return ExpressionResult.failure(List.of(new ExpressionIssue("expression has CEL type "
                    + ast.getResultType().name() + "; supported result types are int, double, bool and string")));
        }
        FieldType type = fieldIndex >= 0 ? schema.field(fieldIndex).type() : celType.get();
        if (mode == Mode.DIRECT_WHEN_POSSIBLE) {
            Optional<? extends CompiledExpr> direct = DirectTranslator.translate(ast, schema, type, text);
            if (direct.isPresent()) {
                return ExpressionResult.of(direct.get());
            }
        }
        try {
            return ExpressionResult.of(new CelFallbackExpr(cel.createProgram(ast), type, text, schema, fieldIndex));
        } catch (CelEvaluationException e) {
            return ExpressionResult.failure(List.of(new ExpressionIssue(e.getMessage())));
        }
    }

    /**
     * A schema for compiling over named values that are not a source schema (on-demand features
     * over request fields and features): one nullable field per entry, sorted by name. Build rows
     * in this schema's order.
     */
    public static Schema variables(Map<String, FieldType> variables) {
        List<Field> fields = new ArrayList<>();
        new TreeMap<>(variables).forEach((name, type) -> fields.add(Field.optional(name, type)));
        return new Schema(fields);
    }

    /** CEL's messages, shortened (one line), with hints for undeclared names and int/double mixing. */
    private static String tidy(String message, Schema schema) {
        Matcher m = UNDECLARED.matcher(message);
        if (m.find()) {
            return "undeclared reference to '" + m.group(1) + "'" + Suggestions.hint(m.group(1), schema.types().keySet());
        }
        m = SYNTAX.matcher(message);
        if (m.matches()) {
            return "syntax error: unexpected " + (m.group(1).equals("<EOF>") ? "end of expression" : "'" + m.group(1) + "'");
        }
        m = LITERAL.matcher(message);
        if (m.matches()) {
            String what = m.group(1).equalsIgnoreCase("regex") ? "regular expression" : m.group(1).toLowerCase(Locale.ROOT);
            return "invalid " + what + " literal: " + m.group(2);
        }
        m = NO_OVERLOAD.matcher(message);
        if (m.matches()) {
            String function = m.group(1);
            String args = m.group(2);
            String shown = function.replace("_?_:_", "?:").replace("_", "");
            String hint = ARITHMETIC.matcher(function).matches() && args.contains("int") && args.contains("double")
                    ? "; int and double do not mix in arithmetic: convert with double(x) or int(x)"
                    : "";
            return "no overload of '" + shown + "' for (" + args + ")" + hint;
        }
        return message;
    }

    private static List<ExpressionIssue> issues(List<CelIssue> celIssues, Schema schema) {
        List<ExpressionIssue> out = new ArrayList<>();
        for (CelIssue issue : celIssues) {
            String message = tidy(issue.getMessage(), schema);
            // CEL: 1-based line, 0-based column within it, negative when unknown
            int line = issue.getSourceLocation().getLine();
            int column = issue.getSourceLocation().getColumn();
            out.add(line > 0 && column >= 0 ? new ExpressionIssue(message, line, column + 1) : new ExpressionIssue(message));
        }
        return out;
    }
}
