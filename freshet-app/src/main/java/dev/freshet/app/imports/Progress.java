package dev.freshet.app.imports;

/** Progress of an import or export: units done of a total (0 when unknown), per phase. */
@FunctionalInterface
public interface Progress {
    Progress NONE = (phase, done, total) -> { };

    /** The phases, in the order they run. */
    enum Phase {
        /** Reading and validating the input file (rows). */
        VALIDATE,
        /** Appending the sorted events to the log (events). */
        APPEND,
        /** Reading the log for an export (events). */
        EXPORT
    }

    void update(Phase phase, long done, long total);
}
