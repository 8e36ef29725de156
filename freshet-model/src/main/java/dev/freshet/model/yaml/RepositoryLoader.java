package dev.freshet.model.yaml;

import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.Spec;
import dev.freshet.model.validate.SourceMap;
import dev.freshet.model.validate.ValidationError;
import dev.freshet.model.validate.Validator;
import dev.freshet.model.yaml.internal.DocumentBinder;
import dev.freshet.model.yaml.internal.YamlNode;
import dev.freshet.model.yaml.internal.YamlReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Loads a feature repository from a folder of YAML files and validates it.
 *
 * <p>Every {@code *.yaml} and {@code *.yml} file under the folder is read (recursively, in path
 * order, skipping hidden files and folders such as {@code .freshet/}); each file holds one or more
 * documents separated by {@code ---}, and each document is one object with a {@code kind}
 * ({@code entity}, {@code source}, {@code feature_view}, {@code on_demand_feature},
 * {@code feature_service}). The format is described in {@code docs/FEATURE_REPOSITORY.md}.
 *
 * <pre>{@code
 * LoadResult result = RepositoryLoader.load(Path.of("examples/fraud"));
 * if (!result.isValid()) {
 *     System.err.println(result.errorReport());  // examples/fraud/features.yaml:14:7: card_txn.features[2].hop: ...
 * }
 * FeatureRepository repo = result.repositoryOrThrow();
 * }</pre>
 */
public final class RepositoryLoader {
    private RepositoryLoader() {
    }

    /** Loads and validates every YAML file under {@code dir}. */
    public static LoadResult load(Path dir) {
        return load(dir, new Validator());
    }

    /** Loads {@code dir} and validates it with {@code validator}. */
    public static LoadResult load(Path dir, Validator validator) {
        List<ValidationError> errors = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            errors.add(new ValidationError(dir.toString(), 0, 0, "", "feature repository folder does not exist"));
            return new LoadResult(null, SourceMap.EMPTY, errors);
        }
        Loading loading = new Loading(errors);
        for (Path file : yamlFiles(dir)) {
            try {
                loading.add(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                errors.add(new ValidationError(file.toString(), 0, 0, "", "cannot read file: " + e.getMessage()));
            }
        }
        return loading.finish(validator);
    }

    /** Loads a repository held in one YAML text (several documents); {@code fileName} labels its errors. */
    public static LoadResult loadString(String fileName, String yaml) {
        Loading loading = new Loading(new ArrayList<>());
        loading.add(fileName, yaml);
        return loading.finish(new Validator());
    }

    private static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile)
                    .filter(p -> !isHidden(dir.relativize(p)))
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        return n.endsWith(".yaml") || n.endsWith(".yml");
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** Accumulates the specs and errors of several files. */
    private static final class Loading {
        private final List<ValidationError> errors;
        private final List<Spec> specs = new ArrayList<>();
        private final SourceMap.Builder sources = SourceMap.builder();

        Loading(List<ValidationError> errors) {
            this.errors = errors;
        }

        void add(String file, String content) {
            for (YamlNode document : new YamlReader(file, errors).read(content)) {
                Optional<Spec> spec = DocumentBinder.bind(document, errors, sources);
                spec.ifPresent(specs::add);
            }
        }

        LoadResult finish(Validator validator) {
            FeatureRepository repo = FeatureRepository.of(specs);
            SourceMap map = sources.build();
            List<ValidationError> all = new ArrayList<>(errors);
            all.addAll(validator.validate(repo, map));
            all.sort(ValidationError.ORDER);
            return new LoadResult(all.isEmpty() ? repo : null, map, all);
        }
    }
}
