package dev.freshet.model.registry;

import java.nio.file.Path;

/**
 * The registry file exists but cannot be used: it is not JSON, has an unsupported
 * {@code format_version}, or misses or mistypes content. The message names the file.
 */
public final class RegistryFileException extends IllegalStateException {
    public RegistryFileException(Path file, String problem, Throwable cause) {
        super("registry " + file + ": " + problem, cause);
    }
}
