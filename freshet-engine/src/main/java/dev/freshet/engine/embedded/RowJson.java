package dev.freshet.engine.embedded;

import dev.freshet.model.expr.Row;
import dev.freshet.model.spec.Schema;

/**
 * Renders one event as a JSON object (field order = schema order), for dead-letter payloads: the
 * log keeps binary records, the dead-letter store shows what the event said. Non-finite floats,
 * which JSON cannot express, are written as strings ({@code "NaN"}).
 */
final class RowJson {
    private RowJson() {
    }

    static String render(Schema schema, Row row) {
        StringBuilder sb = new StringBuilder(64 + 16 * schema.size()).append('{');
        for (int f = 0; f < schema.size(); f++) {
            if (f > 0) {
                sb.append(',');
            }
            string(sb, schema.field(f).name());
            sb.append(':');
            if (row.isNull(f)) {
                sb.append("null");
                continue;
            }
            switch (schema.field(f).type()) {
                case INT64, TIMESTAMP -> sb.append(row.getLong(f));
                case FLOAT64 -> {
                    double d = row.getDouble(f);
                    if (Double.isFinite(d)) {
                        sb.append(d);
                    } else {
                        string(sb, Double.toString(d));
                    }
                }
                case BOOL -> sb.append(row.getBool(f));
                case STRING -> string(sb, (String) row.getObject(f));
            }
        }
        return sb.append('}').toString();
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
