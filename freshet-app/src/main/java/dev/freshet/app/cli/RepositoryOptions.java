package dev.freshet.app.cli;

import dev.freshet.model.FeatureRepository;
import dev.freshet.model.yaml.LoadResult;
import dev.freshet.model.yaml.RepositoryLoader;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Loading a feature repository for a command, reporting every error in one go. */
public final class RepositoryOptions {
    private RepositoryOptions() {
    }

    /** The valid repository at {@code dir}, or null after printing all its errors to {@code err}. */
    public static FeatureRepository loadOrReport(Path dir, PrintWriter err) {
        LoadResult result = RepositoryLoader.load(dir);
        if (!result.isValid()) {
            err.println(result.errorReport());
            err.println(result.errors().size() + " error(s) in " + dir);
            err.flush();
            return null;
        }
        return result.repository();
    }
}
