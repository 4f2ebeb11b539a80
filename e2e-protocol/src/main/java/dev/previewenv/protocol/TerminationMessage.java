package dev.previewenv.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders a {@link RunSummary} as one JSON object that fits Kubernetes' termination message (at
 * most {@value #MAX_BYTES} bytes of UTF-8). Always valid JSON: when everything does not fit,
 * messages are shortened first, then failures are left out from the end and counted in {@code
 * failuresOmitted}; a shortened text ends in {@code "..."}.
 *
 * <p>The one definition of the format: the launcher writes it with {@link #render}, the host reads
 * it with {@link #parse}. Form: {@code {"status":..,"exitCode":..,"tests":{"found":..,
 * "succeeded":..,"failed":..,"aborted":..,"skipped":..},"containersFailed":..,"durationMillis":..,
 * "error":..,"failures":[{"test":..,"message":..}],"failuresOmitted":..}}. {@link #parse} also
 * reads the flat form other images may write: {@code {"tests":..,"passed":..,"failed":..,
 * "skipped":..,"failures":[{"id":..,"message":..}]}}.
 */
public final class TerminationMessage {

  /** Kubernetes keeps at most this many bytes of a termination message. */
  public static final int MAX_BYTES = 4096;

  private static final int[] MESSAGE_LIMITS = {500, 200, 80};
  private static final int TEST_ID_LIMIT = 200;
  private static final int ERROR_LIMIT = 1000;

  private TerminationMessage() {}

  /** The JSON of {@code summary}, at most {@link #MAX_BYTES} bytes of UTF-8. */
  public static String render(RunSummary summary) {
    return render(summary, MAX_BYTES);
  }

  /** The JSON of {@code summary}, at most {@code maxBytes} bytes of UTF-8 (at least 2048). */
  public static String render(RunSummary summary, int maxBytes) {
    if (maxBytes < 2048) {
      throw new IllegalArgumentException("maxBytes must be at least 2048, got " + maxBytes);
    }
    List<RunSummary.Failure> failures = summary.failures();
    for (int limit : MESSAGE_LIMITS) {
      String json = json(summary, failures.size(), limit);
      if (fits(json, maxBytes)) {
        return json;
      }
    }
    int shortest = MESSAGE_LIMITS[MESSAGE_LIMITS.length - 1];
    // The most failures that fit with the shortest messages: binary search, 0 always fits.
    int low = 0;
    int high = failures.size();
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      if (fits(json(summary, mid, shortest), maxBytes)) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return json(summary, low, shortest);
  }

  /**
   * The summary in a termination message, or empty when {@code message} is not such a JSON object
   * (e.g. a plain-text message of another image). Counts missing from the message are 0; in the
   * flat form {@code skipped} counts as skipped and {@code status} is derived from the counts.
   */
  public static Optional<RunSummary> parse(String message) {
    if (message == null || !message.strip().startsWith("{")) {
      return Optional.empty();
    }
    Object parsed;
    try {
      parsed = Json.parse(message.strip());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      return Optional.empty();
    }
    List<RunSummary.Failure> failures = new ArrayList<>();
    if (map.get("failures") instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> f && (f.get("test") != null || f.get("id") != null)) {
          Object id = f.get("test") != null ? f.get("test") : f.get("id");
          Object msg = f.get("message");
          failures.add(
              new RunSummary.Failure(String.valueOf(id), msg == null ? "" : String.valueOf(msg)));
        }
      }
    }
    long duration = count(map, "durationMillis");
    String error = map.get("error") instanceof String e ? e : null;
    if (map.get("tests") instanceof Map<?, ?> t) {
      long failed = count(t, "failed");
      long containers = count(map, "containersFailed");
      int exit = (int) count(map, "exitCode");
      String status =
          map.get("status") instanceof String st
              ? st
              : failed + containers > 0 ? "FAILED" : exit == 0 ? "PASSED" : "ERROR";
      return Optional.of(
          new RunSummary(
              status,
              exit,
              count(t, "found"),
              count(t, "succeeded"),
              failed,
              count(t, "aborted"),
              count(t, "skipped"),
              containers,
              duration,
              failures,
              error));
    }
    if (map.get("tests") instanceof Number) {
      long tests = count(map, "tests");
      long failed = count(map, "failed");
      long skipped = count(map, "skipped");
      long passed = map.containsKey("passed") ? count(map, "passed") : tests - failed - skipped;
      String status = failed > 0 ? "FAILED" : passed > 0 ? "PASSED" : "NO_TESTS";
      return Optional.of(
          new RunSummary(
              status,
              failed > 0 ? 1 : passed > 0 ? 0 : 2,
              tests,
              passed,
              failed,
              0,
              skipped,
              0,
              duration,
              failures,
              error));
    }
    return Optional.empty();
  }

  private static long count(Map<?, ?> map, String key) {
    return map.get(key) instanceof Number n ? Math.max(0, n.longValue()) : 0;
  }

  private static boolean fits(String json, int maxBytes) {
    return json.getBytes(StandardCharsets.UTF_8).length <= maxBytes;
  }

  private static String json(RunSummary s, int listed, int messageLimit) {
    StringBuilder out = new StringBuilder(512);
    out.append("{\"status\":");
    string(s.status(), 40, out);
    out.append(",\"exitCode\":").append(s.exitCode());
    out.append(",\"tests\":{\"found\":").append(s.found());
    out.append(",\"succeeded\":").append(s.succeeded());
    out.append(",\"failed\":").append(s.failed());
    out.append(",\"aborted\":").append(s.aborted());
    out.append(",\"skipped\":").append(s.skipped());
    out.append("},\"containersFailed\":").append(s.containersFailed());
    out.append(",\"durationMillis\":").append(s.durationMillis());
    if (s.error() != null) {
      out.append(",\"error\":");
      string(s.error(), Math.max(ERROR_LIMIT * messageLimit / MESSAGE_LIMITS[0], 200), out);
    }
    out.append(",\"failures\":[");
    for (int i = 0; i < listed; i++) {
      RunSummary.Failure f = s.failures().get(i);
      if (i > 0) {
        out.append(',');
      }
      out.append("{\"test\":");
      string(f.test(), TEST_ID_LIMIT, out);
      out.append(",\"message\":");
      string(f.message(), messageLimit, out);
      out.append('}');
    }
    out.append("],\"failuresOmitted\":").append(s.failures().size() - listed).append('}');
    return out.toString();
  }

  /** Appends {@code text} as a JSON string, cut to {@code limit} code points plus "...". */
  static void string(String text, int limit, StringBuilder out) {
    out.append('"');
    int count = 0;
    for (int i = 0; i < text.length(); ) {
      if (count == limit) {
        out.append("...");
        break;
      }
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      count++;
      switch (cp) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (cp < 0x20 || cp == 0x2028 || cp == 0x2029 || cp == 0x7f) {
            out.append(String.format("\\u%04x", cp));
          } else if (Character.isSurrogate((char) cp) && cp <= 0xffff) {
            out.append('\ufffd'); // a lone surrogate has no UTF-8 form
          } else {
            out.appendCodePoint(cp);
          }
        }
      }
    }
    out.append('"');
  }
}
