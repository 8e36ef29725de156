package dev.freshet.app.cli;

import dev.freshet.app.bench.CheckpointBench;
import dev.freshet.model.Durations;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code freshet bench checkpoint}: what periodic checkpoints cost the freshness of a live stream. */
@Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = {"Measure the freshness of a live stream while a large state checkpoints.",
                "Preloads a large fraud state into an embedded engine, feeds a live stream at a fixed rate while it"
                        + " checkpoints periodically, and compares the accept-to-visible lag with checkpoints encoded in"
                        + " steps (the engine's way) and at once. Prints progress, then one JSON object."})
public final class BenchCheckpointCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    BenchHarnessOptions harness;

    @Option(names = "--cards", defaultValue = "100000", description = "Cards in the preloaded state (default: ${DEFAULT-VALUE}).")
    int cards;

    @Option(names = "--preload", defaultValue = "2000000", description = "Events preloaded (default: ${DEFAULT-VALUE}).")
    int preload;

    @Option(names = "--rate", defaultValue = "20000", description = "Live events per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--batch", defaultValue = "200", description = "Events per live batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seconds", defaultValue = "20", description = "Seconds of live stream per run (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--checkpoint-interval", defaultValue = "5s", description = "Checkpoint interval (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--keys-per-step", defaultValue = "256",
            description = "Keys per view the stepwise mode encodes per engine step (default: ${DEFAULT-VALUE}, the engine's default).")
    int keysPerStep;

    @Option(names = "--part-bytes", defaultValue = "16777216",
            description = "Largest checkpoint blob per view image part (default: ${DEFAULT-VALUE}, the engine's default).")
    int partBytes;

    @Option(names = "--reps", defaultValue = "3", description = "Runs of each mode, alternating (default: ${DEFAULT-VALUE}).")
    int reps;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var repository = harness.repository();
        if (repository == null) {
            return 2;
        }
        Duration every = Durations.parse(interval).orElseThrow(() -> new picocli.CommandLine.ParameterException(spec.commandLine(),
                "--checkpoint-interval: not a duration: " + interval));
        if (cards < 1 || preload < 1 || rate < 1 || batch < 1 || seconds < 1 || keysPerStep < 1 || partBytes < 1024 || reps < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "every count must be positive (--part-bytes at least 1024)");
        }
        CheckpointBench bench = new CheckpointBench(repository,
                new CheckpointBench.Settings(cards, preload, rate, batch, seconds, every, keysPerStep, partBytes, reps), harness.progress());
        harness.printResult(bench.run());
        return 0;
    }
}
