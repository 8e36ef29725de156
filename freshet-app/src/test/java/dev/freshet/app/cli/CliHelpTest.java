package dev.freshet.app.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.app.Main;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --help} of every command as users read it. Picocli prints each element of a description
 * on its own line and lists a subcommand by its first element alone, so an element that stops
 * mid-sentence shows as a cut sentence: every element must be whole sentences, and picocli wraps
 * them.
 */
class CliHelpTest {
    /** The {@code freshet} command and all its subcommands, at every depth. */
    private static List<CommandLine> commands() {
        List<CommandLine> all = new ArrayList<>();
        collect(Main.newCommandLine(), all);
        return all;
    }

    private static void collect(CommandLine c, List<CommandLine> into) {
        into.add(c);
        c.getSubcommands().values().forEach(s -> collect(s, into));
    }

    private static String usage(CommandLine c) {
        return c.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    private static String oneLine(String text) {
        return String.join(" ", text.strip().split("\\s+"));
    }

    @Test
    void everyDescriptionLineIsWholeSentences() {
        for (CommandLine c : commands()) {
            String name = c.getCommandSpec().qualifiedName();
            for (String line : c.getCommandSpec().usageMessage().description()) {
                assertTrue(line.strip().endsWith("."), name + ": description line cut mid-sentence: " + line);
            }
            for (OptionSpec o : c.getCommandSpec().options()) {
                for (String line : o.description()) {
                    assertTrue(line.strip().endsWith("."), name + " " + o.longestName() + ": description line cut mid-sentence: "
                            + line);
                }
            }
        }
    }

    @Test
    void theCommandListShowsEachCommandsWholeFirstSentence() {
        for (CommandLine c : commands()) {
            String list = oneLine(usage(c));
            for (CommandLine sub : c.getSubcommands().values()) {
                String first = oneLine(sub.getCommandSpec().usageMessage().description()[0]);
                assertTrue(list.contains(sub.getCommandName() + " " + first),
                        c.getCommandSpec().qualifiedName() + " --help should list " + sub.getCommandName() + " with '" + first
                                + "':\n" + usage(c));
            }
        }
    }

    @Test
    void everyDefaultPrintsOnOneLine() {
        for (CommandLine c : commands()) {
            List<String> lines = Arrays.asList(usage(c).split("\\R"));
            for (OptionSpec o : c.getCommandSpec().options()) {
                if (o.defaultValue() != null && String.join(" ", o.description()).contains("${DEFAULT-VALUE}")) {
                    String shown = "default: " + o.defaultValue();
                    assertTrue(lines.stream().anyMatch(l -> l.contains(shown)), c.getCommandSpec().qualifiedName() + " "
                            + o.longestName() + ": '" + shown + "' is not on one line:\n" + usage(c));
                }
            }
        }
    }
}
