package dev.previewenv.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.InvalidPlanException;
import dev.previewenv.core.Plan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.io.TempDir;

/** The protection provider and strict host checks as settings of the extension. */
class ProtectionSettingTest {
  @TempDir Path dir;

  final Map<String, String> parameters = new HashMap<>();

  @PreviewEnvironment(
      manifests = "tools.yaml",
      branch = "pr-3",
      authHost = "auth.example.com",
      protectedIngresses = "pgadmin")
  static class Annotated {}

  EnvironmentSpec resolve() throws IOException {
    Files.writeString(
        dir.resolve("tools.yaml"),
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: pgadmin}
        spec:
          rules: [{host: pgadmin.example.com}]
        """);
    Settings settings =
        new Settings(k -> Optional.ofNullable(parameters.get(k)), k -> null, k -> null);
    return EnvironmentSpec.resolve(
        Annotated.class.getAnnotation(PreviewEnvironment.class), "Annotated", settings, dir);
  }

  @Test
  void theProviderIsASetting() throws IOException {
    parameters.put(PreviewEnvironment.PROTECTION, "traefik");
    Plan plan = resolve().plan();
    assertThat(plan.objects())
        .extracting(o -> o.getKind())
        .containsExactly("Ingress", "Middleware");
    assertThat(plan.objects().get(0).getMetadata().getAnnotations())
        .containsEntry(
            "traefik.ingress.kubernetes.io/router.middlewares",
            "pr-3-previewenv-oauth2-proxy@kubernetescrd");
  }

  @Test
  void aProviderThatCannotHonourTheSettingsFailsThePlan() throws IOException {
    parameters.put(PreviewEnvironment.PROTECTION, "envoy-gateway");
    parameters.put(PreviewEnvironment.OAUTH2_PROXY_SERVICE, "auth/oauth2-proxy:4180");
    assertThatThrownBy(() -> resolve().plan())
        .isInstanceOf(InvalidPlanException.class)
        .satisfies(
            e ->
                assertThat(((InvalidPlanException) e).problems())
                    .anySatisfy(
                        p -> assertThat(p).contains("Envoy Gateway does not serve Ingresses")));
  }

  @Test
  void badValuesAreConfigurationProblems() {
    parameters.put(PreviewEnvironment.PROTECTION, "istio");
    parameters.put(PreviewEnvironment.OAUTH2_PROXY_SERVICE, "oauth2-proxy");
    parameters.put(PreviewEnvironment.STRICT_HOSTS, "yes");
    assertThatThrownBy(this::resolve)
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("use ingress-nginx, traefik or envoy-gateway")
        .hasMessageContaining("<namespace>/<service name>:<port>")
        .hasMessageContaining(PreviewEnvironment.STRICT_HOSTS);
  }
}
