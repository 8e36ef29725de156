package dev.freshet.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.app.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (here SIGTERM, which the JVM handles the same way) ends the demo cleanly: the load stops,
 * the server closes, the temporary data is removed and the demo says so before the JVM exits. A
 * shutdown hook that only set a flag let the JVM halt in the middle of all that.
 */
class DemoShutdownTest {
    private static final Pattern DATA = Pattern.compile("\\(data: (.+), removed at exit");

    @Test
    void aSignalEndsTheDemoCleanlyAndRemovesItsTemporaryData(@TempDir Path dir) throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // to files: a pipe read while the child exits can lose its last lines ("Stream closed")
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process child = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "demo", "--repo", Path.of("..", "examples", "fraud").toString(), "--port", "0", "--duration", "5m",
                "--rate", "2000", "--cards", "200")).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(out).contains("events/s")) { // the load is running
                assertTrue(child.isAlive() && System.nanoTime() < deadline,
                        "no progress line within 60 s; stdout: " + Files.readString(out) + "; stderr: " + Files.readString(err));
                Thread.onSpinWait();
                TimeUnit.MILLISECONDS.sleep(20); // polling the file for the condition above
            }
            Matcher m = DATA.matcher(Files.readString(out));
            assertTrue(m.find(), Files.readString(out));
            Path data = Path.of(m.group(1));
            assertTrue(Files.isDirectory(data), "the demo's data directory: " + data);
            child.destroy(); // SIGTERM
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the demo ends within a minute of the signal");
            String printed = Files.readString(out);
            assertTrue(printed.contains("demo finished cleanly"), "stdout: " + printed + "; stderr: " + Files.readString(err));
            assertFalse(Files.exists(data), "temporary data removed: " + data);
            assertEquals(143, child.exitValue(), "the exit status of a process ended by SIGTERM");
        } finally {
            child.destroyForcibly();
        }
    }
}
