package dev.freshet.model.expr.internal;

import dev.freshet.model.expr.Row;

/**
 * A direct boolean expression node in three-valued logic: {@link #eval} returns {@link #FALSE},
 * {@link #TRUE} or {@link #NULL} (a null input or a CEL error) in one pass, with no allocation.
 * {@code &&} and {@code ||} absorb nulls the way CEL absorbs errors: {@code false && null} is
 * false and {@code true || null} is true, in either operand order.
 */
public abstract class BoolNode {
    public static final int FALSE = 0;
    public static final int TRUE = 1;
    public static final int NULL = 2;

    public abstract int eval(Row row);

    static int of(boolean b) {
        return b ? TRUE : FALSE;
    }

    public static final class Field extends BoolNode {
        private final int index;

        public Field(int index) {
            this.index = index;
        }

        @Override
        public int eval(Row row) {
            return row.isNull(index) ? NULL : of(row.getBool(index));
        }
    }

    public static final class Const extends BoolNode {
        private final int value;

        public Const(boolean value) {
            this.value = of(value);
        }

        @Override
        public int eval(Row row) {
            return value;
        }
    }

    public static final class Not extends BoolNode {
        private final BoolNode operand;

        public Not(BoolNode operand) {
            this.operand = operand;
        }

        @Override
        public int eval(Row row) {
            int v = operand.eval(row);
            return v == NULL ? NULL : TRUE - v;
        }
    }

    public static final class And extends BoolNode {
        private final BoolNode left;
        private final BoolNode right;

        public And(BoolNode left, BoolNode right) {
            this.left = left;
            this.right = right;
        }

        @Override
        public int eval(Row row) {
            int l = left.eval(row);
            if (l == FALSE) {
                return FALSE;
            }
            int r = right.eval(row);
            if (r == FALSE) {
                return FALSE;
            }
            return l == NULL || r == NULL ? NULL : TRUE;
        }
    }

    public static final class Or extends BoolNode {
        private final BoolNode left;
        private final BoolNode right;

        public Or(BoolNode left, BoolNode right) {
            this.left = left;
            this.right = right;
        }

        @Override
        public int eval(Row row) {
            int l = left.eval(row);
            if (l == TRUE) {
                return TRUE;
            }
            int r = right.eval(row);
            if (r == TRUE) {
                return TRUE;
            }
            return l == NULL || r == NULL ? NULL : FALSE;
        }
    }

    public static final class Conditional extends BoolNode {
        private final BoolNode condition;
        private final BoolNode ifTrue;
        private final BoolNode ifFalse;

        public Conditional(BoolNode condition, BoolNode ifTrue, BoolNode ifFalse) {
            this.condition = condition;
            this.ifTrue = ifTrue;
            this.ifFalse = ifFalse;
        }

        @Override
        public int eval(Row row) {
            return switch (condition.eval(row)) {
                case TRUE -> ifTrue.eval(row);
                case FALSE -> ifFalse.eval(row);
                default -> NULL;
            };
        }
    }
}
