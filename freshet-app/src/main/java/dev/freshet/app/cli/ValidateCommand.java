package dev.freshet.app.cli;

import dev.freshet.model.FeatureRepository;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code freshet validate}: load a feature repository and report every problem. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Load and validate a feature repository.",
                "Prints every error as file:line:column: path: message and exits 1 if there is any; exits 0 when valid."})
public final class ValidateCommand implements Callable<Integer> {
    @Option(names = "--repo", required = true, description = "Feature repository folder (YAML files).")
    Path repo;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        FeatureRepository r = RepositoryOptions.loadOrReport(repo, spec.commandLine().getErr());
        if (r == null) {
            return 1;
        }
        int features = r.featureViews().stream().mapToInt(v -> v.aggregations().size() + v.batchFeatures().size()).sum();
        out.printf("%s is valid: %d entities, %d sources, %d feature views (%d features), %d on-demand features, %d feature services%n",
                repo, r.entities().size(), r.sources().size(), r.featureViews().size(), features,
                r.onDemandFeatures().size(), r.featureServices().size());
        out.flush();
        return 0;
    }
}
