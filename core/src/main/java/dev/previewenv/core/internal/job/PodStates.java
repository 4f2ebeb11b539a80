package dev.previewenv.core.internal.job;

import dev.previewenv.core.E2eResult.Cause;
import dev.previewenv.core.internal.kube.Pods;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reading Job and pod status: terminal conditions, image pull failures, kills, evictions. */
public final class PodStates {
  /** Waiting reasons that mean the suite's image cannot be had. */
  public static final Set<String> IMAGE_PULL_REASONS = Pods.IMAGE_PULL_REASONS;

  private PodStates() {}

  /** The Job's {@code Complete} or {@code Failed} condition with status True, if any. */
  public static Optional<JobCondition> terminal(Job job) {
    if (job == null || job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> "True".equals(c.getStatus()))
        .filter(c -> "Complete".equals(c.getType()) || "Failed".equals(c.getType()))
        .findFirst();
  }

  /** Pods newest first (creation time, then name). */
  public static List<Pod> newestFirst(List<Pod> pods) {
    List<Pod> sorted = new ArrayList<>(pods);
    sorted.sort(
        Comparator.comparing(
                (Pod p) ->
                    p.getMetadata().getCreationTimestamp() == null
                        ? ""
                        : p.getMetadata().getCreationTimestamp())
            .thenComparing(p -> p.getMetadata().getName())
            .reversed());
    return sorted;
  }

  /** Pods oldest first. */
  public static List<Pod> oldestFirst(List<Pod> pods) {
    List<Pod> sorted = newestFirst(pods);
    java.util.Collections.reverse(sorted);
    return sorted;
  }

  /** The container's terminated state (current, else last), if it terminated. */
  public static Optional<ContainerStateTerminated> terminated(Pod pod, String name) {
    return Pods.container(pod, name)
        .flatMap(
            c -> {
              if (c.getState() != null && c.getState().getTerminated() != null) {
                return Optional.of(c.getState().getTerminated());
              }
              return Optional.ofNullable(c.getLastState()).map(s -> s.getTerminated());
            });
  }

  /** Whether the container has started (running or terminated), so its log can be read. */
  public static boolean started(Pod pod, String name) {
    return Pods.container(pod, name)
        .map(
            c ->
                c.getState() != null
                    && (c.getState().getRunning() != null || c.getState().getTerminated() != null))
        .orElse(false);
  }

  /** An image pull failure of any container of {@code pods}, as a cause naming pod and image. */
  public static Optional<Cause> imagePullFailure(List<Pod> pods) {
    for (Pod pod : pods) {
      if (pod.getStatus() == null) {
        continue;
      }
      for (ContainerStatus c : Pods.containerStatuses(pod)) {
        ContainerStateWaiting w = c.getState() == null ? null : c.getState().getWaiting();
        if (w != null && IMAGE_PULL_REASONS.contains(w.getReason())) {
          String image = c.getImage() != null ? c.getImage() : imageOf(pod, c.getName());
          return Optional.of(
              new Cause(
                  Cause.Kind.IMAGE_PULL,
                  "Container "
                      + c.getName()
                      + " of pod "
                      + pod.getMetadata().getName()
                      + " cannot start: "
                      + w.getReason()
                      + " for image \""
                      + image
                      + "\""
                      + (w.getMessage() == null ? "" : ": " + w.getMessage())
                      + ". Check the image name and tag, that it was pushed to a registry the"
                      + " nodes can reach (or loaded into the node), the imagePullPolicy and the"
                      + " pull secret"));
        }
      }
    }
    return Optional.empty();
  }

  /** The container was killed for exceeding its memory limit. */
  public static Optional<Cause> oomKilled(Pod pod, String container) {
    return terminated(pod, container)
        .filter(t -> "OOMKilled".equals(t.getReason()))
        .map(
            t ->
                new Cause(
                    Cause.Kind.OOM_KILLED,
                    "Container "
                        + container
                        + " of pod "
                        + pod.getMetadata().getName()
                        + " was OOMKilled (exit code "
                        + t.getExitCode()
                        + ", memory limit "
                        + memoryLimit(pod, container)
                        + "). Raise the memory limit (E2eJob.withResources) or lower the suite's"
                        + " heap (e.g. JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75)"));
  }

  /**
   * The pod was evicted: {@code status.reason Evicted} (kubelet node pressure, all versions) or a
   * {@code DisruptionTarget} condition (1.26+: preemption, drain, taint manager, kubelet).
   */
  public static Optional<Cause> evicted(Pod pod) {
    if (pod.getStatus() == null) {
      return Optional.empty();
    }
    String name = pod.getMetadata().getName();
    if ("Evicted".equals(pod.getStatus().getReason())) {
      return Optional.of(
          new Cause(
              Cause.Kind.EVICTED,
              "Pod "
                  + name
                  + " was evicted: "
                  + (pod.getStatus().getMessage() == null ? "" : pod.getStatus().getMessage())
                  + ". The node ran short of resources; set resource requests"
                  + " (E2eJob.withResources) so the suite is scheduled where it fits"));
    }
    if (pod.getStatus().getConditions() != null) {
      for (PodCondition c : pod.getStatus().getConditions()) {
        if ("DisruptionTarget".equals(c.getType()) && "True".equals(c.getStatus())) {
          return Optional.of(
              new Cause(
                  Cause.Kind.EVICTED,
                  "Pod "
                      + name
                      + " was disrupted ("
                      + c.getReason()
                      + (c.getMessage() == null ? "" : ": " + c.getMessage())
                      + "). A drain, preemption or node problem ended the suite; run it again"));
        }
      }
    }
    return Optional.empty();
  }

  private static String imageOf(Pod pod, String container) {
    if (pod.getSpec() == null) {
      return "?";
    }
    List<Container> all = new ArrayList<>(pod.getSpec().getContainers());
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    return all.stream()
        .filter(c -> container.equals(c.getName()))
        .map(Container::getImage)
        .findFirst()
        .orElse("?");
  }

  private static String memoryLimit(Pod pod, String container) {
    if (pod.getSpec() == null) {
      return "none";
    }
    return pod.getSpec().getContainers().stream()
        .filter(c -> container.equals(c.getName()))
        .findFirst()
        .map(Container::getResources)
        .map(r -> r.getLimits() == null ? null : r.getLimits().get("memory"))
        .map(Quantity::toString)
        .orElse("none");
  }
}
