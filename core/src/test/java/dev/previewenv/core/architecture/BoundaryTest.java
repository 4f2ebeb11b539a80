package dev.previewenv.core.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boundary between core's public API and its {@code internal} packages, stated and checked: no
 * public signature of the API exposes an internal type, and every internal package says in its
 * {@code package-info} that it has no compatibility promise.
 */
class BoundaryTest {
  private static final String INTERNAL = "dev.previewenv.core.internal";
  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.previewenv.core");
  }

  private static boolean internal(JavaClass c) {
    JavaClass base = c.isArray() ? c.getBaseComponentType() : c;
    return base.getPackageName().startsWith(INTERNAL);
  }

  private static boolean visible(Set<JavaModifier> modifiers) {
    return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
  }

  /** Public types outside internal, and reachable: public all the way out. */
  private static boolean api(JavaClass c) {
    if (internal(c) || !c.getModifiers().contains(JavaModifier.PUBLIC)) {
      return false;
    }
    return c.getEnclosingClass().map(BoundaryTest::api).orElse(true);
  }

  private static List<String> exposed(JavaType type) {
    List<String> out = new ArrayList<>();
    for (JavaClass c : type.getAllInvolvedRawTypes()) {
      if (internal(c)) {
        out.add(c.getName());
      }
    }
    return out;
  }

  @Test
  void noPublicSignatureOfTheApiExposesAnInternalType() {
    List<String> violations = new ArrayList<>();
    int checked = 0;
    for (JavaClass c : classes) {
      if (!api(c)) {
        continue;
      }
      checked++;
      c.getRawSuperclass()
          .filter(BoundaryTest::internal)
          .ifPresent(s -> violations.add(c.getName() + " extends " + s.getName()));
      for (JavaClass i : c.getRawInterfaces()) {
        if (internal(i)) {
          violations.add(c.getName() + " implements " + i.getName());
        }
      }
      for (JavaField f : c.getFields()) {
        if (visible(f.getModifiers())) {
          exposed(f.getType()).forEach(t -> violations.add(f.getFullName() + " is a " + t));
        }
      }
      for (JavaCodeUnit u : c.getCodeUnits()) {
        if (!visible(u.getModifiers()) || u.getModifiers().contains(JavaModifier.SYNTHETIC)) {
          continue;
        }
        exposed(u.getReturnType()).forEach(t -> violations.add(u.getFullName() + " returns " + t));
        for (JavaType p : u.getParameterTypes()) {
          exposed(p).forEach(t -> violations.add(u.getFullName() + " takes " + t));
        }
        u.getThrowsClause()
            .getTypes()
            .forEach(
                t -> {
                  if (internal(t)) {
                    violations.add(u.getFullName() + " throws " + t.getName());
                  }
                });
      }
    }
    assertThat(checked).as("public API classes checked").isGreaterThan(20);
    assertThat(violations)
        .as(
            "public signatures exposing internal types (make the member package-private, or move"
                + " the type out of internal and give it a compatibility promise)")
        .isEmpty();
  }

  @Test
  void theInternalPackagesFormNoCycle() {
    com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices()
        .matching(INTERNAL + ".(*)..")
        .should()
        .beFreeOfCycles()
        .because(
            "each internal room depends only on rooms below it; the vocabulary (internal.kube)"
                + " and the shared helpers (internal) are at the bottom")
        .check(classes);
  }

  @Test
  void coreDoesNotDependOnJUnit() {
    com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.junit..", "org.opentest4j..")
        .because("the JUnit bridges live in previewenv-junit-extension (E2eDynamicTests)")
        .check(classes);
  }

  @Test
  void everyInternalPackageSaysItHasNoCompatibilityPromise() throws IOException {
    Path root = Path.of("src", "main", "java", INTERNAL.replace('.', '/'));
    List<Path> packages;
    try (Stream<Path> dirs = Files.walk(root)) {
      packages =
          dirs.filter(Files::isDirectory)
              .filter(
                  d -> {
                    try (Stream<Path> files = Files.list(d)) {
                      return files.anyMatch(f -> f.toString().endsWith(".java"));
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .toList();
    }
    assertThat(packages).hasSizeGreaterThan(5);
    List<String> missing = new ArrayList<>();
    for (Path p : packages) {
      Path info = p.resolve("package-info.java");
      if (!Files.exists(info) || !Files.readString(info).contains("no compatibility promise")) {
        missing.add(root.relativize(p) + "/package-info.java");
      }
    }
    assertThat(missing)
        .as("internal packages without a package-info saying 'no compatibility promise'")
        .isEmpty();
  }
}
