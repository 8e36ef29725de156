package dev.freshet.app.cli;

import picocli.CommandLine.Command;

/** The root {@code freshet} command. */
@Command(name = "freshet",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Freshet: a real-time feature platform for machine learning.",
        subcommands = {
                ValidateCommand.class,
                ApplyCommand.class,
                TrainingSetCommand.class,
                IngestCommand.class,
                ExportCommand.class,
                MaterializeCommand.class,
                dev.freshet.app.server.ServeCommand.class,
                dev.freshet.app.demo.DemoCommand.class,
                BenchCommand.class,
        })
public final class FreshetCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
