package dev.freshet.storage;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package boundaries of this module (STYLE.md #4), enforced by the build. */
class StorageArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.freshet.storage");
    }

    @Test
    void spiDependsOnNoImplementationAndNoRocksDb() {
        noClasses().that().resideInAPackage("dev.freshet.storage")
                .should().dependOnClassesThat().resideInAnyPackage("dev.freshet.storage.memory..",
                        "dev.freshet.storage.rocksdb..", "dev.freshet.storage.internal..", "org.rocksdb..")
                .because("the SPI package is the API; implementations live beside it")
                .check(classes);
    }

    @Test
    void inMemoryImplementationDoesNotTouchRocksDb() {
        noClasses().that().resideInAPackage("dev.freshet.storage.memory..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.freshet.storage.rocksdb..", "org.rocksdb..")
                .check(classes);
    }

    @Test
    void storageDependsOnNoHigherFreshetModule() {
        noClasses().that().resideInAPackage("dev.freshet.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.freshet.aggregation..", "dev.freshet.engine..",
                        "dev.freshet.app..", "dev.freshet.testkit..")
                .because("freshet-storage may depend on freshet-model only (DESIGN §5)")
                .check(classes);
    }
}
