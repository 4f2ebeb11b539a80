package dev.previewenv.protocol;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The content of the {@link HandOff.Kind#END} record, the last one a run writes: how the run ended
 * and how many records it wrote before, so that the host knows whether it has them all. Rendered as
 * {@code key=value} lines.
 *
 * @param status {@code PASSED}, {@code FAILED}, {@code NO_TESTS}, {@code ERROR}, or {@value
 *     #INTERRUPTED} when the suite's JVM was stopped before the run ended
 * @param exitCode the launcher's exit code (for {@value #INTERRUPTED}: -1)
 * @param records the records the run wrote before this one
 * @param reason why the run ended so, for people ({@code ""} when it simply finished)
 */
public record RunEnd(String status, int exitCode, int records, String reason) {
  /** The status of a run whose JVM was stopped (SIGTERM, {@code System.exit}) mid-run. */
  public static final String INTERRUPTED = "INTERRUPTED";

  public RunEnd {
    Objects.requireNonNull(status, "status");
    reason = reason == null ? "" : reason.replace('\r', ' ').replace('\n', ' ');
    if (records < 0) {
      throw new IllegalArgumentException("records must not be negative");
    }
  }

  /** The record's content. */
  public String render() {
    return "status="
        + status.replace('\n', ' ')
        + "\nexitCode="
        + exitCode
        + "\nrecords="
        + records
        + "\nreason="
        + reason
        + "\n";
  }

  /** The content read back; empty when it lacks {@code status} or {@code records}. */
  public static Optional<RunEnd> parse(String content) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : content.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        m.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    try {
      return Optional.of(
          new RunEnd(
              Objects.requireNonNull(m.get("status")),
              Integer.parseInt(m.getOrDefault("exitCode", "-1")),
              Integer.parseInt(Objects.requireNonNull(m.get("records"))),
              m.getOrDefault("reason", "")));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
