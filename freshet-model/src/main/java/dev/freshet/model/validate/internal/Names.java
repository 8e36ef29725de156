package dev.freshet.model.validate.internal;

import dev.freshet.model.spec.Spec;
import dev.freshet.model.spec.SpecKind;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Name rules: every name is an identifier (letters, digits, underscores; not starting with a
 * digit) so it can be used in expressions and URLs, names are unique per kind, and view and feature
 * names do not contain {@code __}, which separates them in on-demand variables
 * ({@code view__feature}).
 */
final class Names {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Names() {
    }

    static boolean isIdentifier(String name) {
        return name != null && IDENTIFIER.matcher(name).matches();
    }

    static String kindName(SpecKind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** Checks the name of one object; {@code what} is e.g. "feature view". */
    static void checkIdentifier(ValidationContext ctx, Spec spec, String path, String what, String name,
            boolean forbidDoubleUnderscore) {
        if (!isIdentifier(name)) {
            ctx.error(spec, path, what + " name '" + name
                    + "' is not an identifier (use letters, digits and _, not starting with a digit)");
        } else if (forbidDoubleUnderscore && name.contains("__")) {
            ctx.error(spec, path, what + " name '" + name
                    + "' contains '__', which separates view and feature in on-demand expressions");
        }
    }

    /** Reports every object whose name an earlier object of the same kind already has. */
    static void checkObjects(ValidationContext ctx, List<? extends Spec> specs) {
        Map<String, Spec> seen = new HashMap<>();
        for (Spec spec : specs) {
            String what = kindName(spec.kind());
            checkIdentifier(ctx, spec, "name", what, spec.name(),
                    spec.kind() == SpecKind.FEATURE_VIEW);
            Spec first = seen.putIfAbsent(spec.name(), spec);
            if (first != null) {
                String where = ctx.where(first, "name");
                ctx.error(spec, "name", "duplicate " + what + " name '" + spec.name() + "'"
                        + (where.isEmpty() ? "" : " (first defined at " + where + ")"));
            }
        }
    }
}
