package dev.freshet.offline;

import dev.freshet.model.FeatureRepository;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Which features a training set holds: a feature service, or a list of feature references
 * ({@code view:feature} or on-demand names). Exactly one of the two is set.
 */
public record FeatureSelection(String service, List<String> refs) {
    public FeatureSelection {
        if ((service == null) == (refs == null)) {
            throw new IllegalArgumentException("give either a feature service or a list of features");
        }
        if (refs != null) {
            refs = List.copyOf(refs);
            if (refs.isEmpty()) {
                throw new IllegalArgumentException("the feature list is empty");
            }
        }
    }

    public static FeatureSelection ofService(String service) {
        return new FeatureSelection(Objects.requireNonNull(service, "service"), null);
    }

    public static FeatureSelection ofFeatures(List<String> refs) {
        return new FeatureSelection(null, refs);
    }

    /**
     * Parses a command-line value: the name of a feature service of {@code repo}, else a
     * comma-separated list of feature references.
     */
    public static FeatureSelection parse(String text, FeatureRepository repo) {
        String t = text.strip();
        if (repo.featureServices().stream().anyMatch(s -> s.name().equals(t))) {
            return ofService(t);
        }
        return ofFeatures(Arrays.stream(t.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList());
    }
}
