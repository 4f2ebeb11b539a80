package dev.previewenv.core.internal.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a pod being deleted has nothing left running, by its kubelet's report. */
class PodsTest {
  private static ContainerStatus running(String name) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withNewState()
        .withNewRunning()
        .withStartedAt("2026-12-01T10:00:00Z")
        .endRunning()
        .endState()
        .build();
  }

  private static ContainerStatus terminated(String name) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withNewState()
        .withNewTerminated()
        .withExitCode(0)
        .withReason("Completed")
        .endTerminated()
        .endState()
        .build();
  }

  /** What the 1.20 kubelet reports for a container it has killed and removed. */
  private static ContainerStatus waiting(String name) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withNewState()
        .withNewWaiting()
        .withReason("ContainerCreating")
        .endWaiting()
        .endState()
        .build();
  }

  private static Pod pod(
      boolean deleting,
      String node,
      String phase,
      List<ContainerStatus> init,
      List<ContainerStatus> containers) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("web-1")
        .withDeletionTimestamp(deleting ? "2026-12-01T10:00:02Z" : null)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .endSpec()
        .withNewStatus()
        .withPhase(phase)
        .withInitContainerStatuses(init)
        .withContainerStatuses(containers)
        .endStatus()
        .build();
  }

  @Test
  void aPodNotBeingDeletedIsNeverStopped() {
    assertThat(Pods.stopped(pod(false, "node0", "Succeeded", List.of(), List.of()))).isFalse();
    assertThat(Pods.stopped(pod(false, "node0", "Running", List.of(), List.of(terminated("app")))))
        .isFalse();
  }

  @Test
  void aContainerStillRunningKeepsThePod() {
    assertThat(
            Pods.stopped(
                pod(true, "node0", "Running", List.of(), List.of(terminated("a"), running("b")))))
        .isFalse();
    assertThat(
            Pods.stopped(
                pod(true, "node0", "Pending", List.of(running("init")), List.of(waiting("a")))))
        .as("an init container still running")
        .isFalse();
  }

  @Test
  void aPodWhoseKubeletHasNotReportedIsNotStopped() {
    assertThat(Pods.stopped(pod(true, "node0", "Pending", List.of(), List.of()))).isFalse();
  }

  @Test
  void stoppedWhenNothingRunsByTheKubeletsReport() {
    assertThat(
            Pods.stopped(
                pod(true, "node0", "Running", List.of(), List.of(terminated("a"), waiting("b")))))
        .isTrue();
    assertThat(Pods.stopped(pod(true, "node0", "Succeeded", List.of(), List.of(running("a")))))
        .as("a finished phase")
        .isTrue();
    assertThat(Pods.stopped(pod(true, "node0", "Failed", List.of(), List.of()))).isTrue();
    assertThat(Pods.stopped(pod(true, null, "Pending", List.of(), List.of())))
        .as("never bound to a node")
        .isTrue();
  }
}
