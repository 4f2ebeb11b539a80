package dev.previewenv.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** This module uses core's public API only: nothing in it depends on {@code core.internal}. */
class InternalBoundaryTest {
  @Test
  void nothingHereDependsOnCoresInternalPackages() {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.previewenv.cli");
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.previewenv.core.internal..")
        .because(
            "core's internal packages have no compatibility promise; what this module needs"
                + " belongs in core's API")
        .check(classes);
  }
}
