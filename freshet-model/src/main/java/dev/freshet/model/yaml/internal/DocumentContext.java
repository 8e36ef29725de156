package dev.freshet.model.yaml.internal;

import dev.freshet.model.spec.SpecKind;
import dev.freshet.model.validate.SourceMap;
import dev.freshet.model.validate.SourceMap.Location;
import dev.freshet.model.validate.ValidationError;
import java.util.List;

/** Where binding errors of one YAML document go, and the object name that prefixes their paths. */
final class DocumentContext {
    private final List<ValidationError> errors;
    private final SourceMap.Builder sources;
    private SpecKind objectKind;
    private String objectName;

    DocumentContext(List<ValidationError> errors, SourceMap.Builder sources) {
        this.errors = errors;
        this.sources = sources;
    }

    SourceMap.Builder sources() {
        return sources;
    }

    String objectName() {
        return objectName;
    }

    /** The object the rest of the document describes, declared in the source map. */
    void object(SpecKind kind, String name) {
        this.objectKind = kind;
        this.objectName = name;
        sources.declareObject(kind, name);
    }

    /** A key of the object (a path relative to it) that could not be read: see {@link SourceMap#unreadable}. */
    void unreadable(String path) {
        if (objectName != null) {
            sources.declareUnreadable(objectKind, objectName, path);
        }
    }

    /** Reports a problem at a position; {@code path} is relative to the object. */
    void error(Location at, String path, String message) {
        String full = objectName == null ? path : path.isEmpty() ? objectName : objectName + "." + path;
        errors.add(new ValidationError(at.file(), at.line(), at.column(), full, message));
    }
}
