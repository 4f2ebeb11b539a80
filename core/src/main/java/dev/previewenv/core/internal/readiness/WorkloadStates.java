package dev.previewenv.core.internal.readiness;

import dev.previewenv.core.internal.kube.Coordinates;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a workload is ready, from its own status: the one set of rules shared by the readiness
 * wait and the diagnostics summary (so the summary never calls ready what the wait did not).
 */
public final class WorkloadStates {
  private WorkloadStates() {}

  /** What one evaluation of a workload found. */
  public record State(boolean ready, String failure, String observed) {
    public static State ready(String observed) {
      return new State(true, null, observed);
    }

    public static State waiting(String observed) {
      return new State(false, null, observed);
    }

    public static State failed(String failure) {
      return new State(false, failure, failure);
    }
  }

  /** The state of a Deployment, StatefulSet, DaemonSet or Job; {@code null} for other kinds. */
  public static State of(HasMetadata o) {
    if (o instanceof Deployment d) {
      return deployment(d);
    }
    if (o instanceof StatefulSet st) {
      return statefulSet(st);
    }
    if (o instanceof DaemonSet ds) {
      return daemonSet(ds);
    }
    if (o instanceof Job job) {
      return job(job);
    }
    return null;
  }

  static State deployment(Deployment d) {
    if (d == null) {
      return State.waiting("not found");
    }
    int desired =
        d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    DeploymentStatus s = d.getStatus();
    if (s == null) {
      return State.waiting("no status yet (not observed by the deployment controller)");
    }
    Optional<String> deadline =
        Coordinates.orEmpty(s.getConditions()).stream()
            .filter(
                c ->
                    "Progressing".equals(c.getType())
                        && "False".equals(c.getStatus())
                        && "ProgressDeadlineExceeded".equals(c.getReason()))
            .map(c -> c.getMessage())
            .findFirst();
    if (deadline.isPresent()) {
      return State.failed(
          "Deployment/"
              + Coordinates.name(d)
              + " exceeded its progress deadline: "
              + deadline.get());
    }
    long generation = Coordinates.generation(d);
    long observed = s.getObservedGeneration() == null ? 0 : s.getObservedGeneration();
    int updated = Coordinates.orZero(s.getUpdatedReplicas());
    int available = Coordinates.orZero(s.getAvailableReplicas());
    int replicas = Coordinates.orZero(s.getReplicas());
    String text =
        available
            + "/"
            + desired
            + " available, "
            + updated
            + "/"
            + desired
            + " updated, "
            + replicas
            + " total, observedGeneration "
            + observed
            + " of "
            + generation;
    boolean ready =
        observed >= generation && updated == desired && available == desired && replicas == desired;
    return ready ? State.ready(text) : State.waiting(text);
  }

  static State statefulSet(StatefulSet sts) {
    if (sts == null) {
      return State.waiting("not found");
    }
    int desired =
        sts.getSpec() == null || sts.getSpec().getReplicas() == null
            ? 1
            : sts.getSpec().getReplicas();
    StatefulSetStatus s = sts.getStatus();
    if (s == null) {
      return State.waiting("no status yet (not observed by the statefulset controller)");
    }
    long generation = Coordinates.generation(sts);
    long observed = s.getObservedGeneration() == null ? 0 : s.getObservedGeneration();
    int ready = Coordinates.orZero(s.getReadyReplicas());
    int updated = Coordinates.orZero(s.getUpdatedReplicas());
    String strategy =
        sts.getSpec().getUpdateStrategy() == null
                || sts.getSpec().getUpdateStrategy().getType() == null
            ? "RollingUpdate"
            : sts.getSpec().getUpdateStrategy().getType();
    int partition =
        sts.getSpec().getUpdateStrategy() == null
                || sts.getSpec().getUpdateStrategy().getRollingUpdate() == null
                || sts.getSpec().getUpdateStrategy().getRollingUpdate().getPartition() == null
            ? 0
            : sts.getSpec().getUpdateStrategy().getRollingUpdate().getPartition();
    boolean revisionsOk;
    if (!"RollingUpdate".equals(strategy)) {
      revisionsOk = true;
    } else if (partition > 0) {
      revisionsOk = updated >= desired - partition;
    } else {
      revisionsOk =
          updated == desired && Objects.equals(s.getCurrentRevision(), s.getUpdateRevision());
    }
    String text =
        ready
            + "/"
            + desired
            + " ready, "
            + updated
            + "/"
            + desired
            + " updated, revision "
            + s.getCurrentRevision()
            + " -> "
            + s.getUpdateRevision()
            + ", observedGeneration "
            + observed
            + " of "
            + generation;
    return observed >= generation && ready == desired && revisionsOk
        ? State.ready(text)
        : State.waiting(text);
  }

  static State daemonSet(DaemonSet ds) {
    if (ds == null) {
      return State.waiting("not found");
    }
    DaemonSetStatus s = ds.getStatus();
    if (s == null) {
      return State.waiting("no status yet (not observed by the daemonset controller)");
    }
    long generation = Coordinates.generation(ds);
    long observed = s.getObservedGeneration() == null ? 0 : s.getObservedGeneration();
    int desired = Coordinates.orZero(s.getDesiredNumberScheduled());
    int ready = Coordinates.orZero(s.getNumberReady());
    int updated = Coordinates.orZero(s.getUpdatedNumberScheduled());
    String text =
        ready
            + "/"
            + desired
            + " ready, "
            + updated
            + "/"
            + desired
            + " updated, observedGeneration "
            + observed
            + " of "
            + generation;
    return observed >= generation && ready == desired && updated == desired
        ? State.ready(text)
        : State.waiting(text);
  }

  static State job(Job job) {
    if (job == null) {
      return State.waiting("not found");
    }
    if (job.getStatus() == null) {
      return State.waiting("no status yet (not observed by the job controller)");
    }
    for (JobCondition c : Coordinates.orEmpty(job.getStatus().getConditions())) {
      if ("True".equals(c.getStatus()) && "Complete".equals(c.getType())) {
        return State.ready("Complete");
      }
      if ("True".equals(c.getStatus()) && "Failed".equals(c.getType())) {
        return State.failed(
            "Job/" + Coordinates.name(job) + " failed: " + c.getReason() + ": " + c.getMessage());
      }
    }
    return State.waiting(
        "running: "
            + Coordinates.orZero(job.getStatus().getActive())
            + " active, "
            + Coordinates.orZero(job.getStatus().getSucceeded())
            + " succeeded, "
            + Coordinates.orZero(job.getStatus().getFailed())
            + " failed");
  }
}
