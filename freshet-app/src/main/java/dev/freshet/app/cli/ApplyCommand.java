package dev.freshet.app.cli;

import dev.freshet.model.FeatureRepository;
import dev.freshet.model.registry.Plan;
import dev.freshet.model.registry.Registry;
import dev.freshet.model.registry.RegistryFileException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code freshet apply}: register a repository's definitions as new versions. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Validate a feature repository, print its plan and record the new versions in the registry.",
                "The plan lists every object as added, changed, unchanged or removed; changed objects get version + 1,"
                        + " removed ones are retired, not deleted. --dry-run prints the plan only."
                        + " Exits 1 if the repository is invalid. See docs/FEATURE_REPOSITORY.md."})
public final class ApplyCommand implements Callable<Integer> {
    @Option(names = "--repo", required = true, description = "Feature repository folder (YAML files).")
    Path repo;

    @Option(names = "--registry", description = "Registry file (default: <repo>/.freshet/registry.json).")
    Path registryFile;

    @Option(names = "--dry-run", description = "Print the plan without recording anything.")
    boolean dryRun;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        FeatureRepository r = RepositoryOptions.loadOrReport(repo, spec.commandLine().getErr());
        if (r == null) {
            return 1;
        }
        // a damaged registry, or one that cannot be read or written: a message naming it, not a stack trace
        try {
            Registry registry = Registry.open(registryFile != null ? registryFile : Registry.defaultFile(repo), Clock.systemUTC());
            Plan plan = registry.plan(r);
            out.println(plan);
            out.printf("plan: %d added, %d changed, %d unchanged, %d removed%n",
                    plan.added().size(), plan.changed().size(), plan.unchanged().size(), plan.removed().size());
            if (dryRun) {
                out.println("dry run: nothing recorded");
            } else if (!plan.hasChanges()) {
                out.println("nothing to apply");
            } else {
                registry.apply(plan);
                out.println("applied: registry " + registry.file() + " at revision " + registry.revision());
            }
            return 0;
        } catch (RegistryFileException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
        } catch (UncheckedIOException e) {
            spec.commandLine().getErr().println("error: " + FileErrors.describe(e));
        } finally {
            out.flush();
        }
        return 1;
    }
}
