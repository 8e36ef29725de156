package dev.freshet.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File-tree helpers for the commands' temporary directories. */
public final class FileTrees {
    private FileTrees() {
    }

    /** Deletes {@code dir} and everything under it; nothing happens if it does not exist. */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A new temporary directory, deleted with everything in it on {@link #close}. */
    public static TempDir tempDir(String prefix) throws IOException {
        return new TempDir(Files.createTempDirectory(prefix));
    }

    /** A temporary directory owned by a try-with-resources block. */
    public record TempDir(Path path) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            delete(path);
        }
    }
}
