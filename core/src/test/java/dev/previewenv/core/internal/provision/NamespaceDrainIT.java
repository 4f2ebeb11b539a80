package dev.previewenv.core.internal.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previewenv.core.testing.RealCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Teardown's drain against the real kubelet: a pod is removed only once its kubelet reports that
 * nothing runs in it. A container that ends on SIGTERM is removed as soon as it has ended; one that
 * ignores SIGTERM keeps its pod until its grace period has run out and the kubelet has killed it.
 */
@RealCluster
class NamespaceDrainIT {
  private static final String IMAGE =
      System.getProperty("previewenv.it.image", "previewenv/busybox:1");
  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

  /** The last state of each pod seen before it was deleted. */
  private static final class LastSeen implements Watcher<Pod> {
    final Map<String, Pod> last = new ConcurrentHashMap<>();
    final Map<String, Pod> deleted = new ConcurrentHashMap<>();
    final Set<String> runningWhileDeleted = ConcurrentHashMap.newKeySet();

    @Override
    public void eventReceived(Action action, Pod pod) {
      if (action == Action.DELETED) {
        deleted.put(pod.getMetadata().getName(), pod);
      } else {
        last.put(pod.getMetadata().getName(), pod);
        if (pod.getMetadata().getDeletionTimestamp() != null && running(pod)) {
          runningWhileDeleted.add(pod.getMetadata().getName());
        }
      }
    }

    @Override
    public void onClose(WatcherException cause) {}
  }

  private static Pod pod(String ns, String name, String onTerm, long grace) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .withTerminationGracePeriodSeconds(grace)
        .addNewContainer()
        .withName("app")
        .withImage(IMAGE)
        .withImagePullPolicy("Never")
        .withCommand("sh", "-c", "trap '" + onTerm + "' TERM; while true; do sleep 1; done")
        .endContainer()
        .endSpec()
        .build();
  }

  private static boolean running(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getContainerStatuses() != null
        && pod.getStatus().getContainerStatuses().stream()
            .anyMatch(c -> c.getState() != null && c.getState().getRunning() != null);
  }

  @Test
  void removesEachPodOnlyOnceItsKubeletReportsItStopped(KubernetesClient client) {
    String ns = "previewenv-it-drain-" + RUN;
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    try {
      client.resource(pod(ns, "ends-on-term", "exit 0", 30)).create();
      client.resource(pod(ns, "ignores-term", "", 6)).create();
      await("both containers running")
          .atMost(Duration.ofMinutes(2))
          .until(
              () ->
                  client.pods().inNamespace(ns).list().getItems().stream()
                          .filter(NamespaceDrainIT::running)
                          .count()
                      == 2);
      LastSeen seen = new LastSeen();
      try (Watch watch = client.pods().inNamespace(ns).watch(seen)) {
        client.namespaces().withName(ns).delete();
        try (NamespaceDrain drain = new NamespaceDrain(client, ns, true)) {
          await("both pods gone")
              .atMost(Duration.ofMinutes(2))
              .until(() -> client.pods().inNamespace(ns).list().getItems().isEmpty());
          assertThat(drain.removed())
              .as("the pod that ended on SIGTERM was removed by the drain")
              .contains("ends-on-term");
        }
        await("both deletions seen")
            .atMost(Duration.ofSeconds(30))
            .until(() -> seen.deleted.size() == 2);
      }
      for (String name : seen.deleted.keySet()) {
        Pod before = seen.last.get(name);
        assertThat(running(before))
            .as("%s: no container was still running when the pod was removed", name)
            .isFalse();
      }
      assertThat(seen.runningWhileDeleted)
          .as("the container that ignored SIGTERM was seen running after the deletion began")
          .contains("ignores-term");
    } finally {
      client.namespaces().withName(ns).delete();
    }
  }
}
