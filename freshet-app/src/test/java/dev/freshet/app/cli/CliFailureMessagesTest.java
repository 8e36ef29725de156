package dev.freshet.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.app.CliRun;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands that fail on their surroundings (a taken port, a registry or an output that cannot be
 * written): failures must be messages with exit 1, never stack traces.
 */
class CliFailureMessagesTest {
    private static final Path FRAUD = Path.of("..", "examples", "fraud");
    private static final String SPINE_FILE = "spine.csv";
    private static final String SPINE = "card_id,ts\ncard-1,2024-05-01 12:00:00\n";

    // Consequence: `freshet apply --registry` on an unwritable location dumps a Java stack trace instead of an error message.
    @Test
    void applyWhoseRegistryCannotBeWrittenFailsWithAMessage(@TempDir Path dir) throws IOException {
        Path blocker = Files.writeString(dir.resolve("not-a-dir"), "x"); // the registry's parent is a regular file
        CliRun r = CliRun.of("apply", "--repo", FRAUD.toString(), "--registry", blocker.resolve("registry.json").toString());
        assertEquals(1, r.exit(), r.err());
        assertFalse(r.err().contains("\tat "), "stack trace instead of a message:\n" + r.err());
        assertTrue(r.err().contains("registry"), r.err());
        assertEquals("error: cannot write registry " + blocker.resolve("registry.json") + ": " + blocker
                + " is a file, not a directory", r.err().strip());
    }

    // Consequence: `freshet serve` on a port already in use (8080 often is) dumps a CompletionException stack trace.
    @Test
    void serveOnAPortInUseFailsWithAMessage(@TempDir Path dir) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
            CliRun r = CliRun.of("serve", "--repo", FRAUD.toString(), "--data", dir.resolve("data").toString(),
                    "--port", Integer.toString(taken.getLocalPort()));
            assertEquals(1, r.exit(), r.err());
            assertFalse(r.err().contains("\tat "), "stack trace instead of a message:\n" + r.err());
            assertTrue(r.err().contains(Integer.toString(taken.getLocalPort())), "the message should name the port:\n" + r.err());
            assertEquals("freshet serve: port " + taken.getLocalPort() + " is already in use", r.err().strip());
        }
    }

    // Consequence: when the output cannot be written (after the whole replay), `freshet training-set` dumps an
    // UncheckedIOException stack trace instead of "training-set: cannot write ...".
    @Test
    void trainingSetWhoseOutputCannotBeWrittenFailsWithAMessage(@TempDir Path dir) throws IOException {
        Path blocker = Files.writeString(dir.resolve("not-a-dir"), "x"); // the output's parent is a regular file
        CliRun r = trainingSet(dir, blocker.resolve("out.parquet"));
        assertEquals(1, r.exit(), r.err());
        assertFalse(r.err().contains("\tat "), "stack trace instead of a message:\n" + r.err());
        assertTrue(r.err().contains("training-set:"), r.err());
        assertEquals("training-set: cannot write " + blocker.resolve("out.parquet") + ": " + blocker
                + " is a file, not a directory", r.err().strip());
    }

    /** A directory that exists but takes no new files (/proc, even for root) is found before the replay, not after it. */
    @Test
    void trainingSetIntoADirectoryThatTakesNoFilesFailsBeforeTheReplay(@TempDir Path dir) throws IOException {
        Path proc = Path.of("/proc");
        Assumptions.assumeTrue(Files.isDirectory(proc.resolve("self")), "Linux /proc");
        CliRun r = trainingSet(dir, proc.resolve("o.parquet"));
        assertEquals(1, r.exit(), r.err());
        assertEquals("training-set: cannot write /proc/o.parquet: cannot create files in /proc", r.err().strip());
    }

    /** An output that names a directory is refused before the replay too. */
    @Test
    void trainingSetIntoADirectoryNameFailsBeforeTheReplay(@TempDir Path dir) throws IOException {
        Path out = Files.createDirectories(dir.resolve("out.parquet"));
        CliRun r = trainingSet(dir, out);
        assertEquals(1, r.exit(), r.err());
        assertEquals("training-set: cannot write " + out + ": it is a directory", r.err().strip());
    }

    /** --out naming the spine would overwrite the spine with the training set: a usage error, nothing read or written. */
    @Test
    void trainingSetRefusesToWriteOverItsSpine(@TempDir Path dir) throws IOException {
        CliRun r = trainingSet(dir, dir.resolve(".").resolve(SPINE_FILE));
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("is the spine file: it would be overwritten"), r.err());
        assertEquals(SPINE, Files.readString(dir.resolve(SPINE_FILE)));
    }

    /** An error after the progress bar was drawn goes on a line of its own, not at the end of the bar's line. */
    @Test
    void aTrainingSetErrorAfterTheProgressBarStartsItsOwnLine(@TempDir Path dir) throws IOException {
        CliRun r = trainingSet(dir, dir.resolve("out.txt")); // the writer refuses the extension once the spine is read
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("training set ["), "the bar was drawn: " + r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("training-set: Unsupported training-set file out.txt")), r.err());
    }

    /** A rejected server flag is named alone, in its flag form (ServerOptions words it by its Java field). */
    @Test
    void aBadServerFlagIsNamedAlone() {
        for (String[] c : new String[][] {{"--event-loops", "-1", "--event-loops must be >= 0 (0 = one per processor), got -1"},
                {"--port", "70000", "--port must be between 0 (any free port) and 65535, got 70000"},
                {"--token", "a b", "--token must be printable ASCII without spaces (RFC 6750), at least one character"}}) {
            CliRun r = CliRun.of("serve", "--repo", FRAUD.toString(), c[0], c[1]);
            assertEquals(2, r.exit(), r.err());
            assertEquals(c[2], r.err().lines().findFirst().orElseThrow());
        }
    }

    /** {@code freshet training-set} of the fraud example over a one-row spine and an empty log, both made in {@code dir}. */
    private static CliRun trainingSet(Path dir, Path out) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path spine = Files.writeString(dir.resolve(SPINE_FILE), SPINE);
        return CliRun.of("training-set", "--repo", FRAUD.toString(), "--data", data.toString(), "--spine", spine.toString(),
                "--timestamp-column", "ts", "--features", "card_txn:txn_count_5m", "--out", out.toString(), "--threads", "1");
    }
}
