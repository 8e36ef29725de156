package dev.freshet.model.expr.internal;

import dev.freshet.model.expr.Row;

/**
 * A direct int64 expression node (CEL type {@code int}; timestamps read as epoch millis).
 * {@link #isNull} is true for a null input or a CEL runtime error (overflow, division by zero);
 * {@link #eval} may only be called when it is false.
 */
public abstract class LongNode {
    public abstract boolean isNull(Row row);

    public abstract long eval(Row row);

    public static final class Field extends LongNode {
        private final int index;

        public Field(int index) {
            this.index = index;
        }

        @Override
        public boolean isNull(Row row) {
            return row.isNull(index);
        }

        @Override
        public long eval(Row row) {
            return row.getLong(index);
        }
    }

    public static final class Const extends LongNode {
        private final long value;

        public Const(long value) {
            this.value = value;
        }

        @Override
        public boolean isNull(Row row) {
            return false;
        }

        @Override
        public long eval(Row row) {
            return value;
        }
    }

    /** Binary arithmetic; isNull re-evaluates the operands to detect CEL's overflow errors. */
    public static final class Arithmetic extends LongNode {
        public enum Op { ADD, SUBTRACT, MULTIPLY, DIVIDE, MODULO }

        private final Op op;
        private final LongNode left;
        private final LongNode right;

        public Arithmetic(Op op, LongNode left, LongNode right) {
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        public boolean isNull(Row row) {
            if (left.isNull(row) || right.isNull(row)) {
                return true;
            }
            long x = left.eval(row);
            long y = right.eval(row);
            return switch (op) {
                case ADD -> CelSemantics.addOverflows(x, y);
                case SUBTRACT -> CelSemantics.subtractOverflows(x, y);
                case MULTIPLY -> CelSemantics.multiplyOverflows(x, y);
                case DIVIDE -> CelSemantics.divideFails(x, y);
                case MODULO -> CelSemantics.moduloFails(y);
            };
        }

        @Override
        public long eval(Row row) {
            long x = left.eval(row);
            long y = right.eval(row);
            return switch (op) {
                case ADD -> x + y;
                case SUBTRACT -> x - y;
                case MULTIPLY -> x * y;
                case DIVIDE -> x / y;
                case MODULO -> x % y;
            };
        }
    }

    public static final class Negate extends LongNode {
        private final LongNode operand;

        public Negate(LongNode operand) {
            this.operand = operand;
        }

        @Override
        public boolean isNull(Row row) {
            return operand.isNull(row) || CelSemantics.negateOverflows(operand.eval(row));
        }

        @Override
        public long eval(Row row) {
            return -operand.eval(row);
        }
    }

    /** {@code int(double)}: truncates toward zero; out of range or NaN is an error. */
    public static final class FromDouble extends LongNode {
        private final DoubleNode operand;

        public FromDouble(DoubleNode operand) {
            this.operand = operand;
        }

        @Override
        public boolean isNull(Row row) {
            return operand.isNull(row) || CelSemantics.doubleToIntFails(operand.eval(row));
        }

        @Override
        public long eval(Row row) {
            return (long) operand.eval(row);
        }
    }

    /** {@code cond ? a : b}; only the branch taken matters. */
    public static final class Conditional extends LongNode {
        private final BoolNode condition;
        private final LongNode ifTrue;
        private final LongNode ifFalse;

        public Conditional(BoolNode condition, LongNode ifTrue, LongNode ifFalse) {
            this.condition = condition;
            this.ifTrue = ifTrue;
            this.ifFalse = ifFalse;
        }

        @Override
        public boolean isNull(Row row) {
            return switch (condition.eval(row)) {
                case BoolNode.TRUE -> ifTrue.isNull(row);
                case BoolNode.FALSE -> ifFalse.isNull(row);
                default -> true;
            };
        }

        @Override
        public long eval(Row row) {
            return condition.eval(row) == BoolNode.TRUE ? ifTrue.eval(row) : ifFalse.eval(row);
        }
    }
}
