package dev.previewenv.core;

import static dev.previewenv.core.TestPlans.configMap;
import static dev.previewenv.core.TestPlans.deployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.testing.InProcessCluster;
import dev.previewenv.core.testing.KubeTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@InProcessCluster
class CiReportTest {

  private static CiReport sample() {
    Plan plan =
        TestPlans.plan(
            "feature/Report",
            List.of(deployment("api", "registry.example.com/api:sha-2"), configMap("c", "k", "v")),
            List.of(
                new Route("api", "api", "http", "feature-report-x.api.example.com", "/", false)));
    return CiReport.of(plan, List.of("api=registry.example.com/api:sha-2"))
        .withPhase(Phase.APPLY, Duration.ofMillis(1234))
        .withPhase(Phase.NAMESPACE, Duration.ofMillis(40));
  }

  @Test
  void jsonRoundTripsAndMergingAddsLaterSteps(@TempDir Path dir) {
    CiReport up = sample();
    Path file = up.write(dir.resolve("sub/report.json"));
    CiReport read = CiReport.read(file);
    assertThat(read).isEqualTo(up);
    assertThat(read.imagesDeployed()).containsExactly("registry.example.com/api:sha-2");
    assertThat(read.phases().keySet()).containsExactly(Phase.NAMESPACE, Phase.APPLY);

    CiReport e2e =
        CiReport.of(EnvironmentName.forBranch("feature/Report"))
            .withTests(
                new CiReport.Tests(
                    "FAILED", 3, 2, 1, 0, Optional.empty(), List.of("a.BTest#c: expected 1")))
            .withPhase(Phase.E2E, Duration.ofSeconds(7));
    CiReport merged = e2e.mergedOnto(read);
    assertThat(merged.phases().keySet()).containsExactly(Phase.NAMESPACE, Phase.APPLY, Phase.E2E);
    assertThat(merged.urls()).isEqualTo(up.urls());
    assertThat(merged.tests().orElseThrow().failed()).isEqualTo(1);
    assertThat(CiReport.read(merged.write(file))).isEqualTo(merged);

    CiReport other = CiReport.of(EnvironmentName.forBranch("other"));
    assertThat(other.mergedOnto(read)).isEqualTo(other);
  }

  @Test
  void markdownShowsUrlsPhasesAndFailuresAndIsAppendedToTheStepSummary(@TempDir Path dir)
      throws Exception {
    CiReport report =
        sample()
            .withTests(
                new CiReport.Tests(
                    "FAILED", 2, 1, 1, 0, Optional.empty(), List.of("a.BTest#c: expected | 1")));
    String md = report.toMarkdown();
    assertThat(md)
        .contains("### Preview environment `" + report.environment() + "` :x:")
        .contains("| api | http://feature-report-x.api.example.com/ |")
        .contains("| apply | 1.2 s |")
        .contains("**E2E: FAILED**: 2 tests, 1 passed, 1 failed")
        .contains("- a.BTest#c: expected \\| 1");

    Path summary = dir.resolve("summary.md");
    Files.writeString(summary, "earlier step\n");
    assertThat(
            report.writeStepSummary(Map.of(CiReport.GITHUB_STEP_SUMMARY, summary.toString())::get))
        .contains(summary);
    assertThat(Files.readString(summary)).startsWith("earlier step\n### Preview environment");
    assertThat(report.writeStepSummary(Map.<String, String>of()::get)).isEmpty();
  }

  @Test
  void aFileThatIsNoReportIsNamed(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("r.json"), "[1,2]");
    assertThatThrownBy(() -> CiReport.read(bad))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining(bad.toString())
        .hasMessageContaining("not a PreviewEnv report");
  }

  @Test
  void provisionerRecordsPhaseTimingsOnThePreviewAndTeardownOnClose(KubeTestServer kube) {
    Plan plan = TestPlans.plan("timings", deployment("web", "nginx:1"));
    Preview preview = Provisioner.forClient(kube.client()).up(plan);
    assertThat(preview.timings().keySet())
        .containsExactly(Phase.NAMESPACE, Phase.APPLY, Phase.READINESS);
    preview.close();
    assertThat(preview.timings()).containsKey(Phase.TEARDOWN);
    CiReport report = CiReport.of(preview, List.of());
    assertThat(report.imagesDeployed()).containsExactly("nginx:1");
    assertThat(report.phases()).containsKey(Phase.TEARDOWN);
  }
}
