package dev.freshet.app.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * File-system failures as one line a user can act on: what could not be done and why, e.g.
 * {@code cannot write registry /r/x/registry.json: /r/x is a file, not a directory}. (Java's own
 * messages of {@link FileSystemException}s are often just a path.)
 */
final class FileErrors {
    private FileErrors() {
    }

    /** The exception's message (what failed) and its cause's reason. */
    static String describe(UncheckedIOException e) {
        return e.getMessage() + ": " + reason(e.getCause());
    }

    /** Why an I/O operation failed, naming the file concerned. */
    static String reason(IOException e) {
        return switch (e) {
            case FileAlreadyExistsException f -> f.getFile()
                    + (Files.isDirectory(Path.of(f.getFile())) ? " already exists" : " is a file, not a directory");
            case NoSuchFileException f -> f.getFile() + ": no such file or directory";
            case AccessDeniedException f -> f.getFile() + ": permission denied";
            default -> e.getMessage();
        };
    }
}
