package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.previewenv.core.testing.HelmBinary;
import dev.previewenv.core.testing.RealCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed phase on a real cluster: a seed Job (busybox) runs after the stack is ready and has
 * completed when {@code up} returns, a second {@code up} does not run it again, and a failing Helm
 * {@code post-install} hook Job fails {@code up} with its own log line.
 */
@RealCluster
class SeedIT {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

  @TempDir Path tmp;

  private Provisioner provisioner(KubernetesClient client) {
    return Provisioner.forClient(client)
        .withOwner("it-seed-" + RUN)
        .withReadinessTimeout(Duration.ofSeconds(120))
        .withSeedTimeout(Duration.ofSeconds(120))
        .withWaitTimeout(Duration.ofSeconds(120))
        .withKeptNotice(false)
        .withDiagnosticsRoot(tmp);
  }

  @Test
  void aSeedJobRunsOnceAfterTheStackIsReady(KubernetesClient client) {
    EnvironmentName env = EnvironmentName.forBranch("it/seed-" + RUN);
    String ns = env.value();
    Plan plan =
        Plan.builder(env)
            .source(
                ManifestSource.yaml(
                    "stack.yaml",
                    """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: store}
                    spec:
                      selector: {matchLabels: {app: store}}
                      template:
                        metadata: {labels: {app: store}}
                        spec:
                          terminationGracePeriodSeconds: 1
                          containers:
                          - name: store
                            image: previewenv/busybox:1
                            imagePullPolicy: Never
                            command: [sh, -c, "touch /tmp/up && exec sleep 3600"]
                            readinessProbe: {exec: {command: [cat, /tmp/up]}, periodSeconds: 1}
                    ---
                    apiVersion: batch/v1
                    kind: Job
                    metadata:
                      name: seed-orders
                      annotations:
                        previewenv.dev/phase: seed
                        previewenv.dev/seed-after: Deployment/store
                    spec:
                      backoffLimit: 0
                      template:
                        spec:
                          restartPolicy: Never
                          containers:
                          - name: seed
                            image: previewenv/busybox:1
                            imagePullPolicy: Never
                            command: [sh, -c, "echo seeded 3 orders"]
                    """))
            .build();
    Provisioner provisioner = provisioner(client).withCleanup(Cleanup.NEVER);
    try {
      try (Preview preview = provisioner.up(plan)) {
        Job job = client.batch().v1().jobs().inNamespace(ns).withName("seed-orders").get();
        assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
        List<Pod> pods =
            client.pods().inNamespace(ns).withLabel("job-name", "seed-orders").list().getItems();
        assertThat(pods).hasSize(1);
        assertThat(
                client
                    .pods()
                    .inNamespace(ns)
                    .withName(pods.get(0).getMetadata().getName())
                    .getLog())
            .contains("seeded 3 orders");
        assertThat(preview.timings()).containsKey(Phase.SEED);
      }
      String uid =
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(ns)
              .withName("seed-orders")
              .get()
              .getMetadata()
              .getUid();

      provisioner.up(plan).close();

      assertThat(
              client
                  .batch()
                  .v1()
                  .jobs()
                  .inNamespace(ns)
                  .withName("seed-orders")
                  .get()
                  .getMetadata()
                  .getUid())
          .as("the second up did not seed again")
          .isEqualTo(uid);
    } finally {
      provisioner.down(env);
    }
    assertThat(client.namespaces().withName(ns).get()).isNull();
  }

  @Test
  void aFailingHelmPostInstallHookFailsUpWithItsLogLine(KubernetesClient client) throws Exception {
    Path helm = HelmBinary.require();
    Path chart = Path.of(SeedIT.class.getResource("/helm/seeded/Chart.yaml").toURI()).getParent();
    EnvironmentName env = EnvironmentName.forBranch("it/seed-fail-" + RUN);
    String ns = env.value();
    Plan plan =
        Plan.builder(env)
            .kubeVersion(client.getKubernetesVersion().getGitVersion())
            .source(
                ManifestSource.helm(
                    HelmChart.of(chart).withHelm(Helm.binary(helm)).withSet("seed.exitCode", "4")))
            .build();
    Provisioner provisioner = provisioner(client).withCleanup(Cleanup.ALWAYS);
    try {
      Throwable thrown = catchThrowable(() -> provisioner.up(plan).close());

      assertThat(thrown).isInstanceOf(SeedFailedException.class);
      SeedFailedException e = (SeedFailedException) thrown;
      System.out.println("SeedIT: up failed as expected with: " + e.getMessage());
      assertThat(e.job()).isEqualTo("Job/seeded-load-fixtures");
      assertThat(e.getMessage())
          .contains("Seed Job/seeded-load-fixtures of environment " + ns)
          .contains("BackoffLimitExceeded")
          .contains("container load, exit code 4")
          .contains("loading fixtures")
          .contains("Diagnostics: ");
      assertThat(e.lastLogLines()).containsExactly("loading fixtures");
      assertThat(tmp.resolve(ns).resolve("summary.md")).exists();
    } finally {
      provisioner.down(env);
    }
    assertThat(client.namespaces().withName(ns).get()).isNull();
  }
}
