package dev.previewenv.core.internal.kube;

import static dev.previewenv.core.internal.kube.Coordinates.orZero;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

/**
 * What a pod and its containers are doing, in words: one home for the three forms PreviewEnv
 * prints, each for its reader: the readiness wait's message ({@link #inWait}), the diagnostics
 * table and summary ({@link #stateCell}, {@link #problem}) and the E2E Job's line ({@link
 * #jobLine}). The facts come from {@link Pods}.
 */
public final class PodText {
  private PodText() {}

  /** A pod in the readiness wait's message: phase, scheduling, each container not ready. */
  public static String inWait(Pod pod) {
    if (pod.getStatus() == null) {
      return " has no status yet";
    }
    StringBuilder out = new StringBuilder(" ").append(pod.getStatus().getPhase());
    Pods.unscheduled(pod)
        .ifPresent(
            c ->
                out.append(", unscheduled: ")
                    .append(c.getReason())
                    .append(": ")
                    .append(c.getMessage()));
    out.append(containersInWait(pod));
    return out.toString();
  }

  /** Each container of the pod that is not ready, in the readiness wait's words. */
  public static String containersInWait(Pod pod) {
    StringBuilder out = new StringBuilder();
    for (ContainerStatus cs : Pods.containerStatuses(pod)) {
      if (Boolean.TRUE.equals(cs.getReady())) {
        continue;
      }
      out.append(", container ").append(cs.getName());
      if (cs.getState() == null) {
        out.append(" has no state");
      } else if (cs.getState().getWaiting() != null) {
        out.append(" waiting: ").append(cs.getState().getWaiting().getReason());
        if (cs.getState().getWaiting().getMessage() != null) {
          out.append(" (").append(cs.getState().getWaiting().getMessage()).append(')');
        }
      } else if (cs.getState().getRunning() != null) {
        out.append(" running, not ready");
      } else if (cs.getState().getTerminated() != null) {
        out.append(" terminated: ")
            .append(cs.getState().getTerminated().getReason())
            .append(" (exit code ")
            .append(cs.getState().getTerminated().getExitCode())
            .append(')');
      }
      if (orZero(cs.getRestartCount()) > 0) {
        out.append(", ").append(cs.getRestartCount()).append(" restarts");
      }
    }
    return out.toString();
  }

  /**
   * How the container last ended, when it restarted: {@code (restarted N times, last exit code
   * ...)}.
   */
  public static String lastTermination(ContainerStatus cs) {
    if (cs.getLastState() == null || cs.getLastState().getTerminated() == null) {
      return "";
    }
    var t = cs.getLastState().getTerminated();
    return " (restarted "
        + orZero(cs.getRestartCount())
        + " times, last exit code "
        + t.getExitCode()
        + (t.getReason() == null ? "" : ", " + t.getReason())
        + ")";
  }

  /**
   * A container state for the diagnostics table: {@code waiting R: message}, {@code running since
   * T}, {@code terminated R, exit code N}.
   */
  public static String stateCell(ContainerState s) {
    if (s == null) {
      return "unknown";
    }
    if (s.getWaiting() != null) {
      return "waiting "
          + s.getWaiting().getReason()
          + (s.getWaiting().getMessage() == null
              ? ""
              : ": " + oneLine(s.getWaiting().getMessage()));
    }
    if (s.getRunning() != null) {
      return "running since " + s.getRunning().getStartedAt();
    }
    if (s.getTerminated() != null) {
      var t = s.getTerminated();
      return "terminated "
          + t.getReason()
          + ", exit code "
          + t.getExitCode()
          + (t.getMessage() == null ? "" : ", message: " + oneLine(t.getMessage()));
    }
    return "unknown";
  }

  /** What keeps a pod from running, for the diagnostics summary; {@code null} when nothing does. */
  public static String problem(Pod pod) {
    if (pod.getStatus() == null) {
      return null;
    }
    if ("Failed".equals(pod.getStatus().getPhase())) {
      return "phase Failed"
          + (pod.getStatus().getReason() == null ? "" : ", " + pod.getStatus().getReason());
    }
    PodCondition unscheduled = Pods.unscheduled(pod).orElse(null);
    if (unscheduled != null) {
      return "unscheduled, " + unscheduled.getReason() + ": " + oneLine(unscheduled.getMessage());
    }
    for (ContainerStatus cs : Pods.containerStatuses(pod)) {
      ContainerState s = cs.getState();
      if (s != null
          && s.getWaiting() != null
          && !"ContainerCreating".equals(s.getWaiting().getReason())
          && !"PodInitializing".equals(s.getWaiting().getReason())) {
        return "container `"
            + cs.getName()
            + "` "
            + s.getWaiting().getReason()
            + (s.getWaiting().getMessage() == null
                ? ""
                : ": " + oneLine(s.getWaiting().getMessage()));
      }
      if (s != null && s.getTerminated() != null && s.getTerminated().getExitCode() != 0) {
        return "container `"
            + cs.getName()
            + "` terminated with exit code "
            + s.getTerminated().getExitCode();
      }
    }
    return null;
  }

  /** {@code s} on one line ({@code null}: empty). */
  public static String oneLine(String s) {
    return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
  }

  /** One line on a pod's state, for messages. */
  public static String jobLine(Pod pod, String container) {
    StringBuilder sb = new StringBuilder("pod ").append(pod.getMetadata().getName());
    if (pod.getStatus() == null) {
      return sb.append(" (no status)").toString();
    }
    sb.append(" phase ").append(pod.getStatus().getPhase());
    if (pod.getStatus().getReason() != null) {
      sb.append(" reason ").append(pod.getStatus().getReason());
    }
    Pods.unscheduled(pod).ifPresent(c -> sb.append(", unscheduled: ").append(c.getMessage()));
    Pods.container(pod, container)
        .ifPresent(
            c -> {
              if (c.getState() == null) {
                return;
              }
              sb.append(", container ").append(c.getName());
              if (c.getState().getWaiting() != null) {
                sb.append(" waiting ").append(c.getState().getWaiting().getReason());
              } else if (c.getState().getRunning() != null) {
                sb.append(" running");
              } else if (c.getState().getTerminated() != null) {
                sb.append(" terminated ")
                    .append(c.getState().getTerminated().getReason())
                    .append(" exit code ")
                    .append(c.getState().getTerminated().getExitCode());
              }
            });
    return sb.toString();
  }
}
