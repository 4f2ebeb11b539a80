package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rendering kustomize directories with the real kubectl/kustomize, and the ways it can fail. */
class KustomizeSourceTest {

  private static final Path OVERLAY = Fixtures.path("manifests/kustomize/overlay");
  private static final Path BROKEN = Fixtures.path("manifests/kustomize/broken");

  /** kustomize or kubectl from the PATH, or skip the test saying why. */
  private static Kustomize realRenderer() {
    Optional<Path> kustomize = onPath("kustomize");
    if (kustomize.isPresent()) {
      return Kustomize.binary(kustomize.get());
    }
    Optional<Path> kubectl = onPath("kubectl");
    Assumptions.assumeTrue(
        kubectl.isPresent(), "neither kustomize nor kubectl is on the PATH of this machine");
    return Kustomize.kubectl(kubectl.get());
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return Stream.of(path.split(File.pathSeparator))
        .filter(p -> !p.isBlank())
        .map(p -> Path.of(p, name))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** A shell script standing in for kustomize; skips where there is no POSIX shell. */
  private static Path script(Path dir, String body) throws IOException {
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/bin/sh")), "fake kustomize scripts need /bin/sh");
    Path script = dir.resolve("fake-kustomize");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    assertThat(script.toFile().setExecutable(true)).isTrue();
    return script;
  }

  @Test
  void rendersAnOverlayWithNamePrefixCommonLabelsAndImages() {
    List<HasMetadata> objects = ManifestSource.kustomize(OVERLAY, realRenderer()).load();

    assertThat(objects)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactlyInAnyOrder("Deployment/staging-api", "Service/staging-api");
    assertThat(objects)
        .allSatisfy(o -> assertThat(o.getMetadata().getLabels()).containsEntry("stage", "staging"));
    Deployment deployment =
        objects.stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example.com:5000/team/api:sha-1f2e");
    assertThat(objects).filteredOn(Service.class::isInstance).hasSize(1);
  }

  @Test
  void rendersWithAutoWhenKustomizeOrKubectlIsOnThePath() {
    realRenderer();

    assertThat(ManifestSource.kustomize(OVERLAY).load()).hasSize(2);
  }

  @Test
  void failedRenderIsBadInputCarryingKustomizesStandardError() {
    InvalidPlanException e =
        catchThrowableOfType(
            InvalidPlanException.class, ManifestSource.kustomize(BROKEN, realRenderer())::load);

    assertThat(e.getMessage()).contains("failed with exit code").contains(BROKEN.toString());
    assertThat(String.join("\n", e.problems())).contains("missing-file.yaml");
  }

  @Test
  void missingBinarySaysHowToInstallOrPreRender() {
    Path missing = Path.of("/nonexistent/bin/kustomize");

    assertThatThrownBy(() -> ManifestSource.kustomize(OVERLAY, Kustomize.binary(missing)).load())
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist")
        .hasMessageContaining("https://github.com/kubernetes-sigs/kustomize/releases")
        .hasMessageContaining("kubectl")
        .hasMessageContaining("kustomize build " + OVERLAY + " > rendered.yaml")
        .hasMessageContaining("ManifestSource.file(");
  }

  @Test
  void refusesADirectoryWithoutKustomization(@TempDir Path dir) {
    InvalidPlanException e =
        catchThrowableOfType(
            InvalidPlanException.class, ManifestSource.kustomize(dir, Kustomize.auto())::load);

    assertThat(e.problems())
        .singleElement()
        .asString()
        .startsWith(dir + ": has no kustomization.yaml")
        .contains("ManifestSource.directory(");
  }

  @Test
  void parsesTheRenderedStreamNamingItInProblems(@TempDir Path dir) throws IOException {
    Path script =
        script(
            dir,
            "printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: a\\n---\\nkind: X\\n'");

    InvalidPlanException e =
        catchThrowableOfType(
            InvalidPlanException.class,
            ManifestSource.kustomize(OVERLAY, Kustomize.binary(script))::load);

    assertThat(e.problems())
        .containsExactly(
            "kustomize build "
                + OVERLAY
                + ", document 2 (counting from 1), line 6: missing 'apiVersion'; every Kubernetes"
                + " object needs one (e.g. 'apiVersion: apps/v1')",
            "kustomize build "
                + OVERLAY
                + ", document 2 (counting from 1), line 6: missing 'metadata.name'; every object"
                + " needs a fixed name");
  }

  @Test
  void readsLargeOutputOnBothStreamsWithoutBlocking(@TempDir Path dir) throws IOException {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      yaml.append("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-")
          .append(i)
          .append("\ndata:\n  padding: \"")
          .append("x".repeat(200))
          .append("\"\n");
    }
    Path rendered = dir.resolve("rendered.yaml");
    Files.writeString(rendered, yaml);
    // Far more than a pipe buffer on both streams, stderr first: a sequential reader would hang.
    Path script = script(dir, "cat '" + rendered + "' >&2\ncat '" + rendered + "'\n");

    List<HasMetadata> objects =
        ManifestSource.kustomize(
                OVERLAY, Kustomize.binary(script).withTimeout(Duration.ofSeconds(30)))
            .load();

    assertThat(objects).hasSize(1000);
    assertThat(objects.get(999).getMetadata().getName()).isEqualTo("cm-999");
  }

  @Test
  void killsARenderThatExceedsTheTimeout(@TempDir Path dir) throws IOException {
    Path script = script(dir, "echo 'fetching remote base' >&2\nexec sleep 30");

    assertThatThrownBy(
            () ->
                ManifestSource.kustomize(
                        OVERLAY, Kustomize.binary(script).withTimeout(Duration.ofMillis(300)))
                    .load())
        .isInstanceOf(PreviewEnvException.class)
        .isNotInstanceOf(InvalidPlanException.class)
        .hasMessageContaining("did not finish within")
        .hasMessageContaining("withTimeout")
        .hasMessageContaining("fetching remote base");
  }

  @Test
  void kustomizeSettingsAreValues() {
    Path kubectl = Path.of("/usr/bin/kubectl");

    assertThat(Kustomize.kubectl(kubectl)).isEqualTo(Kustomize.kubectl(kubectl));
    assertThat(Kustomize.kubectl(kubectl).tool()).isEqualTo(Kustomize.Tool.KUBECTL);
    assertThat(Kustomize.kubectl(kubectl).executable()).contains(kubectl);
    assertThat(Kustomize.auto().executable()).isEmpty();
    assertThat(Kustomize.auto().timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(Kustomize.auto().withTimeout(Duration.ofSeconds(5)).timeout())
        .isEqualTo(Duration.ofSeconds(5));
    assertThatThrownBy(() -> Kustomize.auto().withTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be positive");
    assertThat(ManifestSource.kustomize(OVERLAY).description())
        .isEqualTo("kustomize build " + OVERLAY);
  }
}
