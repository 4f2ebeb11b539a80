package dev.previewenv.core.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Immutable settings of the {@link ControllerSimulator}. {@code SimulatorOptions.defaults()} or
 * {@code SimulatorOptions.builder()...build()}.
 *
 * @param readyDelay how long a pod sits in {@code ContainerCreating} before the simulated kubelet
 *     reports its final state (Running/Ready, a failure, or a finished Job container); zero means
 *     at once, without a timer
 * @param namespaceTerminatingFor how long a deleted namespace stays {@code Terminating} before the
 *     simulated namespace controller deletes its content
 * @param retryInterval how often the scheduler/kubelet retry a lasting failure (FailedScheduling,
 *     FailedMount: the event's count grows up to {@code maxEventCount}); zero means no retries
 * @param maxEventCount the highest count a retried event reaches
 * @param failures pod failures by image pattern, first match wins
 * @param jobOutcomes Job pod outcomes by image pattern, first match wins; unmatched Job pods exit 0
 *     with an empty log
 * @param crashLog the previous log of a container in {@code CrashLoopBackOff}
 * @param configErrorMessage the message of {@code CreateContainerConfigError}
 */
public record SimulatorOptions(
    Duration readyDelay,
    Duration namespaceTerminatingFor,
    Duration retryInterval,
    int maxEventCount,
    List<ImageFailure> failures,
    List<JobOutcome> jobOutcomes,
    String crashLog,
    String configErrorMessage) {

  /** A pod failure for containers whose image matches {@code image}. */
  public record ImageFailure(Pattern image, PodFailure failure) {
    public ImageFailure {
      Objects.requireNonNull(image, "image");
      Objects.requireNonNull(failure, "failure");
    }
  }

  public SimulatorOptions {
    requireNonNegative(readyDelay, "readyDelay");
    requireNonNegative(namespaceTerminatingFor, "namespaceTerminatingFor");
    requireNonNegative(retryInterval, "retryInterval");
    if (maxEventCount < 1) {
      throw new IllegalArgumentException("maxEventCount must be >= 1, was " + maxEventCount);
    }
    failures = List.copyOf(failures);
    jobOutcomes = List.copyOf(jobOutcomes);
    Objects.requireNonNull(crashLog, "crashLog");
    Objects.requireNonNull(configErrorMessage, "configErrorMessage");
  }

  private static void requireNonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + d);
    }
  }

  /** Ready after 50 ms, Terminating for 50 ms, retries every 100 ms, no failures. */
  public static SimulatorOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The failure configured for {@code image}, if any. */
  public Optional<PodFailure> failureFor(String image) {
    return failures.stream()
        .filter(f -> image != null && f.image().matcher(image).find())
        .map(ImageFailure::failure)
        .findFirst();
  }

  /** The Job outcome configured for {@code image}, if any. */
  public Optional<JobOutcome> jobOutcomeFor(String image) {
    return jobOutcomes.stream()
        .filter(o -> image != null && o.image().matcher(image).find())
        .findFirst();
  }

  /** Returns a builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.readyDelay = readyDelay;
    b.namespaceTerminatingFor = namespaceTerminatingFor;
    b.retryInterval = retryInterval;
    b.maxEventCount = maxEventCount;
    b.failures.addAll(failures);
    b.jobOutcomes.addAll(jobOutcomes);
    b.crashLog = crashLog;
    b.configErrorMessage = configErrorMessage;
    return b;
  }

  /** Builder of {@link SimulatorOptions}; not thread-safe, the built options are immutable. */
  public static final class Builder {
    private Duration readyDelay = Duration.ofMillis(50);
    private Duration namespaceTerminatingFor = Duration.ofMillis(50);
    private Duration retryInterval = Duration.ofMillis(100);
    private int maxEventCount = 5;
    private final List<ImageFailure> failures = new ArrayList<>();
    private final List<JobOutcome> jobOutcomes = new ArrayList<>();
    private String crashLog = "panic: simulated crash\n";
    private String configErrorMessage = "configmap \"missing-config\" not found";

    private Builder() {}

    public Builder readyDelay(Duration value) {
      readyDelay = value;
      return this;
    }

    public Builder namespaceTerminatingFor(Duration value) {
      namespaceTerminatingFor = value;
      return this;
    }

    public Builder retryInterval(Duration value) {
      retryInterval = value;
      return this;
    }

    public Builder maxEventCount(int value) {
      maxEventCount = value;
      return this;
    }

    /** Pods with a container whose image matches {@code imageRegex} (find) fail this way. */
    public Builder failing(String imageRegex, PodFailure failure) {
      failures.add(new ImageFailure(Pattern.compile(imageRegex), failure));
      return this;
    }

    public Builder job(JobOutcome outcome) {
      jobOutcomes.add(Objects.requireNonNull(outcome, "outcome"));
      return this;
    }

    public Builder crashLog(String value) {
      crashLog = value;
      return this;
    }

    public Builder configErrorMessage(String value) {
      configErrorMessage = value;
      return this;
    }

    public SimulatorOptions build() {
      return new SimulatorOptions(
          readyDelay,
          namespaceTerminatingFor,
          retryInterval,
          maxEventCount,
          failures,
          jobOutcomes,
          crashLog,
          configErrorMessage);
    }
  }
}
