package dev.freshet.model.spec;

import java.util.Objects;
import java.util.Optional;

/**
 * A reference to a feature of a view, written {@code view:feature} in specs and
 * {@code view__feature} as a variable inside on-demand expressions.
 *
 * @param view    feature view name
 * @param feature feature name within the view, or {@code *} for all of them (services only)
 */
public record FeatureRef(String view, String feature) {
    /** Separator between view and feature in references. */
    public static final String SEPARATOR = ":";
    /** Separator between view and feature in expression variable names. */
    public static final String VARIABLE_SEPARATOR = "__";
    /** Feature name meaning "every feature of the view". */
    public static final String ALL = "*";

    public FeatureRef {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(feature, "feature");
    }

    /** Parses {@code view:feature}; empty when the text has no single ':' with text on both sides. */
    public static Optional<FeatureRef> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int i = text.indexOf(SEPARATOR);
        if (i <= 0 || i == text.length() - 1 || text.indexOf(SEPARATOR, i + 1) >= 0) {
            return Optional.empty();
        }
        return Optional.of(new FeatureRef(text.substring(0, i).trim(), text.substring(i + 1).trim()));
    }

    public boolean isWildcard() {
        return feature.equals(ALL);
    }

    /** The variable name of this feature in on-demand expressions: {@code view__feature}. */
    public String variableName() {
        return view + VARIABLE_SEPARATOR + feature;
    }

    @Override
    public String toString() {
        return view + SEPARATOR + feature;
    }
}
