package dev.pgkeep.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boundaries of docs/design.md, enforced on every published module's main classes: core's internals are core's
 * alone, core knows no framework or vendor, adapters know only core, and core's packages form no cycle.
 */
class ArchitectureTest {
    private static JavaClasses published;

    // the modules arrive as jars (in a reactor build) or class folders; only pgkeep's own packages are imported
    @BeforeAll
    static void importMainClasses() {
        published = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.pgkeep");
        // every published module must be on the classpath, or the rules would pass by seeing nothing
        for (String pkg : new String[] {
            "dev.pgkeep.core",
            "dev.pgkeep.cli",
            "dev.pgkeep.spring",
            "dev.pgkeep.storage.s3",
            "dev.pgkeep.crypto.gpg",
            "dev.pgkeep.metrics.micrometer"
        }) {
            assertThat(published.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)))
                    .as(pkg)
                    .isTrue();
        }
    }

    @Test
    void nothingOutsideCoreUsesCoreInternals() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.pgkeep.core..")
                .and()
                .resideOutsideOfPackage("dev.pgkeep.testsupport..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.pgkeep.core.internal..")
                .because("front ends and adapters use core's public API and SPIs only")
                .check(published);
    }

    @Test
    void coreKnowsNoFrameworkOrVendor() {
        noClasses()
                .that()
                .resideInAPackage("dev.pgkeep.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..",
                        "software.amazon..",
                        "org.bouncycastle..",
                        "io.micrometer..",
                        "picocli..")
                .check(published);
    }

    @Test
    void theSpiKnowsNoImplementation() {
        noClasses()
                .that()
                .resideInAPackage("dev.pgkeep.core.spi..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.pgkeep.core.internal..")
                .check(published);
    }

    @Test
    void adaptersKnowOnlyCore() {
        String[] modules = {
            "dev.pgkeep.storage.s3..",
            "dev.pgkeep.crypto.gpg..",
            "dev.pgkeep.metrics.micrometer..",
            "dev.pgkeep.spring..",
            "dev.pgkeep.cli.."
        };
        for (int i = 0; i < 3; i++) {
            String adapter = modules[i];
            String[] others = java.util.Arrays.stream(modules)
                    .filter(m -> !m.equals(adapter))
                    .toArray(String[]::new);
            noClasses()
                    .that()
                    .resideInAPackage(adapter)
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(others)
                    .check(published);
        }
    }

    @Test
    void coreInternalPackagesFormNoCycle() {
        SlicesRuleDefinition.slices()
                .matching("dev.pgkeep.core.internal.(*)..")
                .should()
                .beFreeOfCycles()
                .check(published);
    }
}
