package dev.previewenv.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.ManifestSource;
import dev.previewenv.core.Plan;
import dev.previewenv.junit.PreviewEnvironment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link AdminProtectionE2E}'s check is not vacuous: it passes on the admin ingress of the plan
 * PreviewEnv makes from {@code @ExampleStack}'s settings, and fails when PreviewEnv's protection is
 * missing (as when the transformation breaks), or the ingress is another environment's. And
 * {@code @ExampleStack} asks for the protection production states.
 */
class AdminProtectionCheckTest {
  private static final Path PREVIEW = Path.of("../examples/deploy/overlays/preview");
  private static final Path PRODUCTION_PROTECTION =
      Path.of("../examples/deploy/overlays/production/admin-protection.yaml");
  private static final EnvironmentName ENV = EnvironmentName.forBranch("feature/Admin-Check");

  @BeforeAll
  static void needsKustomize() {
    String path = System.getenv().getOrDefault("PATH", "");
    boolean found =
        Stream.of(path.split(File.pathSeparator))
            .anyMatch(
                d ->
                    !d.isEmpty()
                        && (Files.isExecutable(Path.of(d, "kustomize"))
                            || Files.isExecutable(Path.of(d, "kubectl"))));
    Assumptions.assumeTrue(
        found, "neither kustomize nor kubectl is on the PATH: the preview overlay cannot render");
  }

  private static Ingress admin(Plan.Builder builder) {
    return builder.build().objects().stream()
        .filter(o -> o instanceof Ingress && o.getMetadata().getName().equals("admin"))
        .map(Ingress.class::cast)
        .findFirst()
        .orElseThrow();
  }

  private static Plan.Builder preview() {
    return Plan.builder(ENV).source(ManifestSource.kustomize(PREVIEW));
  }

  private static Plan.Builder protectedAsExampleStackSays() {
    PreviewEnvironment stack = ExampleStack.class.getAnnotation(PreviewEnvironment.class);
    return preview().protect(stack.protectedIngresses()).authHost(stack.authHost());
  }

  @Test
  void passesOnTheIngressPreviewEnvProtectsForThisEnvironment() {
    Ingress ingress = admin(protectedAsExampleStackSays());

    assertThat(
            AdminProtectionE2E.problems(
                ingress,
                ENV.value(),
                AdminProtectionE2E.authHost(),
                AdminProtectionE2E.hostFormat()))
        .isEmpty();
  }

  @Test
  void failsWhenPreviewEnvDidNotProtectTheIngress() {
    Ingress ingress = admin(preview());

    assertThat(
            AdminProtectionE2E.problems(
                ingress,
                ENV.value(),
                AdminProtectionE2E.authHost(),
                AdminProtectionE2E.hostFormat()))
        .anySatisfy(
            p -> assertThat(p).startsWith("nginx.ingress.kubernetes.io/auth-url is missing"))
        .anySatisfy(
            p -> assertThat(p).startsWith("nginx.ingress.kubernetes.io/auth-signin is missing"));
  }

  @Test
  void failsOnAnotherEnvironmentsIngressOrAnotherAuthHost() {
    Ingress ingress = admin(protectedAsExampleStackSays());
    String other = EnvironmentName.forBranch("feature/other").value();

    assertThat(
            AdminProtectionE2E.problems(
                ingress, other, AdminProtectionE2E.authHost(), AdminProtectionE2E.hostFormat()))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("its hosts are [" + ENV.value() + ".admin.example.com]")
                    .contains("expected [" + other + ".admin.example.com]"));
    assertThat(
            AdminProtectionE2E.problems(
                ingress, ENV.value(), "sso.example.org", AdminProtectionE2E.hostFormat()))
        .anySatisfy(
            p -> assertThat(p).contains("expected \"https://sso.example.org/oauth2/auth\""));
  }

  @Test
  void exampleStackProtectsTheAdminIngressAtProductionsAuthHost() throws Exception {
    PreviewEnvironment stack = ExampleStack.class.getAnnotation(PreviewEnvironment.class);
    List<String> lines = Files.readAllLines(PRODUCTION_PROTECTION);
    String authUrl =
        lines
            .get(
                lines.indexOf(
                        lines.stream()
                            .filter(l -> l.contains("auth-url"))
                            .findFirst()
                            .orElseThrow())
                    + 1)
            .replace("value:", "")
            .strip();

    assertThat(stack.protectedIngresses()).containsExactly("admin");
    assertThat(stack.authHost()).isEqualTo(URI.create(authUrl).getHost());
  }
}
