package dev.freshet.model.expr.internal;

import dev.freshet.model.expr.Row;

/**
 * Comparison nodes ({@code == != < <= > >=}) for each pair of operand types the direct form
 * supports. Same-type doubles use Java's primitive operators (NaN compares false, -0.0 == 0.0), as
 * CEL does; int/double ordering uses {@link CelSemantics#compareDoubleInt}; strings compare by
 * UTF-16 code units ({@link String#compareTo}), as CEL-Java does.
 */
public final class Comparison {
    private Comparison() {
    }

    public enum Op {
        EQ, NE, LT, LE, GT, GE;

        /** Applies this operator to the sign of a three-way comparison. */
        boolean test(int cmp) {
            return switch (this) {
                case EQ -> cmp == 0;
                case NE -> cmp != 0;
                case LT -> cmp < 0;
                case LE -> cmp <= 0;
                case GT -> cmp > 0;
                case GE -> cmp >= 0;
            };
        }
    }

    public static final class Longs extends BoolNode {
        private final Op op;
        private final LongNode left;
        private final LongNode right;

        public Longs(Op op, LongNode left, LongNode right) {
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        public int eval(Row row) {
            if (left.isNull(row) || right.isNull(row)) {
                return NULL;
            }
            long x = left.eval(row);
            long y = right.eval(row);
            return of(switch (op) {
                case EQ -> x == y;
                case NE -> x != y;
                case LT -> x < y;
                case LE -> x <= y;
                case GT -> x > y;
                case GE -> x >= y;
            });
        }
    }

    public static final class Doubles extends BoolNode {
        private final Op op;
        private final DoubleNode left;
        private final DoubleNode right;

        public Doubles(Op op, DoubleNode left, DoubleNode right) {
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        public int eval(Row row) {
            if (left.isNull(row) || right.isNull(row)) {
                return NULL;
            }
            double x = left.eval(row);
            double y = right.eval(row);
            return of(switch (op) {
                case EQ -> x == y;
                case NE -> x != y;
                case LT -> x < y;
                case LE -> x <= y;
                case GT -> x > y;
                case GE -> x >= y;
            });
        }
    }

    /** Ordering of an int (left) against a double (right). */
    public static final class LongDouble extends BoolNode {
        private final Op op;
        private final LongNode left;
        private final DoubleNode right;

        public LongDouble(Op op, LongNode left, DoubleNode right) {
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        public int eval(Row row) {
            if (left.isNull(row) || right.isNull(row)) {
                return NULL;
            }
            return of(op.test(CelSemantics.compareIntDouble(left.eval(row), right.eval(row))));
        }
    }

    /** Ordering of a double (left) against an int (right). */
    public static final class DoubleLong extends BoolNode {
        private final Op op;
        private final DoubleNode left;
        private final LongNode right;

        public DoubleLong(Op op, DoubleNode left, LongNode right) {
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        public int eval(Row row) {
            if (left.isNull(row) || right.isNull(row)) {
                return NULL;
            }
            return of(op.test(CelSemantics.compareDoubleInt(left.eval(row), right.eval(row))));
        }
    }

    public static final class Strings extends BoolNode {
        private final Op op;
        private final StringNode left;
        private final StringNode right;

        public Strings(Op op, StringNode left, StringNode right) {
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        public int eval(Row row) {
            String x = left.eval(row);
            if (x == null) {
                return NULL;
            }
            String y = right.eval(row);
            if (y == null) {
                return NULL;
            }
            return of(switch (op) {
                case EQ -> x.equals(y);
                case NE -> !x.equals(y);
                default -> op.test(x.compareTo(y));
            });
        }
    }

    public static final class Bools extends BoolNode {
        private final Op op;
        private final BoolNode left;
        private final BoolNode right;

        public Bools(Op op, BoolNode left, BoolNode right) {
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        public int eval(Row row) {
            int x = left.eval(row);
            if (x == NULL) {
                return NULL;
            }
            int y = right.eval(row);
            if (y == NULL) {
                return NULL;
            }
            return of(op.test(Integer.compare(x, y)));
        }
    }
}
