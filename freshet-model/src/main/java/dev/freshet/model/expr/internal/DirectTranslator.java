package dev.freshet.model.expr.internal;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelKind;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import java.util.List;
import java.util.Optional;

/**
 * Turns a type-checked CEL AST into a tree of direct nodes when every sub-expression has a direct
 * form (fields, literals, arithmetic, comparisons, boolean logic, {@code ?:}, {@code int()},
 * {@code double()}, {@code haversine_km()}). Any other shape makes the whole expression fall back
 * to the CEL interpreter; there is no partial translation. Node types are chosen from the
 * checker's types, so the tree needs no runtime type tests.
 */
public final class DirectTranslator {
    private final CelAbstractSyntaxTree ast;
    private final Schema schema;

    private DirectTranslator(CelAbstractSyntaxTree ast, Schema schema) {
        this.ast = ast;
        this.schema = schema;
    }

    /** The direct form of a checked AST, or empty when some shape has none. */
    public static Optional<DirectExpr> translate(CelAbstractSyntaxTree ast, Schema schema, FieldType type, String text) {
        DirectTranslator t = new DirectTranslator(ast, schema);
        CelExpr root = ast.getExpr();
        int fieldIndex = root.getKind() == CelExpr.ExprKind.Kind.IDENT ? schema.indexOf(root.ident().name()) : -1;
        try {
            DirectExpr expr = switch (t.kind(root)) {
                case INT -> new DirectExpr.OfLong(t.longNode(root), type, text, fieldIndex);
                case DOUBLE -> new DirectExpr.OfDouble(t.doubleNode(root), text, fieldIndex);
                case BOOL -> new DirectExpr.OfBool(t.boolNode(root), text, fieldIndex);
                case STRING -> new DirectExpr.OfString(t.stringNode(root), text, fieldIndex);
                default -> throw Unsupported.INSTANCE;
            };
            return Optional.of(expr);
        } catch (Unsupported e) {
            return Optional.empty();
        }
    }

    private CelKind kind(CelExpr e) {
        return ast.getType(e.id()).map(t -> t.kind()).orElse(CelKind.UNSPECIFIED);
    }

    private CelConstant constant(CelExpr e, CelConstant.Kind kind) {
        if (e.getKind() != CelExpr.ExprKind.Kind.CONSTANT || e.constant().getKind() != kind) {
            throw Unsupported.INSTANCE;
        }
        return e.constant();
    }

    private int field(CelExpr e, FieldType... accepted) {
        int index = schema.indexOf(e.ident().name());
        if (index < 0 || !List.of(accepted).contains(schema.field(index).type())) {
            throw Unsupported.INSTANCE;
        }
        return index;
    }

    private static CelExpr.CelCall globalCall(CelExpr e) {
        CelExpr.CelCall call = e.call();
        if (call.target().isPresent()) {
            throw Unsupported.INSTANCE;
        }
        return call;
    }

    private static void arity(CelExpr.CelCall call, int n) {
        if (call.args().size() != n) {
            throw Unsupported.INSTANCE;
        }
    }

    LongNode longNode(CelExpr e) {
        if (kind(e) != CelKind.INT) {
            throw Unsupported.INSTANCE;
        }
        return switch (e.getKind()) {
            case CONSTANT -> new LongNode.Const(constant(e, CelConstant.Kind.INT64_VALUE).int64Value());
            case IDENT -> new LongNode.Field(field(e, FieldType.INT64, FieldType.TIMESTAMP));
            case CALL -> longCall(globalCall(e));
            default -> throw Unsupported.INSTANCE;
        };
    }

    private LongNode longCall(CelExpr.CelCall call) {
        List<CelExpr> args = call.args();
        return switch (call.function()) {
            case "_+_" -> longArithmetic(LongNode.Arithmetic.Op.ADD, call);
            case "_-_" -> longArithmetic(LongNode.Arithmetic.Op.SUBTRACT, call);
            case "_*_" -> longArithmetic(LongNode.Arithmetic.Op.MULTIPLY, call);
            case "_/_" -> longArithmetic(LongNode.Arithmetic.Op.DIVIDE, call);
            case "_%_" -> longArithmetic(LongNode.Arithmetic.Op.MODULO, call);
            case "-_" -> {
                arity(call, 1);
                yield new LongNode.Negate(longNode(args.get(0)));
            }
            case "int" -> {
                arity(call, 1);
                yield switch (kind(args.get(0))) {
                    case INT -> longNode(args.get(0));
                    case DOUBLE -> new LongNode.FromDouble(doubleNode(args.get(0)));
                    default -> throw Unsupported.INSTANCE;
                };
            }
            case "_?_:_" -> {
                arity(call, 3);
                yield new LongNode.Conditional(boolNode(args.get(0)), longNode(args.get(1)), longNode(args.get(2)));
            }
            default -> throw Unsupported.INSTANCE;
        };
    }

    private LongNode longArithmetic(LongNode.Arithmetic.Op op, CelExpr.CelCall call) {
        arity(call, 2);
        return new LongNode.Arithmetic(op, longNode(call.args().get(0)), longNode(call.args().get(1)));
    }

    DoubleNode doubleNode(CelExpr e) {
        if (kind(e) != CelKind.DOUBLE) {
            throw Unsupported.INSTANCE;
        }
        return switch (e.getKind()) {
            case CONSTANT -> new DoubleNode.Const(constant(e, CelConstant.Kind.DOUBLE_VALUE).doubleValue());
            case IDENT -> new DoubleNode.Field(field(e, FieldType.FLOAT64));
            case CALL -> doubleCall(globalCall(e));
            default -> throw Unsupported.INSTANCE;
        };
    }

    private DoubleNode doubleCall(CelExpr.CelCall call) {
        List<CelExpr> args = call.args();
        return switch (call.function()) {
            case "_+_" -> doubleArithmetic(DoubleNode.Arithmetic.Op.ADD, call);
            case "_-_" -> doubleArithmetic(DoubleNode.Arithmetic.Op.SUBTRACT, call);
            case "_*_" -> doubleArithmetic(DoubleNode.Arithmetic.Op.MULTIPLY, call);
            case "_/_" -> doubleArithmetic(DoubleNode.Arithmetic.Op.DIVIDE, call);
            case "-_" -> {
                arity(call, 1);
                yield new DoubleNode.Negate(doubleNode(args.get(0)));
            }
            case "double" -> {
                arity(call, 1);
                yield switch (kind(args.get(0))) {
                    case DOUBLE -> doubleNode(args.get(0));
                    case INT -> new DoubleNode.FromLong(longNode(args.get(0)));
                    default -> throw Unsupported.INSTANCE;
                };
            }
            case CelEnvironment.HAVERSINE_KM -> {
                arity(call, 4);
                yield new DoubleNode.HaversineKm(doubleNode(args.get(0)), doubleNode(args.get(1)),
                        doubleNode(args.get(2)), doubleNode(args.get(3)));
            }
            case "_?_:_" -> {
                arity(call, 3);
                yield new DoubleNode.Conditional(boolNode(args.get(0)), doubleNode(args.get(1)), doubleNode(args.get(2)));
            }
            default -> throw Unsupported.INSTANCE;
        };
    }

    private DoubleNode doubleArithmetic(DoubleNode.Arithmetic.Op op, CelExpr.CelCall call) {
        arity(call, 2);
        return new DoubleNode.Arithmetic(op, doubleNode(call.args().get(0)), doubleNode(call.args().get(1)));
    }

    BoolNode boolNode(CelExpr e) {
        if (kind(e) != CelKind.BOOL) {
            throw Unsupported.INSTANCE;
        }
        return switch (e.getKind()) {
            case CONSTANT -> new BoolNode.Const(constant(e, CelConstant.Kind.BOOLEAN_VALUE).booleanValue());
            case IDENT -> new BoolNode.Field(field(e, FieldType.BOOL));
            case CALL -> boolCall(globalCall(e));
            default -> throw Unsupported.INSTANCE;
        };
    }

    private BoolNode boolCall(CelExpr.CelCall call) {
        List<CelExpr> args = call.args();
        return switch (call.function()) {
            case "!_" -> {
                arity(call, 1);
                yield new BoolNode.Not(boolNode(args.get(0)));
            }
            case "_&&_" -> {
                BoolNode acc = boolNode(args.get(0));
                for (int i = 1; i < args.size(); i++) {
                    acc = new BoolNode.And(acc, boolNode(args.get(i)));
                }
                yield acc;
            }
            case "_||_" -> {
                BoolNode acc = boolNode(args.get(0));
                for (int i = 1; i < args.size(); i++) {
                    acc = new BoolNode.Or(acc, boolNode(args.get(i)));
                }
                yield acc;
            }
            case "_==_" -> comparison(Comparison.Op.EQ, call);
            case "_!=_" -> comparison(Comparison.Op.NE, call);
            case "_<_" -> comparison(Comparison.Op.LT, call);
            case "_<=_" -> comparison(Comparison.Op.LE, call);
            case "_>_" -> comparison(Comparison.Op.GT, call);
            case "_>=_" -> comparison(Comparison.Op.GE, call);
            case "_?_:_" -> {
                arity(call, 3);
                yield new BoolNode.Conditional(boolNode(args.get(0)), boolNode(args.get(1)), boolNode(args.get(2)));
            }
            default -> throw Unsupported.INSTANCE;
        };
    }

    private BoolNode comparison(Comparison.Op op, CelExpr.CelCall call) {
        arity(call, 2);
        CelExpr l = call.args().get(0);
        CelExpr r = call.args().get(1);
        CelKind lk = kind(l);
        CelKind rk = kind(r);
        boolean ordering = op != Comparison.Op.EQ && op != Comparison.Op.NE;
        if (lk == CelKind.INT && rk == CelKind.INT) {
            return new Comparison.Longs(op, longNode(l), longNode(r));
        } else if (lk == CelKind.DOUBLE && rk == CelKind.DOUBLE) {
            return new Comparison.Doubles(op, doubleNode(l), doubleNode(r));
        } else if (lk == CelKind.INT && rk == CelKind.DOUBLE && ordering) {
            return new Comparison.LongDouble(op, longNode(l), doubleNode(r));
        } else if (lk == CelKind.DOUBLE && rk == CelKind.INT && ordering) {
            return new Comparison.DoubleLong(op, doubleNode(l), longNode(r));
        } else if (lk == CelKind.STRING && rk == CelKind.STRING) {
            return new Comparison.Strings(op, stringNode(l), stringNode(r));
        } else if (lk == CelKind.BOOL && rk == CelKind.BOOL) {
            return new Comparison.Bools(op, boolNode(l), boolNode(r));
        }
        throw Unsupported.INSTANCE;
    }

    StringNode stringNode(CelExpr e) {
        if (kind(e) != CelKind.STRING) {
            throw Unsupported.INSTANCE;
        }
        return switch (e.getKind()) {
            case CONSTANT -> new StringNode.Const(constant(e, CelConstant.Kind.STRING_VALUE).stringValue());
            case IDENT -> new StringNode.Field(field(e, FieldType.STRING));
            case CALL -> {
                CelExpr.CelCall call = globalCall(e);
                if (!call.function().equals("_?_:_")) {
                    throw Unsupported.INSTANCE;
                }
                arity(call, 3);
                yield new StringNode.Conditional(boolNode(call.args().get(0)), stringNode(call.args().get(1)),
                        stringNode(call.args().get(2)));
            }
            default -> throw Unsupported.INSTANCE;
        };
    }

    /** Thrown (without a stack trace) when a sub-expression has no direct form. */
    private static final class Unsupported extends RuntimeException {
        static final Unsupported INSTANCE = new Unsupported();

        private Unsupported() {
            super("no direct form", null, false, false);
        }
    }
}
