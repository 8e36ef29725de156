package dev.freshet.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.model.FeatureRepository;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every {@code freshet bench} harness shares (a picocli mixin): the feature repository, and the
 * output contract — progress lines, then one JSON object as the last line of stdout; with
 * {@code --json} the progress goes to stderr so stdout holds only that line.
 */
public final class BenchHarnessOptions {
    @Option(names = "--repo", defaultValue = "examples/fraud", description = "Feature repository (default: ${DEFAULT-VALUE}).")
    Path repo;

    @Option(names = "--json", description = "Print only the JSON result line (progress goes to stderr).")
    boolean json;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** The repository, or null once the reasons it did not load are reported. */
    FeatureRepository repository() {
        return RepositoryOptions.loadOrReport(repo, spec.commandLine().getErr());
    }

    /** Where progress goes: stdout, or stderr with {@code --json}. */
    PrintWriter progressWriter() {
        return json ? spec.commandLine().getErr() : spec.commandLine().getOut();
    }

    /** Progress lines, each flushed. */
    Consumer<String> progress() {
        PrintWriter w = progressWriter();
        return line -> {
            w.println(line);
            w.flush();
        };
    }

    /** Prints the result as the last line of stdout. */
    void printResult(Map<String, Object> result) throws JsonProcessingException {
        PrintWriter out = spec.commandLine().getOut();
        out.println(new ObjectMapper().writeValueAsString(result));
        out.flush();
    }
}
