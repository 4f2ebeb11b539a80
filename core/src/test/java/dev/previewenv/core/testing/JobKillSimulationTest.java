package dev.previewenv.core.testing;

import static dev.previewenv.core.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JobKillSimulationTest {
  private static final String NS = "kills";
  private KubeTestServer kube;
  private ControllerSimulator sim;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    kube = new KubeTestServer();
    client = kube.client();
  }

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
    kube.close();
  }

  private Pod runJob(JobOutcome outcome) {
    sim =
        ControllerSimulator.start(
            kube,
            SimulatorOptions.builder().readyDelay(java.time.Duration.ZERO).job(outcome).build());
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    Job job =
        new JobBuilder()
            .withNewMetadata()
            .withName("e2e")
            .withNamespace(NS)
            .endMetadata()
            .withNewSpec()
            .withBackoffLimit(0)
            .withNewTemplate()
            .withNewSpec()
            .withRestartPolicy("Never")
            .addNewContainer()
            .withName("tests")
            .withImage("suite:1")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    client.resource(job).create();
    eventually("job failed")
        .until(
            () -> client.batch().v1().jobs().inNamespace(NS).withName("e2e").get(),
            j ->
                j.getStatus() != null
                    && j.getStatus().getConditions() != null
                    && j.getStatus().getConditions().stream()
                        .anyMatch(
                            c -> c.getType().equals("Failed") && c.getStatus().equals("True")));
    List<Pod> pods = client.pods().inNamespace(NS).withLabel("job-name", "e2e").list().getItems();
    assertThat(pods).hasSize(1);
    return pods.get(0);
  }

  @Test
  void oomKilledJobPodTerminatesWithReasonOomKilledAndFailsTheJob() {
    Pod pod = runJob(JobOutcome.of("suite", 0, "started\n", "").oomKilled());

    var terminated = pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
    assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
    assertThat(terminated.getReason()).isEqualTo("OOMKilled");
    assertThat(terminated.getExitCode()).isEqualTo(137);
    assertThat(pod.getStatus().getReason()).isNull();
  }

  @Test
  void evictedJobPodIsFailedWithReasonEvictedAndAnEvent() {
    Pod pod = runJob(JobOutcome.of("suite", 0, "started\n", "").evicted());

    assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
    assertThat(pod.getStatus().getReason()).isEqualTo("Evicted");
    assertThat(pod.getStatus().getMessage()).startsWith("The node was low on resource: memory.");
    assertThat(pod.getStatus().getContainerStatuses().get(0).getState().getTerminated().getReason())
        .isEqualTo("Error");
    assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("Evicted");
              assertThat(e.getInvolvedObject().getName()).isEqualTo(pod.getMetadata().getName());
            });
  }
}
