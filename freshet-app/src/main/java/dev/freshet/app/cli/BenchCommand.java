package dev.freshet.app.cli;

import picocli.CommandLine.Command;

/** Groups the end-to-end benchmark harnesses; each prints one JSON object as its last line. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark harness; the last output line is one JSON object.",
        subcommands = {BenchEngineCommand.class, BenchServeCommand.class, BenchTrainingSetCommand.class, BenchCheckpointCommand.class})
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
