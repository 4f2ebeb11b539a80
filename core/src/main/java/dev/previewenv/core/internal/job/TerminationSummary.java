package dev.previewenv.core.internal.job;

import dev.previewenv.core.E2eResult.Status;
import dev.previewenv.core.E2eResult.TestCase;
import dev.previewenv.protocol.RunSummary;
import dev.previewenv.protocol.TerminationMessage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The JSON summary an E2E image writes to its termination message, as counts and failed tests; the
 * format is defined (written and read) by {@link TerminationMessage} of the E2E protocol. Failure
 * ids are {@code Class#method} (anything after the first {@code #} is the name).
 *
 * @param failures the failed tests named in the summary (possibly fewer than {@code failed}, the
 *     message being limited to 4 KiB)
 */
public record TerminationSummary(
    int tests, int passed, int failed, int skipped, List<TestCase> failures) {

  public TerminationSummary {
    failures = List.copyOf(failures);
  }

  /** The summary in {@code message}, or empty when it is not such a JSON object. */
  public static Optional<TerminationSummary> parse(String message) {
    return TerminationMessage.parse(message).map(TerminationSummary::of);
  }

  private static TerminationSummary of(RunSummary s) {
    List<TestCase> failures =
        s.failures().stream()
            .map(
                f -> {
                  int hash = f.test().indexOf('#');
                  return new TestCase(
                      hash < 0 ? "" : f.test().substring(0, hash),
                      hash < 0 ? f.test() : f.test().substring(hash + 1),
                      Status.FAILED,
                      f.message(),
                      "",
                      Duration.ZERO);
                })
            .toList();
    return new TerminationSummary(
        clamp(s.found()),
        clamp(s.succeeded()),
        clamp(s.failed() + s.containersFailed()),
        clamp(s.aborted() + s.skipped()),
        failures);
  }

  private static int clamp(long n) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, n));
  }
}
