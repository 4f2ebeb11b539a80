package dev.previewenv.core;

import java.util.List;

/**
 * A seed Job of the environment ({@link Plan#seeds()}) did not complete: it failed (its Job
 * condition {@code Failed}, e.g. {@code BackoffLimitExceeded}), its pod could not start (image
 * pull, configuration), or the seed timeout passed. The message names the Job, the cause, the last
 * log lines of the failing container and the diagnostics folder; {@link #lastLogLines()} holds
 * those lines. Log lines are scrubbed of every secret value PreviewEnv knows. A seed that failed is
 * not recorded as done, so the next {@code up} runs it again.
 */
public class SeedFailedException extends NotReadyException {
  private static final long serialVersionUID = 1L;

  private final String job;
  private final List<String> lastLogLines;

  /**
   * @param job the seed Job as {@code Job/name}
   * @param lastLogLines the failing container's last log lines, already scrubbed
   * @param diagnostics the diagnostics folder, or {@code null} when none was written
   */
  public SeedFailedException(
      String message,
      String environment,
      String job,
      List<String> lastLogLines,
      String diagnostics) {
    super(message, environment, job, diagnostics);
    this.job = job;
    this.lastLogLines = List.copyOf(lastLogLines);
  }

  /** The seed Job that failed, as {@code Job/name}. */
  public String job() {
    return job;
  }

  /** The last log lines of the failing container (scrubbed), empty when it wrote none. */
  public List<String> lastLogLines() {
    return lastLogLines;
  }
}
