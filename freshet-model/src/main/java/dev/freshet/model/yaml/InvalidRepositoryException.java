package dev.freshet.model.yaml;

import dev.freshet.model.validate.ValidationError;
import java.util.List;
import java.util.stream.Collectors;

/** A feature repository has errors; the message lists them, one per line. */
public final class InvalidRepositoryException extends RuntimeException {
    private final List<ValidationError> errors;

    public InvalidRepositoryException(List<ValidationError> errors) {
        super(errors.size() + " error(s) in feature repository:" + System.lineSeparator()
                + errors.stream().map(ValidationError::toString).collect(Collectors.joining(System.lineSeparator())));
        this.errors = List.copyOf(errors);
    }

    public List<ValidationError> errors() {
        return errors;
    }
}
