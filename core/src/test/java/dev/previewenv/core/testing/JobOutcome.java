package dev.previewenv.core.testing;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a Job's pod does when its first container's image matches {@code image}: it writes {@code
 * log}, ends with {@code exitCode} and {@code terminationMessage}. A non-zero exit code fails the
 * Job with {@code failureReason} ({@code BackoffLimitExceeded} after {@code spec.backoffLimit + 1}
 * failed pods, or {@code DeadlineExceeded} at once).
 *
 * <p>{@code kill} makes the pod end the way the kubelet ends it: {@link Kill#OOM_KILLED} (container
 * terminated reason {@code OOMKilled}, exit code 137, pod Failed) or {@link Kill#EVICTED} (node
 * pressure eviction as on 1.20: pod Failed, {@code status.reason Evicted}, {@code status.message
 * "The node was low on resource: memory. ..."}, container terminated exit code 137 reason {@code
 * Error}; no {@code DisruptionTarget} condition, which 1.26+ adds). Either counts as a failed pod
 * (no {@code podFailurePolicy} is simulated).
 */
public record JobOutcome(
    Pattern image,
    int exitCode,
    String log,
    String terminationMessage,
    String failureReason,
    Kill kill) {

  /** How the kubelet ends the pod instead of letting it exit. */
  public enum Kill {
    NONE,
    OOM_KILLED,
    EVICTED
  }

  /** An outcome without a kill. */
  public JobOutcome(
      Pattern image, int exitCode, String log, String terminationMessage, String failureReason) {
    this(image, exitCode, log, terminationMessage, failureReason, Kill.NONE);
  }

  public JobOutcome {
    kill = kill == null ? Kill.NONE : kill;
    Objects.requireNonNull(image, "image");
    log = log == null ? "" : log;
    terminationMessage = terminationMessage == null ? "" : terminationMessage;
    failureReason = failureReason == null ? "BackoffLimitExceeded" : failureReason;
    if (!failureReason.equals("BackoffLimitExceeded")
        && !failureReason.equals("DeadlineExceeded")) {
      throw new IllegalArgumentException(
          "failureReason must be BackoffLimitExceeded or DeadlineExceeded, was " + failureReason);
    }
  }

  /**
   * A Job pod matching {@code imageRegex} that exits with {@code exitCode} and logs {@code log}.
   */
  public static JobOutcome of(String imageRegex, int exitCode, String log, String message) {
    return new JobOutcome(Pattern.compile(imageRegex), exitCode, log, message, null);
  }

  /** The outcome with the Job failing with {@code DeadlineExceeded} instead. */
  public JobOutcome deadlineExceeded() {
    return new JobOutcome(image, exitCode, log, terminationMessage, "DeadlineExceeded", kill);
  }

  /** The outcome with the container OOMKilled (exit code 137) after writing its log. */
  public JobOutcome oomKilled() {
    return new JobOutcome(image, 137, log, terminationMessage, failureReason, Kill.OOM_KILLED);
  }

  /** The outcome with the pod evicted for node memory pressure after writing its log. */
  public JobOutcome evicted() {
    return new JobOutcome(image, 137, log, terminationMessage, failureReason, Kill.EVICTED);
  }
}
