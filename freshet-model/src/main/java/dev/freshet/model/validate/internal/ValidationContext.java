package dev.freshet.model.validate.internal;

import dev.freshet.model.FeatureRepository;
import dev.freshet.model.expr.ExpressionCompiler;
import dev.freshet.model.expr.ExpressionIssue;
import dev.freshet.model.expr.ExpressionResult;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.BatchFeatureSpec;
import dev.freshet.model.spec.FeatureRef;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.model.spec.Spec;
import dev.freshet.model.validate.SourceMap;
import dev.freshet.model.validate.ValidationError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * State shared by the checks of one validation run: the repository, where its objects were written,
 * the errors found so far, and a cache of compiled expressions (each is compiled once).
 */
public final class ValidationContext {
    private final FeatureRepository repo;
    private final SourceMap sources;
    private final ExpressionCompiler compiler;
    private final List<ValidationError> errors = new ArrayList<>();
    private final Map<Schema, Map<String, ExpressionResult>> compiled = new HashMap<>();

    public ValidationContext(FeatureRepository repo, SourceMap sources, ExpressionCompiler compiler) {
        this.repo = repo;
        this.sources = sources;
        this.compiler = compiler;
    }

    public FeatureRepository repo() {
        return repo;
    }

    public SourceMap sources() {
        return sources;
    }

    public List<ValidationError> errors() {
        return List.copyOf(errors);
    }

    /** Reports a problem at {@code path} (relative to the object, e.g. {@code features[2].hop}). */
    public void error(Spec spec, String path, String message) {
        errors.add(sources.locate(spec, path)
                .map(l -> new ValidationError(l.file(), l.line(), l.column(), fullPath(spec, path), message))
                .orElseGet(() -> new ValidationError(ValidationError.BUILDER, 0, 0, fullPath(spec, path), message)));
    }

    /**
     * Reports the issues of the expression at {@code path}: each at its own file line and column
     * when the expression is a block scalar written line for line, else at the expression with its
     * position in the message.
     */
    public void error(Spec spec, String path, ExpressionResult result) {
        for (ExpressionIssue issue : result.issues()) {
            sources.locateInText(spec, path, issue.line(), issue.column()).ifPresentOrElse(
                    l -> errors.add(new ValidationError(l.file(), l.line(), l.column(), fullPath(spec, path), issue.message())),
                    () -> error(spec, path, issue.toString()));
        }
    }

    private static String fullPath(Spec spec, String path) {
        return path.isEmpty() ? spec.name() : spec.name() + "." + path;
    }

    /**
     * Whether the loader could not read {@code key} of {@code spec} and reported it: neither its
     * absence nor the checks that depend on its value are reported again.
     */
    public boolean unreadable(Spec spec, String key) {
        return sources.unreadable(spec.kind(), spec.name(), key);
    }

    /** Reports that the required {@code key} is missing (why it is required, if not empty), unless it was unreadable. */
    public void missing(Spec spec, String key, String why) {
        if (!unreadable(spec, key)) {
            error(spec, key, "missing required key '" + key + "'" + (why.isEmpty() ? "" : " (" + why + ")"));
        }
    }

    /** "file:line" of a path, for "also defined at" notes; empty for builder-made objects. */
    public String where(Spec spec, String path) {
        return sources.locate(spec, path).map(l -> l.file() + ":" + l.line()).orElse("");
    }

    /** The path of a view's feature: where the loader found it, else its position among the view's features. */
    public String elementPath(Object element, int position) {
        return sources.elementPath(element).orElse("features[" + position + "]");
    }

    public ExpressionResult compile(String text, Schema schema) {
        return compiled.computeIfAbsent(schema, s -> new HashMap<>())
                .computeIfAbsent(text, t -> compiler.tryCompile(t, schema));
    }

    /**
     * The value type of a view feature, when the view, its source and the feature resolve and the
     * feature is a single value (not last_n / top_k).
     */
    public Optional<FieldType> featureType(FeatureRef ref) {
        Optional<SourceSpec> source = repo.featureView(ref.view()).flatMap(v -> Optional.ofNullable(v.source()))
                .flatMap(repo::source);
        if (source.isEmpty()) {
            return Optional.empty();
        }
        Schema schema = source.get().schema();
        Optional<AggregationSpec> agg = repo.aggregation(ref);
        if (agg.isPresent()) {
            AggregationSpec a = agg.get();
            if (a.input() == null) {
                return a.function().resultType(null);
            }
            ExpressionResult input = compile(a.input(), schema);
            return input.ok() ? a.function().resultType(input.expr().type()) : Optional.empty();
        }
        Optional<BatchFeatureSpec> batch = repo.batchFeature(ref);
        if (batch.isPresent()) {
            ExpressionResult input = compile(batch.get().input(), schema);
            return input.ok() ? Optional.of(input.expr().type()) : Optional.empty();
        }
        return Optional.empty();
    }
}
