package dev.freshet.model.validate;

import dev.freshet.model.FeatureRepository;
import dev.freshet.model.expr.ExpressionCompiler;
import dev.freshet.model.validate.internal.RepositoryChecks;
import java.util.List;

/**
 * Checks a whole feature repository and reports every problem it finds, never only the first:
 * names, references between objects, schemas and event time, windows and hops, function/input
 * types, filters and on-demand expressions (type-checked by CEL), and feature services.
 *
 * <pre>{@code
 * List<ValidationError> errors = new Validator().validate(repo);
 * errors.forEach(System.err::println);  // <builder>: card_txn.features[2].hop: hop 7m does not divide window 1h
 * }</pre>
 *
 * <p>YAML repositories are validated by {@link dev.freshet.model.yaml.RepositoryLoader#load}, which
 * passes the {@link SourceMap} so errors carry file, line and column.
 */
public final class Validator {
    private final ExpressionCompiler compiler;

    public Validator() {
        this(new ExpressionCompiler());
    }

    public Validator(ExpressionCompiler compiler) {
        this.compiler = compiler;
    }

    /** Validates a builder-made repository: errors have file {@value ValidationError#BUILDER}, line 0. */
    public List<ValidationError> validate(FeatureRepository repo) {
        return validate(repo, SourceMap.EMPTY);
    }

    /** Validates a repository whose objects were loaded from the locations in {@code sources}. */
    public List<ValidationError> validate(FeatureRepository repo, SourceMap sources) {
        return RepositoryChecks.run(repo, sources, compiler).stream().sorted(ValidationError.ORDER).toList();
    }
}
