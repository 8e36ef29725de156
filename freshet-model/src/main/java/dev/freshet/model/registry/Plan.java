package dev.freshet.model.registry;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The difference between a repository and the registry, computed by {@link Registry#plan} and
 * carried out by {@link Registry#apply}. Entries are sorted by kind, then name.
 *
 * @param baseRevision registry revision the plan was computed against; applying it to a registry
 *                     that has changed since fails with {@link StalePlanException}
 * @param entries      one entry per object of the repository or the registry's active objects
 */
public record Plan(long baseRevision, List<PlanEntry> entries) {
    public Plan {
        entries = List.copyOf(entries);
    }

    public List<PlanEntry> added() {
        return with(Change.ADDED);
    }

    public List<PlanEntry> changed() {
        return with(Change.CHANGED);
    }

    public List<PlanEntry> unchanged() {
        return with(Change.UNCHANGED);
    }

    public List<PlanEntry> removed() {
        return with(Change.REMOVED);
    }

    /** Whether applying would record anything. */
    public boolean hasChanges() {
        return entries.stream().anyMatch(e -> e.change() != Change.UNCHANGED);
    }

    private List<PlanEntry> with(Change change) {
        return entries.stream().filter(e -> e.change() == change).toList();
    }

    /** One line per entry, e.g. {@code ~ feature_view card_txn v1 -> v2}. */
    @Override
    public String toString() {
        return entries.stream().map(PlanEntry::toString).collect(Collectors.joining(System.lineSeparator()));
    }
}
