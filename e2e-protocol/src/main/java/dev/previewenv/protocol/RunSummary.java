package dev.previewenv.protocol;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one run of the suite, as reported in the termination message.
 *
 * @param status {@code PASSED}, {@code FAILED}, {@code NO_TESTS} or {@code ERROR}
 * @param exitCode the process exit code: 0 passed, 1 failed, 2 no test ran or the launcher failed
 * @param found tests found
 * @param succeeded tests that passed
 * @param failed tests that failed
 * @param aborted tests aborted (assumption not met)
 * @param skipped tests skipped (disabled)
 * @param containersFailed classes (or engines) that failed outside a test, e.g. in {@code
 *     BeforeAll}
 * @param durationMillis wall time of the run
 * @param failures every failure, in the order they happened
 * @param error why the launcher could not run, or {@code null}
 */
public record RunSummary(
    String status,
    int exitCode,
    long found,
    long succeeded,
    long failed,
    long aborted,
    long skipped,
    long containersFailed,
    long durationMillis,
    List<Failure> failures,
    String error) {

  /**
   * One failed test or container.
   *
   * @param test {@code fully.qualified.Class#method}, or the class for a class-level failure
   * @param message the failure's message (exception type when it has none)
   */
  public record Failure(String test, String message) {
    /** Checks that both are present. */
    public Failure {
      Objects.requireNonNull(test, "test");
      Objects.requireNonNull(message, "message");
    }
  }

  /** Copies the failures. */
  public RunSummary {
    Objects.requireNonNull(status, "status");
    failures = List.copyOf(failures);
  }

  /** A run that could not happen: exit code 2 with the reason. */
  public static RunSummary error(String reason, long durationMillis) {
    return new RunSummary("ERROR", 2, 0, 0, 0, 0, 0, 0, durationMillis, List.of(), reason);
  }
}
