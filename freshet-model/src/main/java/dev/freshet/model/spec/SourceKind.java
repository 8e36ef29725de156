package dev.freshet.model.spec;

/** Stream sources deliver events continuously; batch sources are tables read in bulk. */
public enum SourceKind {
    STREAM, BATCH
}
