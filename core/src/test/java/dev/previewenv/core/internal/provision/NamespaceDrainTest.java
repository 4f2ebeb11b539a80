package dev.previewenv.core.internal.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import dev.previewenv.core.testing.InProcessCluster;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Teardown's help for a Terminating namespace: its pods are deleted at once, a pod whose kubelet
 * has stopped it is removed and a pod still running is not; the namespace is annotated once its
 * last pod is gone (and not before), or at once when it holds none; a namespace that cannot be
 * annotated changes nothing.
 */
@InProcessCluster(simulator = false)
class NamespaceDrainTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static void namespace(KubernetesClient client, String name) {
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
  }

  /** A pod of one container {@code app}, not yet sent. */
  private static Pod podObject(String ns, String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("app:1")
        .endContainer()
        .endSpec()
        .build();
  }

  private static Pod pod(KubernetesClient client, String ns, String name) {
    return client.resource(podObject(ns, name)).create();
  }

  private static String annotation(KubernetesClient client, String ns) {
    Namespace n = client.namespaces().withName(ns).get();
    Map<String, String> a = n.getMetadata().getAnnotations();
    return a == null ? null : a.get(NamespaceDrain.ANNOTATION);
  }

  @Test
  void annotatesTheNamespaceWhenItsLastPodIsDeletedAndNotBefore(KubernetesClient client) {
    namespace(client, "requeue-a");
    pod(client, "requeue-a", "web-1");
    pod(client, "requeue-a", "web-2");
    try (NamespaceDrain requeue = new NamespaceDrain(client, "requeue-a", false)) {
      // (the in-process server does not replay a deletion between the list and the watch)
      await("the pods watched").atMost(WAIT).until(requeue::watching);
      client.pods().inNamespace("requeue-a").withName("web-1").delete();
      // the informer has seen the first deletion (and still holds web-2): no hint yet
      await("web-1 gone from the informer")
          .atMost(WAIT)
          .until(() -> client.pods().inNamespace("requeue-a").list().getItems().size() == 1);
      assertThat(requeue.sent()).isFalse();
      assertThat(annotation(client, "requeue-a")).isNull();

      client.pods().inNamespace("requeue-a").withName("web-2").delete();
      String at =
          await("the namespace annotated")
              .atMost(WAIT)
              .until(() -> annotation(client, "requeue-a"), a -> a != null);
      assertThat(at).as("an instant").matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
      assertThat(requeue.sent()).isTrue();
    }
  }

  @Test
  void annotatesANamespaceWithoutPodsAtOnce(KubernetesClient client) {
    namespace(client, "requeue-b");
    try (NamespaceDrain requeue = new NamespaceDrain(client, "requeue-b", false)) {
      assertThat(requeue).isNotNull();
      await("the namespace annotated")
          .atMost(WAIT)
          .until(() -> annotation(client, "requeue-b"), a -> a != null);
    }
  }

  @Test
  void aNamespaceThatIsGoneAlreadyIsNoError(KubernetesClient client) {
    assertThatCode(
            () -> {
              try (NamespaceDrain requeue = new NamespaceDrain(client, "requeue-gone", false)) {
                await("the attempt made")
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(20))
                    .until(requeue::sent);
              }
            })
        .doesNotThrowAnyException();
    assertThat(client.namespaces().withName("requeue-gone").get()).isNull();
  }

  @Test
  void deletesEveryPodAtOnce(KubernetesClient client) {
    namespace(client, "drain-a");
    pod(client, "drain-a", "web-1");
    pod(client, "drain-a", "web-2");
    try (NamespaceDrain drain = new NamespaceDrain(client, "drain-a", true)) {
      await("the pods deleted")
          .atMost(WAIT)
          .until(() -> client.pods().inNamespace("drain-a").list().getItems().isEmpty());
      await("the namespace annotated")
          .atMost(WAIT)
          .until(() -> annotation(client, "drain-a"), a -> a != null);
      assertThat(drain.sent()).isTrue();
    }
  }

  /** A pod held by a finalizer of its own, marked for deletion, with its kubelet's report. */
  private static Pod terminating(
      KubernetesClient client, String ns, String name, boolean containerRunning) {
    Pod pod =
        new PodBuilder(podObject(ns, name))
            .editMetadata()
            .withFinalizers("example.com/hold")
            .endMetadata()
            .editSpec()
            .withNodeName("node0")
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .addNewContainerStatus()
            .withName("app")
            .withNewState()
            .withRunning(
                containerRunning
                    ? new io.fabric8.kubernetes.api.model.ContainerStateRunning(
                        "2026-12-01T10:00:00Z")
                    : null)
            .withTerminated(
                containerRunning
                    ? null
                    : new io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder()
                        .withExitCode(0)
                        .withReason("Completed")
                        .build())
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    client.resource(pod).create();
    client.pods().inNamespace(ns).withName(name).delete(); // the finalizer keeps it, Terminating
    return client.pods().inNamespace(ns).withName(name).get();
  }

  @Test
  void removesThePodsTheirKubeletHasStoppedAndNoOther(KubernetesClient client) {
    namespace(client, "drain-b");
    Pod stopped = terminating(client, "drain-b", "stopped", false);
    Pod running = terminating(client, "drain-b", "running", true);
    assertThat(stopped.getMetadata().getDeletionTimestamp())
        .as("kept by its finalizer")
        .isNotNull();
    assertThat(running.getMetadata().getDeletionTimestamp()).isNotNull();
    try (NamespaceDrain drain = new NamespaceDrain(client, "drain-b", true)) {
      await("the stopped pod removed")
          .atMost(WAIT)
          .until(drain::removed, r -> r.contains("stopped"));
      // the kubelet reports the other one stopped only now
      Pod now = client.pods().inNamespace("drain-b").withName("running").get();
      assertThat(drain.removed()).containsExactly("stopped");
      now.getStatus()
          .getContainerStatuses()
          .get(0)
          .setState(
              new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
                  .withNewTerminated()
                  .withExitCode(143)
                  .endTerminated()
                  .build());
      client.pods().inNamespace("drain-b").resource(now).updateStatus();
      await("the pod removed once stopped")
          .atMost(WAIT)
          .until(drain::removed, r -> r.contains("running"));
    }
  }
}
