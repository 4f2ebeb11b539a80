package dev.previewenv.core;

import java.util.List;
import java.util.Objects;

/**
 * What one {@link Janitor#gc} run found and did.
 *
 * @param dryRun whether the run only reported: then nothing was deleted
 * @param removals environments selected for deletion, with the reason and the outcome
 * @param kept managed environments left alone
 * @param problems environments that could not be judged or deleted, one line each naming the
 *     namespace, what was seen and what to do
 */
public record JanitorReport(
    boolean dryRun, List<Removal> removals, List<EnvironmentInfo> kept, List<String> problems) {
  public JanitorReport {
    removals = List.copyOf(removals);
    kept = List.copyOf(kept);
    problems = List.copyOf(problems);
  }

  /** The environments that were deleted (none in a dry run). */
  public List<EnvironmentInfo> deleted() {
    return removals.stream().filter(Removal::deleted).map(Removal::environment).toList();
  }

  /**
   * One environment selected for deletion.
   *
   * @param environment the environment
   * @param reason why, e.g. {@code expired at 2024-01-01T00:00:00Z}
   * @param deleted whether its namespace deletion was requested (false in a dry run or on error)
   */
  public record Removal(EnvironmentInfo environment, String reason, boolean deleted) {
    public Removal {
      Objects.requireNonNull(environment, "environment");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
