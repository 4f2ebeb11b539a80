package dev.previewenv.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.Plan;
import dev.previewenv.core.testing.HelmBinary;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.io.TempDir;

/** {@code helm:} manifest sources of the extension: syntax, settings, and a real render. */
class HelmManifestSettingTest {
  @TempDir Path dir;

  final Map<String, String> parameters = new HashMap<>();

  @PreviewEnvironment(
      manifests = "helm:charts/site;values=charts/site/preview.yaml",
      branch = "pr-9")
  static class Annotated {}

  EnvironmentSpec resolve() {
    Settings settings =
        new Settings(k -> Optional.ofNullable(parameters.get(k)), k -> null, k -> null);
    return EnvironmentSpec.resolve(
        Annotated.class.getAnnotation(PreviewEnvironment.class), "Annotated", settings, dir);
  }

  @Test
  void helmSourcesGetAbsolutePathsAndTheValuesSettings() {
    parameters.put(PreviewEnvironment.HELM_VALUES, "ci.yaml");
    parameters.put(PreviewEnvironment.HELM_SET, "greeting=hi,replicas=2");

    assertThat(resolve().manifests())
        .containsExactly(
            "helm:"
                + dir.resolve("charts/site")
                + ";values="
                + dir.resolve("charts/site/preview.yaml")
                + ";values="
                + dir.resolve("ci.yaml")
                + ";set=greeting=hi;set=replicas=2");
  }

  @Test
  void aBadHelmOptionIsAConfigurationProblemNamingIt() {
    parameters.put(PreviewEnvironment.MANIFESTS, "helm:charts/site;relase=x");
    assertThatThrownBy(this::resolve)
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("unknown option \"relase\"")
        .hasMessageContaining("release, values, set");
  }

  @Test
  void rendersTheChartWithTheSettings() throws IOException {
    Path helm = HelmBinary.require();
    Path chart = Files.createDirectories(dir.resolve("charts/site/templates"));
    Files.writeString(
        chart.resolveSibling("Chart.yaml"), "apiVersion: v2\nname: site\nversion: 1.0.0\n");
    Files.writeString(chart.resolveSibling("values.yaml"), "greeting: hello\n");
    Files.writeString(chart.resolveSibling("preview.yaml"), "greeting: preview\n");
    Files.writeString(
        chart.resolve("config.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\n"
            + "data:\n  greeting: {{ .Values.greeting | quote }}\n"
            + "  replicas: {{ .Values.replicas | default 1 | quote }}\n");
    parameters.put(PreviewEnvironment.HELM_SET, "replicas=2");
    System.setProperty("previewenv.helm", helm.toString());
    try {
      Plan plan = resolve().plan();
      ConfigMap config = (ConfigMap) plan.objects().get(0);
      assertThat(config.getMetadata().getName()).isEqualTo("site-config");
      assertThat(config.getMetadata().getNamespace()).isEqualTo("pr-9");
      assertThat(config.getData())
          .containsEntry("greeting", "preview")
          .containsEntry("replicas", "2");
    } finally {
      System.clearProperty("previewenv.helm");
    }
  }
}
