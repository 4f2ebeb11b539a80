package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.testing.HelmBinary;
import dev.previewenv.core.testing.InProcessCluster;
import dev.previewenv.core.testing.KubeTestServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Helm {@code post-install} hook Jobs run as seed steps: rendered by a real helm (skipped where
 * none is found), annotated as seeds with their hook weight, and run by {@code up} after the
 * release's workloads are ready (controller simulator).
 */
@InProcessCluster
class HelmSeedHooksTest {
  private static Path helm;
  private static Path chart;

  @BeforeAll
  static void findHelm() throws Exception {
    helm = HelmBinary.require();
    chart =
        Path.of(HelmSeedHooksTest.class.getResource("/helm/seeded/Chart.yaml").toURI()).getParent();
  }

  private static HelmChart seeded() {
    return HelmChart.of(chart).withHelm(Helm.binary(helm));
  }

  @Test
  void postInstallJobsBecomeSeedsWithTheirHookWeightAndOtherHooksAreLeftOut() {
    Plan plan =
        Plan.builder(EnvironmentName.of("helm-seed")).source(ManifestSource.helm(seeded())).build();

    assertThat(plan.seeds())
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactly("Job/seeded-load-fixtures");
    HasMetadata seed = plan.seeds().get(0);
    assertThat(seed.getMetadata().getAnnotations())
        .containsEntry(Plan.PHASE_ANNOTATION, Plan.SEED_PHASE)
        .containsEntry(Plan.SEED_WEIGHT_ANNOTATION, "5")
        .doesNotContainKeys("helm.sh/hook", "helm.sh/hook-weight", "helm.sh/hook-delete-policy");
    assertThat(plan.objects())
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactlyInAnyOrder("Deployment/seeded-store", "Job/seeded-load-fixtures");
    assertThat(plan.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("runs the Helm hook Job/seeded-load-fixtures")
                    .contains("post-install,post-upgrade")
                    .contains("as a seed step"))
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("left out the Helm hook Job/seeded-check")
                    .contains("previewenv.dev/phase: seed"));
  }

  @Test
  void omitLeavesEveryHookOutAndTheSourceSpecChoosesThePolicy() {
    Plan omitted =
        Plan.builder(EnvironmentName.of("helm-omit"))
            .source(ManifestSource.helm(seeded().withHooks(HelmChart.Hooks.OMIT)))
            .build();
    assertThat(omitted.seeds()).isEmpty();
    assertThat(omitted.objects()).extracting(HasMetadata::getKind).containsExactly("Deployment");

    ManifestSource spec = ManifestSource.parse("helm:" + chart + ";hooks=omit", Path.of("."));
    assertThat(
            ((dev.previewenv.core.internal.manifest.HelmSource) ManifestSources.unwrap(spec))
                .chart()
                .hooks())
        .isEqualTo(HelmChart.Hooks.OMIT);
    assertThat(HelmChart.of(chart).hooks()).as("the default").isEqualTo(HelmChart.Hooks.SEED);
  }

  @Test
  void upRunsTheHookJobAfterTheReleaseIsReady(KubeTestServer kube) {
    Plan plan =
        Plan.builder(EnvironmentName.of("helm-seed-up"))
            .source(ManifestSource.helm(seeded()))
            .build();
    Provisioner provisioner =
        Provisioner.forClient(kube.client())
            .withOwner("helm-seed")
            .withCleanup(Cleanup.NEVER)
            .withKeptNotice(false)
            .withReadinessTimeout(Duration.ofSeconds(20));
    try (Preview preview = provisioner.up(plan)) {
      Job job =
          kube.client()
              .batch()
              .v1()
              .jobs()
              .inNamespace("helm-seed-up")
              .withName("seeded-load-fixtures")
              .get();
      assertThat(job.getStatus().getConditions())
          .anySatisfy(c -> assertThat(c.getType()).isEqualTo("Complete"));
      assertThat(preview.timings()).containsKey(Phase.SEED);
      assertThat(
              kube.client()
                  .batch()
                  .v1()
                  .jobs()
                  .inNamespace("helm-seed-up")
                  .withName("seeded-check")
                  .get())
          .isNull();
    }
  }
}
