package dev.freshet.model.registry;

import dev.freshet.model.FeatureRepository;
import dev.freshet.model.registry.internal.ContentHash;
import dev.freshet.model.registry.internal.Lineage;
import dev.freshet.model.registry.internal.RegistryFile;
import dev.freshet.model.registry.internal.RegistryFile.State;
import dev.freshet.model.registry.internal.RegistryFile.StoredObject;
import dev.freshet.model.spec.Spec;
import dev.freshet.model.spec.SpecKind;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every version of every object ever applied from a feature repository, persisted as one JSON file
 * (by default {@code <repo>/.freshet/registry.json}).
 *
 * <p>{@link #plan} compares a repository with the registry by content hash; {@link #apply} records
 * the plan: added objects get version 1, changed objects version + 1, removed objects are marked
 * retired (their versions stay listed and readable), unchanged objects are left alone. An object
 * that comes back after being retired gets a new version. Time comes from the {@link InstantSource}
 * given to {@link #open}, never from the system clock directly.
 *
 * <p>Instances are safe to share between threads; two processes must not apply to the same file at
 * once (the file is replaced atomically, but concurrent applies are not merged: the later one
 * wins).
 *
 * <pre>{@code
 * Registry registry = Registry.open(Registry.defaultFile(repoDir), InstantSource.system());
 * Plan plan = registry.plan(repo);
 * System.out.println(plan);           // + feature_view card_txn v1 ...
 * registry.apply(plan);
 * }</pre>
 */
public final class Registry {
    private static final Comparator<StoredObject> ORDER = Comparator.comparing(StoredObject::kind)
            .thenComparing(StoredObject::name);

    private final Path file;
    private final InstantSource clock;
    private State state;

    private Registry(Path file, InstantSource clock, State state) {
        this.file = file;
        this.clock = clock;
        this.state = state;
    }

    /**
     * Opens the registry stored in {@code file}, or an empty one if the file does not exist yet.
     *
     * @throws RegistryFileException when the file is not a readable registry (not JSON, another
     *                               format version, missing or malformed content); its message names the file
     * @throws java.io.UncheckedIOException when the file cannot be read
     */
    public static Registry open(Path file, InstantSource clock) {
        return new Registry(file, clock, RegistryFile.read(file));
    }

    /** {@code <repoDir>/.freshet/registry.json}. */
    public static Path defaultFile(Path repoDir) {
        return repoDir.resolve(".freshet").resolve("registry.json");
    }

    public Path file() {
        return file;
    }

    /** Increases by one with every apply that recorded something; 0 for a new registry. */
    public synchronized long revision() {
        return state.revision();
    }

    /** What applying {@code repo} would change. Does not modify the registry. */
    public synchronized Plan plan(FeatureRepository repo) {
        Map<String, StoredObject> stored = new LinkedHashMap<>();
        state.objects().forEach(o -> stored.put(key(o.kind(), o.name()), o));
        Map<String, PlanEntry> entries = new LinkedHashMap<>();
        for (Spec spec : repo.allSpecs()) {
            String key = key(spec.kind(), spec.name());
            if (entries.containsKey(key)) {
                continue;
            }
            String hash = ContentHash.of(spec);
            StoredObject old = stored.get(key);
            PlanEntry entry;
            if (old == null) {
                entry = new PlanEntry(spec.kind(), spec.name(), Change.ADDED, 0, 1, null, hash, spec);
            } else {
                Meta latest = old.latest().meta();
                Change change = old.retiredAt() != null ? Change.ADDED
                        : latest.contentHash().equals(hash) ? Change.UNCHANGED : Change.CHANGED;
                int newVersion = change == Change.UNCHANGED ? latest.version() : latest.version() + 1;
                entry = new PlanEntry(spec.kind(), spec.name(), change, latest.version(), newVersion,
                        latest.contentHash(), hash, spec);
            }
            entries.put(key, entry);
        }
        for (StoredObject o : state.objects()) {
            String key = key(o.kind(), o.name());
            if (o.retiredAt() == null && !entries.containsKey(key)) {
                Meta latest = o.latest().meta();
                entries.put(key, new PlanEntry(o.kind(), o.name(), Change.REMOVED, latest.version(), latest.version(),
                        latest.contentHash(), null, null));
            }
        }
        List<PlanEntry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparing(PlanEntry::kind).thenComparing(PlanEntry::name));
        return new Plan(state.revision(), sorted);
    }

    /**
     * Records a plan and saves the registry. Returns the versions it registered (empty when the
     * plan has no changes, in which case nothing is written).
     *
     * @throws StalePlanException if the registry changed since the plan was computed
     */
    public synchronized List<RegisteredSpec> apply(Plan plan) {
        if (plan.baseRevision() != state.revision()) {
            throw new StalePlanException(plan.baseRevision(), state.revision());
        }
        if (!plan.hasChanges()) {
            return List.of();
        }
        Instant now = clock.instant();
        Map<String, StoredObject> objects = new LinkedHashMap<>();
        state.objects().forEach(o -> objects.put(key(o.kind(), o.name()), o));
        List<RegisteredSpec> registered = new ArrayList<>();
        for (PlanEntry e : plan.entries()) {
            String key = key(e.kind(), e.name());
            StoredObject old = objects.get(key);
            switch (e.change()) {
                case ADDED, CHANGED -> {
                    Instant createdAt = old == null ? now : old.versions().getFirst().meta().createdAt();
                    RegisteredSpec version = new RegisteredSpec(new Meta(e.name(), e.kind(), e.newVersion(), e.newHash(),
                            createdAt, now, Lineage.of(e.spec())), e.spec());
                    List<RegisteredSpec> versions = new ArrayList<>(old == null ? List.of() : old.versions());
                    versions.add(version);
                    objects.put(key, new StoredObject(e.kind(), e.name(), versions, null));
                    registered.add(version);
                }
                case REMOVED -> objects.put(key, new StoredObject(e.kind(), e.name(), old.versions(), now));
                case UNCHANGED -> {
                }
            }
        }
        List<StoredObject> sorted = new ArrayList<>(objects.values());
        sorted.sort(ORDER);
        State next = new State(state.revision() + 1, sorted);
        RegistryFile.write(file, next);
        state = next;
        return List.copyOf(registered);
    }

    /** The latest version of an active (not retired) object. */
    public synchronized Optional<RegisteredSpec> current(SpecKind kind, String name) {
        return find(kind, name).filter(o -> o.retiredAt() == null).map(StoredObject::latest);
    }

    /** Every version of an object, oldest first, retired or not; empty if never registered. */
    public synchronized List<RegisteredSpec> versions(SpecKind kind, String name) {
        return find(kind, name).map(StoredObject::versions).orElse(List.of());
    }

    /** One version of an object, retired or not. */
    public synchronized Optional<RegisteredSpec> version(SpecKind kind, String name, int version) {
        return versions(kind, name).stream().filter(v -> v.meta().version() == version).findFirst();
    }

    /** When the object was retired; empty while it is active or if it was never registered. */
    public synchronized Optional<Instant> retiredAt(SpecKind kind, String name) {
        return find(kind, name).map(StoredObject::retiredAt);
    }

    /** The latest version of every active object, by kind then name. */
    public synchronized List<RegisteredSpec> active() {
        return state.objects().stream().filter(o -> o.retiredAt() == null).map(StoredObject::latest).toList();
    }

    /** The latest version of every object ever registered, retired ones included, by kind then name. */
    public synchronized List<RegisteredSpec> all() {
        return state.objects().stream().map(StoredObject::latest).toList();
    }

    private Optional<StoredObject> find(SpecKind kind, String name) {
        return state.objects().stream().filter(o -> o.kind() == kind && o.name().equals(name)).findFirst();
    }

    private static String key(SpecKind kind, String name) {
        return kind + ":" + name;
    }
}
