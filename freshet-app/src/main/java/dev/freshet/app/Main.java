package dev.freshet.app;

import dev.freshet.app.cli.FreshetCommand;
import picocli.CommandLine;

/** Entry point of the {@code freshet} command line. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The configured picocli command line (also used by tests). */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new FreshetCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }
}
