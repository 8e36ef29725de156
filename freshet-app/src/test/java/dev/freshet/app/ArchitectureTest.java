package dev.freshet.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The build enforces the architecture (DESIGN §4/§5): the aggregation core is pure — no I/O,
 * threads, clocks, HTTP, storage or Kafka — and modules only depend downwards.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.freshet");
    }

    @Test
    void aggregationCoreDoesNoIoThreadsNetworkingStorageOrKafka() {
        noClasses().that().resideInAPackage("dev.freshet.aggregation..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "java.io..", "java.nio.file..", "java.nio.channels..", "java.net..", "java.net.http..",
                        "java.util.concurrent..", "java.sql..", "javax.sql..",
                        "org.rocksdb..", "org.apache.kafka..", "redis.clients..", "io.vertx..", "io.helidon..",
                        "io.netty..", "org.duckdb..")
                .because("the aggregation core is shared by every driver and must stay pure (DESIGN §4)")
                .check(classes);
    }

    @Test
    void aggregationCoreTakesTimeAsAnInput() {
        noClasses().that().resideInAPackage("dev.freshet.aggregation..")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(java.time.Instant.class, "now")
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().dependOnClassesThat().areAssignableTo(java.time.Clock.class)
                .because("time is an input: pure structures take `now` as a parameter")
                .check(classes);
    }

    @Test
    void modelDependsOnNoOtherFreshetModule() {
        noClasses().that().resideInAPackage("dev.freshet.model..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.freshet.aggregation..", "dev.freshet.engine..",
                        "dev.freshet.app..", "dev.freshet.testkit..")
                .check(classes);
    }

    @Test
    void modulesDependOnlyDownwards() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("app").definedBy("dev.freshet.app..")
                .layer("offline").definedBy("dev.freshet.offline..")
                .layer("serving").definedBy("dev.freshet.serving..")
                .layer("engine").definedBy("dev.freshet.engine..")
                .layer("storage").definedBy("dev.freshet.storage..")
                .layer("aggregation").definedBy("dev.freshet.aggregation..")
                .layer("model").definedBy("dev.freshet.model..")
                .whereLayer("app").mayNotBeAccessedByAnyLayer()
                .whereLayer("offline").mayOnlyBeAccessedByLayers("app")
                .whereLayer("serving").mayOnlyBeAccessedByLayers("offline", "app")
                .whereLayer("engine").mayOnlyBeAccessedByLayers("serving", "offline", "app")
                .whereLayer("storage").mayOnlyBeAccessedByLayers("engine", "serving", "offline", "app")
                .whereLayer("aggregation").mayOnlyBeAccessedByLayers("engine", "serving", "offline", "app")
                .whereLayer("model").mayOnlyBeAccessedByLayers("aggregation", "storage", "engine", "serving", "offline", "app")
                .check(classes);
    }
}
