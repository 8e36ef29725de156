package dev.freshet.engine.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files of this package's byte layouts under {@code src/test/resources/golden/embedded/}
 * (STYLE #12). Run once with {@code -Dfreshet.golden.write=true} to (re)create a file; otherwise the
 * stored bytes are the reference and must never change for an existing version.
 */
final class Golden {
    private static final Path DIR = Path.of("src", "test", "resources", "golden", "embedded");

    private Golden() {
    }

    static boolean writing() {
        return Boolean.getBoolean("freshet.golden.write");
    }

    /** Writes (when writing) or compares {@code bytes} with the golden file; returns the stored bytes. */
    static byte[] check(String name, byte[] bytes) {
        Path file = DIR.resolve(name);
        try {
            if (writing()) {
                Files.createDirectories(DIR);
                Files.write(file, bytes);
            }
            assertTrue(Files.exists(file), "golden file " + file + " missing: run with -Dfreshet.golden.write=true once");
            byte[] stored = Files.readAllBytes(file);
            assertArrayEquals(stored, bytes, "encoding differs from golden file " + file);
            return stored;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String checkText(String name, String text) {
        return new String(check(name, text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), java.nio.charset.StandardCharsets.UTF_8);
    }
}
