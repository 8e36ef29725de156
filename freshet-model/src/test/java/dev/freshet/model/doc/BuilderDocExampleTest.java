package dev.freshet.model.doc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.model.FeatureRepository;
import dev.freshet.model.builder.Aggregations;
import dev.freshet.model.builder.Entities;
import dev.freshet.model.builder.FeatureViews;
import dev.freshet.model.builder.Sources;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.validate.ValidationError;
import dev.freshet.model.validate.Validator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The "Java builder API" example of docs/FEATURE_REPOSITORY.md compiles and validates: the doc's
 * code block must equal, line for line, this file's imports (but the test's own) and the code
 * between the {@code doc example} markers below, which the test runs.
 */
class BuilderDocExampleTest {
    private static final Path DOC = Path.of("..", "docs", "FEATURE_REPOSITORY.md");
    private static final Path THIS_FILE = Path.of("src", "test", "java", "dev", "freshet", "model", "doc",
            "BuilderDocExampleTest.java");
    private static final String START = "// doc example: start";
    private static final String END = "// doc example: end";
    /** Imports only the test needs, left out of the doc. */
    private static final List<String> TEST_ONLY_IMPORTS = List.of("import static org.junit.", "import org.junit.",
            "import java.io.", "import java.nio.", "import java.util.stream.");

    private static List<ValidationError> docExample() {
        // doc example: start
        FeatureRepository repo = FeatureRepository.builder()
                .entity(Entities.entity("card").joinKey("card_id", FieldType.STRING))
                .source(Sources.stream("transactions")
                        .field("card_id", FieldType.STRING)
                        .field("amount", FieldType.FLOAT64)
                        .field("currency", FieldType.STRING)
                        .field("lat", FieldType.FLOAT64)
                        .field("event_time", FieldType.TIMESTAMP)
                        .eventTime("event_time")
                        .allowedLateness(Duration.ofMinutes(5)))
                .featureView(FeatureViews.view("card_txn").entity("card").source("transactions")
                        .aggregation(Aggregations.count("txn_count_5m").over(Duration.ofMinutes(5)))
                        .aggregation(Aggregations.sum("amount_sum_1h", "amount")
                                .over(Duration.ofHours(1)).hop(Duration.ofMinutes(5)).where("amount > 0"))
                        .aggregation(Aggregations.last("last_lat", "lat").lifetime()))
                .build();
        List<ValidationError> errors = new Validator().validate(repo);
        // doc example: end
        return errors;
    }

    @Test
    void theExampleIsValid() {
        assertEquals(List.of(), docExample());
    }

    @Test
    void theDocShowsExactlyThisExample() throws IOException {
        List<String> source = Files.readAllLines(THIS_FILE);
        List<String> imports = source.stream().filter(l -> l.startsWith("import "))
                .filter(l -> TEST_ONLY_IMPORTS.stream().noneMatch(l::startsWith)).toList();
        List<String> body = source.subList(indexOf(source, START) + 1, indexOf(source, END));
        int indent = body.getFirst().indexOf(body.getFirst().strip());
        List<String> expected = Stream.of(imports.stream(), Stream.of(""), body.stream().map(l -> l.substring(Math.min(indent, l.length()))))
                .flatMap(s -> s).toList();
        assertEquals(String.join("\n", expected), String.join("\n", javaBlockAfter(Files.readAllLines(DOC), "## Java builder API")));
    }

    private static int indexOf(List<String> lines, String marker) {
        return lines.stream().map(String::strip).toList().indexOf(marker);
    }

    /** The lines of the first {@code ```java} block after the heading. */
    private static List<String> javaBlockAfter(List<String> doc, String heading) {
        int start = doc.subList(doc.indexOf(heading), doc.size()).indexOf("```java") + doc.indexOf(heading) + 1;
        int end = doc.subList(start, doc.size()).indexOf("```") + start;
        return doc.subList(start, end);
    }
}
