package dev.previewenv.core.testing;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a Job's pod does when its first container's image matches {@code image}: it writes {@code
 * log}, ends with {@code exitCode} and {@code terminationMessage}. A non-zero exit code fails the
 * Job with {@code failureReason} ({@code BackoffLimitExceeded} after {@code spec.backoffLimit + 1}
 * failed pods, or {@code DeadlineExceeded} at once).
 */
public record JobOutcome(
    Pattern image, int exitCode, String log, String terminationMessage, String failureReason) {
  public JobOutcome {
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
    return new JobOutcome(image, exitCode, log, terminationMessage, "DeadlineExceeded");
  }
}
