package dev.freshet.model.expr.internal;

import dev.freshet.model.expr.Row;

/**
 * A direct float64 expression node (CEL type {@code double}). Double arithmetic never errors in
 * CEL (division by zero gives an infinity or NaN), so {@link #isNull} only reflects null inputs and
 * errors of int sub-expressions. {@link #eval} may only be called when it is false.
 */
public abstract class DoubleNode {
    public abstract boolean isNull(Row row);

    public abstract double eval(Row row);

    public static final class Field extends DoubleNode {
        private final int index;

        public Field(int index) {
            this.index = index;
        }

        @Override
        public boolean isNull(Row row) {
            return row.isNull(index);
        }

        @Override
        public double eval(Row row) {
            return row.getDouble(index);
        }
    }

    public static final class Const extends DoubleNode {
        private final double value;

        public Const(double value) {
            this.value = value;
        }

        @Override
        public boolean isNull(Row row) {
            return false;
        }

        @Override
        public double eval(Row row) {
            return value;
        }
    }

    public static final class Arithmetic extends DoubleNode {
        public enum Op { ADD, SUBTRACT, MULTIPLY, DIVIDE }

        private final Op op;
        private final DoubleNode left;
        private final DoubleNode right;

        public Arithmetic(Op op, DoubleNode left, DoubleNode right) {
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        public boolean isNull(Row row) {
            return left.isNull(row) || right.isNull(row);
        }

        @Override
        public double eval(Row row) {
            double x = left.eval(row);
            double y = right.eval(row);
            return switch (op) {
                case ADD -> x + y;
                case SUBTRACT -> x - y;
                case MULTIPLY -> x * y;
                case DIVIDE -> x / y;
            };
        }
    }

    public static final class Negate extends DoubleNode {
        private final DoubleNode operand;

        public Negate(DoubleNode operand) {
            this.operand = operand;
        }

        @Override
        public boolean isNull(Row row) {
            return operand.isNull(row);
        }

        @Override
        public double eval(Row row) {
            return -operand.eval(row);
        }
    }

    /** {@code double(int)}. */
    public static final class FromLong extends DoubleNode {
        private final LongNode operand;

        public FromLong(LongNode operand) {
            this.operand = operand;
        }

        @Override
        public boolean isNull(Row row) {
            return operand.isNull(row);
        }

        @Override
        public double eval(Row row) {
            return (double) operand.eval(row);
        }
    }

    /** {@code haversine_km(lat1, lon1, lat2, lon2)}. */
    public static final class HaversineKm extends DoubleNode {
        private final DoubleNode lat1;
        private final DoubleNode lon1;
        private final DoubleNode lat2;
        private final DoubleNode lon2;

        public HaversineKm(DoubleNode lat1, DoubleNode lon1, DoubleNode lat2, DoubleNode lon2) {
            this.lat1 = lat1;
            this.lon1 = lon1;
            this.lat2 = lat2;
            this.lon2 = lon2;
        }

        @Override
        public boolean isNull(Row row) {
            return lat1.isNull(row) || lon1.isNull(row) || lat2.isNull(row) || lon2.isNull(row);
        }

        @Override
        public double eval(Row row) {
            return Haversine.km(lat1.eval(row), lon1.eval(row), lat2.eval(row), lon2.eval(row));
        }
    }

    public static final class Conditional extends DoubleNode {
        private final BoolNode condition;
        private final DoubleNode ifTrue;
        private final DoubleNode ifFalse;

        public Conditional(BoolNode condition, DoubleNode ifTrue, DoubleNode ifFalse) {
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
        public double eval(Row row) {
            return condition.eval(row) == BoolNode.TRUE ? ifTrue.eval(row) : ifFalse.eval(row);
        }
    }
}
