package dev.previewenv.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class E2eSettingsTest {

  @Test
  void defaultsToTheClassPathDirectoriesAndKubernetesPaths() {
    E2eSettings settings = E2eSettings.fromEnv(Map.of());

    assertThat(settings.select()).isEmpty();
    assertThat(settings.artifactsDir()).isEqualTo(Path.of("/results/artifacts"));
    assertThat(settings.artifactLimit()).isEqualTo(4 * 1024 * 1024);
    assertThat(settings.includeTags()).isEmpty();
    assertThat(settings.excludeTags()).isEmpty();
    assertThat(settings.resultsDir()).isEqualTo(Path.of("/results"));
    assertThat(settings.terminationLog()).isEqualTo(Path.of("/dev/termination-log"));
  }

  @Test
  void readsCommaSeparatedListsIgnoringBlanks() {
    E2eSettings settings =
        E2eSettings.fromEnv(
            Map.of(
                "PREVIEWENV_E2E_SELECT", " a.B , ,c.D",
                "PREVIEWENV_E2E_INCLUDE_TAGS", "smoke",
                "PREVIEWENV_E2E_EXCLUDE_TAGS", "cluster, slow",
                "PREVIEWENV_E2E_RESULTS", "/tmp/r",
                "PREVIEWENV_TERMINATION_LOG", "/tmp/t",
                "PREVIEWENV_E2E_ARTIFACTS", "/tmp/a",
                "PREVIEWENV_E2E_ARTIFACT_LIMIT", "512k"));

    assertThat(settings.select()).isEqualTo(List.of("a.B", "c.D"));
    assertThat(settings.includeTags()).containsExactly("smoke");
    assertThat(settings.excludeTags()).containsExactly("cluster", "slow");
    assertThat(settings.resultsDir()).isEqualTo(Path.of("/tmp/r"));
    assertThat(settings.terminationLog()).isEqualTo(Path.of("/tmp/t"));
    assertThat(settings.artifactsDir()).isEqualTo(Path.of("/tmp/a"));
    assertThat(settings.artifactLimit()).isEqualTo(512 * 1024);
  }

  @Test
  void namesTheVariableOfABadLimit() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> E2eSettings.fromEnv(Map.of("PREVIEWENV_E2E_ARTIFACT_LIMIT", "lots")))
        .withMessageContaining("PREVIEWENV_E2E_ARTIFACT_LIMIT")
        .withMessageContaining("lots");
  }
}
