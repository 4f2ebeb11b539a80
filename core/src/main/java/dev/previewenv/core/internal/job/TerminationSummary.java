package dev.previewenv.core.internal.job;

import dev.previewenv.core.E2eResult.Status;
import dev.previewenv.core.E2eResult.TestCase;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON summary the E2E image writes to its termination message: {@code
 * {"tests":..,"passed":..,"failed":..,"skipped":..,"failures":[{"id":..,"message":..}]}}.
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
  public static Optional<TerminationSummary> parse(
      String message, KubernetesSerialization serialization) {
    if (message == null || !message.strip().startsWith("{")) {
      return Optional.empty();
    }
    Map<?, ?> map;
    try {
      map = serialization.unmarshal(message.strip(), Map.class);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    if (map == null || !(map.get("tests") instanceof Number)) {
      return Optional.empty();
    }
    List<TestCase> failures = new ArrayList<>();
    if (map.get("failures") instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> f && f.get("id") != null) {
          String id = String.valueOf(f.get("id"));
          Object msg = f.get("message");
          int hash = id.lastIndexOf('#');
          failures.add(
              new TestCase(
                  hash < 0 ? "" : id.substring(0, hash),
                  hash < 0 ? id : id.substring(hash + 1),
                  Status.FAILED,
                  msg == null ? "" : String.valueOf(msg),
                  "",
                  Duration.ZERO));
        }
      }
    }
    return Optional.of(
        new TerminationSummary(
            count(map, "tests"),
            count(map, "passed"),
            count(map, "failed"),
            count(map, "skipped"),
            failures));
  }

  private static int count(Map<?, ?> map, String key) {
    return map.get(key) instanceof Number n ? Math.max(0, n.intValue()) : 0;
  }
}
