package dev.freshet.model.yaml;

import dev.freshet.model.FeatureRepository;
import dev.freshet.model.validate.SourceMap;
import dev.freshet.model.validate.ValidationError;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Outcome of loading a repository folder: a valid repository, or every error found (syntax,
 * binding and validation), sorted by file and line.
 *
 * @param repository the repository when there are no errors, else null
 * @param sources    where each loaded object was written
 * @param errors     all problems, empty when the repository is valid
 */
public record LoadResult(FeatureRepository repository, SourceMap sources, List<ValidationError> errors) {
    public LoadResult {
        errors = List.copyOf(errors);
        if ((repository == null) == errors.isEmpty()) {
            throw new IllegalArgumentException("a load result has a repository or errors, not both");
        }
    }

    public boolean isValid() {
        return errors.isEmpty();
    }

    public Optional<FeatureRepository> repositoryIfValid() {
        return Optional.ofNullable(repository);
    }

    /** The repository, or an {@link InvalidRepositoryException} listing every error. */
    public FeatureRepository repositoryOrThrow() {
        if (repository == null) {
            throw new InvalidRepositoryException(errors);
        }
        return repository;
    }

    /** One error per line, as {@code file:line:column: path: message}. */
    public String errorReport() {
        return errors.stream().map(ValidationError::toString).collect(Collectors.joining(System.lineSeparator()));
    }
}
