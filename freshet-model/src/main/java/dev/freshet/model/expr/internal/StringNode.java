package dev.freshet.model.expr.internal;

import dev.freshet.model.expr.Row;

/** A direct string expression node; {@link #eval} returns null for null. */
public abstract class StringNode {
    public abstract String eval(Row row);

    public static final class Field extends StringNode {
        private final int index;

        public Field(int index) {
            this.index = index;
        }

        @Override
        public String eval(Row row) {
            return row.isNull(index) ? null : (String) row.getObject(index);
        }
    }

    public static final class Const extends StringNode {
        private final String value;

        public Const(String value) {
            this.value = value;
        }

        @Override
        public String eval(Row row) {
            return value;
        }
    }

    public static final class Conditional extends StringNode {
        private final BoolNode condition;
        private final StringNode ifTrue;
        private final StringNode ifFalse;

        public Conditional(BoolNode condition, StringNode ifTrue, StringNode ifFalse) {
            this.condition = condition;
            this.ifTrue = ifTrue;
            this.ifFalse = ifFalse;
        }

        @Override
        public String eval(Row row) {
            return switch (condition.eval(row)) {
                case BoolNode.TRUE -> ifTrue.eval(row);
                case BoolNode.FALSE -> ifFalse.eval(row);
                default -> null;
            };
        }
    }
}
