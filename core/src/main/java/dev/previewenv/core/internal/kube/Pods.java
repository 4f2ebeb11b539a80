package dev.previewenv.core.internal.kube;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Facts about pods shared by readiness, diagnostics and the E2E Job runner. */
public final class Pods {
  /** Container waiting reasons meaning the image cannot be had; they do not heal by waiting. */
  public static final Set<String> IMAGE_PULL_REASONS =
      Set.of("ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName");

  private Pods() {}

  /**
   * The workload a pod belongs to, as {@code Kind/name}: {@code Deployment/x} for a pod of a
   * Deployment's ReplicaSet (recognised by its {@code pod-template-hash}), else its controller,
   * else {@code Pod/<name>}.
   */
  public static String owner(Pod pod) {
    List<OwnerReference> refs = pod.getMetadata().getOwnerReferences();
    for (OwnerReference r : refs == null ? List.<OwnerReference>of() : refs) {
      if (!Boolean.TRUE.equals(r.getController())) {
        continue;
      }
      Map<String, String> labels = pod.getMetadata().getLabels();
      String hash = labels == null ? null : labels.get("pod-template-hash");
      if ("ReplicaSet".equals(r.getKind()) && hash != null && r.getName().endsWith("-" + hash)) {
        return "Deployment/" + r.getName().substring(0, r.getName().length() - hash.length() - 1);
      }
      return r.getKind() + "/" + r.getName();
    }
    return "Pod/" + pod.getMetadata().getName();
  }

  /** The statuses of the pod's init containers, then of its containers; none when unknown. */
  public static List<ContainerStatus> containerStatuses(Pod pod) {
    List<ContainerStatus> out = new ArrayList<>();
    if (pod.getStatus() != null) {
      if (pod.getStatus().getInitContainerStatuses() != null) {
        out.addAll(pod.getStatus().getInitContainerStatuses());
      }
      if (pod.getStatus().getContainerStatuses() != null) {
        out.addAll(pod.getStatus().getContainerStatuses());
      }
    }
    return out;
  }

  /**
   * Whether a pod being deleted has nothing left running, by its kubelet's own report: it is marked
   * for deletion and either finished ({@code Succeeded}, {@code Failed}), never bound to a node, or
   * every container the kubelet reports on (init containers included) is not running. Such a pod is
   * only waiting for its kubelet to remove the object, which the kubelet does on its own status
   * schedule (on the test cluster 5 to 70 s after the containers had stopped); deleting it with no
   * grace period then skips no shutdown. A pod whose kubelet has not reported yet is not stopped.
   */
  public static boolean stopped(Pod pod) {
    if (pod.getMetadata() == null || pod.getMetadata().getDeletionTimestamp() == null) {
      return false;
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return true;
    }
    if (pod.getSpec() == null
        || pod.getSpec().getNodeName() == null
        || pod.getSpec().getNodeName().isEmpty()) {
      return true;
    }
    List<ContainerStatus> statuses = containerStatuses(pod);
    return !statuses.isEmpty()
        && statuses.stream()
            .allMatch(c -> c.getState() == null || c.getState().getRunning() == null);
  }

  /** The pod's {@code PodScheduled=False} condition: the scheduler's reason it has no node yet. */
  public static Optional<PodCondition> unscheduled(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
        .findFirst();
  }

  /** The status of the suite's container (by name, else the first one). */
  public static Optional<ContainerStatus> container(Pod pod, String name) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    List<ContainerStatus> all = pod.getStatus().getContainerStatuses();
    return all.stream()
        .filter(c -> name.equals(c.getName()))
        .findFirst()
        .or(() -> all.stream().findFirst());
  }
}
