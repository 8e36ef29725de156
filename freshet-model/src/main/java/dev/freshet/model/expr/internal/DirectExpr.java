package dev.freshet.model.expr.internal;

import dev.freshet.model.expr.CompiledExpr;
import dev.freshet.model.expr.Row;
import dev.freshet.model.spec.FieldType;

/**
 * {@link CompiledExpr} over a tree of direct nodes, one subclass per result type. Getters that do
 * not fit the result type throw {@link IllegalStateException} (callers choose the getter from
 * {@link #type()}); {@link #evalDouble} widens int results.
 */
public abstract sealed class DirectExpr implements CompiledExpr {
    private final FieldType type;
    private final String text;
    private final int fieldIndex;

    DirectExpr(FieldType type, String text, int fieldIndex) {
        this.type = type;
        this.text = text;
        this.fieldIndex = fieldIndex;
    }

    @Override
    public final FieldType type() {
        return type;
    }

    @Override
    public final String text() {
        return text;
    }

    @Override
    public final boolean isDirect() {
        return true;
    }

    @Override
    public final int fieldIndex() {
        return fieldIndex;
    }

    @Override
    public double evalDouble(Row row) {
        throw wrongGetter("double");
    }

    @Override
    public long evalLong(Row row) {
        throw wrongGetter("long");
    }

    @Override
    public boolean evalBool(Row row) {
        throw wrongGetter("bool");
    }

    @Override
    public String toString() {
        return "direct[" + type.yamlName() + "] " + text;
    }

    private IllegalStateException wrongGetter(String getter) {
        return new IllegalStateException("expression '" + text + "' has type " + type.yamlName()
                + "; it has no " + getter + " value");
    }

    public static final class OfLong extends DirectExpr {
        private final LongNode node;

        public OfLong(LongNode node, FieldType type, String text, int fieldIndex) {
            super(type, text, fieldIndex);
            this.node = node;
        }

        @Override
        public boolean isNull(Row row) {
            return node.isNull(row);
        }

        @Override
        public long evalLong(Row row) {
            return node.eval(row);
        }

        @Override
        public double evalDouble(Row row) {
            return node.eval(row);
        }

        @Override
        public Object evalObject(Row row) {
            return node.isNull(row) ? null : Long.valueOf(node.eval(row));
        }
    }

    public static final class OfDouble extends DirectExpr {
        private final DoubleNode node;

        public OfDouble(DoubleNode node, String text, int fieldIndex) {
            super(FieldType.FLOAT64, text, fieldIndex);
            this.node = node;
        }

        @Override
        public boolean isNull(Row row) {
            return node.isNull(row);
        }

        @Override
        public double evalDouble(Row row) {
            return node.eval(row);
        }

        @Override
        public Object evalObject(Row row) {
            return node.isNull(row) ? null : Double.valueOf(node.eval(row));
        }
    }

    public static final class OfBool extends DirectExpr {
        private final BoolNode node;

        public OfBool(BoolNode node, String text, int fieldIndex) {
            super(FieldType.BOOL, text, fieldIndex);
            this.node = node;
        }

        @Override
        public boolean isNull(Row row) {
            return node.eval(row) == BoolNode.NULL;
        }

        @Override
        public boolean evalBool(Row row) {
            return node.eval(row) == BoolNode.TRUE;
        }

        @Override
        public boolean test(Row row) {
            return node.eval(row) == BoolNode.TRUE;
        }

        @Override
        public Object evalObject(Row row) {
            int v = node.eval(row);
            return v == BoolNode.NULL ? null : Boolean.valueOf(v == BoolNode.TRUE);
        }
    }

    public static final class OfString extends DirectExpr {
        private final StringNode node;

        public OfString(StringNode node, String text, int fieldIndex) {
            super(FieldType.STRING, text, fieldIndex);
            this.node = node;
        }

        @Override
        public boolean isNull(Row row) {
            return node.eval(row) == null;
        }

        @Override
        public Object evalObject(Row row) {
            return node.eval(row);
        }
    }
}
