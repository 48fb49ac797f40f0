package io.sparkconv.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries of docs/architecture.md, checked on the compiled classes of all three
 * modules (driver's test classpath holds them all): arrows point one way, driver -> data-prep ->
 * worker-kernels; the numerics and the augmenter know nothing of Spark; and no two packages of a
 * module depend on each other (a cycle means one idea was split in two, or two were mixed).
 */
@AnalyzeClasses(packages = "io.sparkconv", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule kernelsKnowNothingOfSparkHadoopOrTheOtherModules = noClasses()
            .that().resideInAPackage("io.sparkconv.kernels..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "org.apache.hadoop..", "scala..",
                    "io.sparkconv.prep..", "io.sparkconv.driver..");

    @ArchTest
    static final ArchRule dataPrepKnowsNothingOfTheDriver = noClasses()
            .that().resideInAPackage("io.sparkconv.prep..")
            .should().dependOnClassesThat().resideInAPackage("io.sparkconv.driver..");

    @ArchTest
    static final ArchRule theAugmenterKnowsNothingOfSpark = noClasses()
            .that().resideInAPackage("io.sparkconv.prep.augment..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "org.apache.hadoop..", "scala..");

    @ArchTest
    static final ArchRule theEpochLoopKnowsNoData = noClasses()
            .that().resideInAPackage("io.sparkconv.kernels.train..")
            .should().dependOnClassesThat().resideInAnyPackage("io.sparkconv.kernels.java..", "io.sparkconv.kernels.onednn..");

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.sparkconv.(*).(*)..").should().beFreeOfCycles();

    /** The rules above see all three modules and their dependencies: the opposite of a true rule fails. */
    @Test
    void theRulesSeeEveryModule() {
        JavaClasses all = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
                .importPackages("io.sparkconv");
        for (String module : new String[] {"io.sparkconv.kernels.", "io.sparkconv.prep.", "io.sparkconv.driver."}) {
            assertTrue(all.stream().anyMatch(c -> c.getName().startsWith(module)), "no classes of " + module);
        }
        ArchRule opposite = noClasses().that().resideInAPackage("io.sparkconv.driver..")
                .should().dependOnClassesThat().resideInAPackage("io.sparkconv.kernels..");
        assertThrows(AssertionError.class, () -> opposite.check(all));
    }
}
