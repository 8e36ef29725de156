package dev.freshet.model.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.freshet.model.validate.ValidationError;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each folder under {@code src/test/resources/invalid} is a broken repository with an
 * {@code expected.txt} listing every error it must produce, as {@code file:line:column: path:
 * message} (file relative to the folder), in order. The loader must report all of them, exactly.
 */
class InvalidRepositoriesTest {
    static Stream<Path> cases() throws IOException, URISyntaxException {
        Path root = Path.of(InvalidRepositoriesTest.class.getResource("/invalid").toURI());
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsEveryExpectedErrorAtItsLine(Path dir) throws IOException {
        LoadResult result = RepositoryLoader.load(dir);
        List<String> actual = result.errors().stream().map(e -> relative(dir, e)).toList();
        List<String> expected = Files.readAllLines(dir.resolve("expected.txt")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .toList();
        assertFalse(result.isValid());
        assertNull(result.repository());
        assertEquals(String.join("\n", expected), String.join("\n", actual));
    }

    private static String relative(Path dir, ValidationError e) {
        String file = dir.relativize(Path.of(e.file())).toString();
        String message = e.message().replace(dir + dir.getFileSystem().getSeparator(), "");
        return new ValidationError(file, e.line(), e.column(), e.path(), message).toString();
    }
}
