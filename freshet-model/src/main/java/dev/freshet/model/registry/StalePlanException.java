package dev.freshet.model.registry;

/** A plan was computed against an older registry revision than the current one; plan again. */
public final class StalePlanException extends IllegalStateException {
    public StalePlanException(long planRevision, long registryRevision) {
        super("plan was computed against registry revision " + planRevision + " but the registry is at revision "
                + registryRevision + "; compute a new plan");
    }
}
