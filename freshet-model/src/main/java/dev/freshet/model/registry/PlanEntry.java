package dev.freshet.model.registry;

import dev.freshet.model.spec.Spec;
import dev.freshet.model.spec.SpecKind;

/**
 * The planned change of one object.
 *
 * @param kind       object kind
 * @param name       object name
 * @param change     what happens
 * @param oldVersion the current registered version, 0 when the object was never registered
 * @param newVersion the version after applying: old + 1 for added/changed, old otherwise
 * @param oldHash    content hash of the current version, null when never registered
 * @param newHash    content hash of the repository's spec, null when removed
 * @param spec       the repository's spec, null when removed
 */
public record PlanEntry(
        SpecKind kind,
        String name,
        Change change,
        int oldVersion,
        int newVersion,
        String oldHash,
        String newHash,
        Spec spec) {

    /** {@code ~ feature_view card_txn v1 -> v2} style summary line. */
    @Override
    public String toString() {
        String sign = switch (change) {
            case ADDED -> "+";
            case CHANGED -> "~";
            case UNCHANGED -> "=";
            case REMOVED -> "-";
        };
        String kindName = kind.name().toLowerCase(java.util.Locale.ROOT);
        String versions = switch (change) {
            case ADDED -> "v" + newVersion;
            case CHANGED -> "v" + oldVersion + " -> v" + newVersion;
            case UNCHANGED -> "v" + oldVersion;
            case REMOVED -> "v" + oldVersion + " retired";
        };
        return sign + " " + kindName + " " + name + " " + versions;
    }
}
