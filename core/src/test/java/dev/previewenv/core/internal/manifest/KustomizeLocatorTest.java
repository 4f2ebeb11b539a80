package dev.previewenv.core.internal.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.Kustomize;
import dev.previewenv.core.PreviewEnvException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link Kustomize#auto()} finds its executable: property, environment, then PATH. */
class KustomizeLocatorTest {

  private static final Path DIR = Path.of("deploy", "overlay");

  @TempDir Path bin;
  private Path kustomize;
  private Path kubectl;

  @BeforeEach
  void fakeExecutables() throws IOException {
    kustomize = executable(bin.resolve("a"), "kustomize");
    kubectl = executable(bin.resolve("b"), "kubectl");
  }

  private static Path executable(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(name);
    Files.writeString(file, "#!/bin/sh\n");
    assertThat(file.toFile().setExecutable(true)).isTrue();
    return file;
  }

  private static KustomizeLocator locator(Map<String, String> properties, Map<String, String> env) {
    return new KustomizeLocator(properties::get, env::get);
  }

  private String path(Path... dirs) {
    return String.join(
        java.io.File.pathSeparator, java.util.Arrays.stream(dirs).map(Path::toString).toList());
  }

  @Test
  void prefersKustomizeOnThePathOverKubectl() {
    KustomizeLocator locator =
        locator(Map.of(), Map.of("PATH", path(kubectl.getParent(), kustomize.getParent())));

    assertThat(locator.command(Kustomize.auto(), DIR))
        .containsExactly(kustomize.toString(), "build", DIR.toString());
  }

  @Test
  void fallsBackToKubectlKustomize() {
    KustomizeLocator locator = locator(Map.of(), Map.of("PATH", path(kubectl.getParent())));

    assertThat(locator.command(Kustomize.auto(), DIR))
        .containsExactly(kubectl.toString(), "kustomize", DIR.toString());
  }

  @Test
  void systemPropertyWinsOverEnvironmentAndPath() {
    KustomizeLocator locator =
        locator(
            Map.of(Kustomize.PROPERTY, kubectl.toString()),
            Map.of(
                Kustomize.ENVIRONMENT_VARIABLE,
                kustomize.toString(),
                "PATH",
                path(kustomize.getParent())));

    assertThat(locator.command(Kustomize.auto(), DIR))
        .containsExactly(kubectl.toString(), "kustomize", DIR.toString());
  }

  @Test
  void environmentVariableWinsOverPath() {
    KustomizeLocator locator =
        locator(
            Map.of(),
            Map.of(
                Kustomize.ENVIRONMENT_VARIABLE,
                kustomize.toString(),
                "PATH",
                path(kubectl.getParent())));

    assertThat(locator.command(Kustomize.auto(), DIR)).first().isEqualTo(kustomize.toString());
  }

  @Test
  void aConfiguredBareNameIsLookedUpOnThePath() {
    KustomizeLocator locator =
        locator(Map.of(Kustomize.PROPERTY, "kubectl"), Map.of("PATH", path(kubectl.getParent())));

    assertThat(locator.command(Kustomize.auto(), DIR))
        .containsExactly(kubectl.toString(), "kustomize", DIR.toString());
  }

  @Test
  void aConfiguredPathThatDoesNotExistNamesTheSetting() {
    KustomizeLocator locator =
        locator(Map.of(Kustomize.PROPERTY, bin.resolve("nope/kustomize").toString()), Map.of());

    assertThatThrownBy(() -> locator.command(Kustomize.auto(), DIR))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("system property " + Kustomize.PROPERTY)
        .hasMessageContaining("does not exist");
  }

  @Test
  void nothingFoundSaysHowToInstallOrPreRender() {
    KustomizeLocator locator = locator(Map.of(), Map.of("PATH", path(bin)));

    assertThatThrownBy(() -> locator.command(Kustomize.auto(), DIR))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("neither 'kustomize' nor 'kubectl' was found on the PATH")
        .hasMessageContaining("kustomize/releases")
        .hasMessageContaining("kubernetes.io/docs/tasks/tools")
        .hasMessageContaining("kustomize build " + DIR + " > rendered.yaml")
        .hasMessageContaining("ManifestSource.file(");
  }

  @Test
  void explicitSettingsAreUsedAsGiven() {
    KustomizeLocator locator = locator(Map.of(Kustomize.PROPERTY, "ignored"), Map.of());

    assertThat(locator.command(Kustomize.binary(kustomize), DIR))
        .isEqualTo(List.of(kustomize.toString(), "build", DIR.toString()));
    assertThat(locator.command(Kustomize.kubectl(kubectl), DIR))
        .isEqualTo(List.of(kubectl.toString(), "kustomize", DIR.toString()));
  }

  @Test
  void aNonExecutableFileIsRefused() throws IOException {
    Path plain = bin.resolve("kustomize.txt");
    Files.writeString(plain, "not a program");

    assertThatThrownBy(() -> locator(Map.of(), Map.of()).command(Kustomize.binary(plain), DIR))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("is not an executable file");
  }
}
