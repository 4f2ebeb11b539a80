package dev.previewenv.examples.load;

import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one bounded load run measured. Latencies are of the successful requests only; failed ones
 * are counted by reason.
 *
 * @param requests requests sent
 * @param succeeded requests answered with the expected status
 * @param failures failed requests by reason (e.g. {@code POST /orders: status 502}), sorted
 * @param elapsed wall time from the first request sent to the last answer
 * @param concurrency requests in flight at most
 * @param latencyMicros latencies of the successful requests, microseconds
 * @param latencyByStep the same per step of the mix, in the mix's order (steps without a success
 *     left out)
 * @param tallies successful responses counted by step and tallied header value (e.g. {@code GET
 *     /orders/1: X-Cache hit}), sorted
 */
public record LoadReport(
    int requests,
    int succeeded,
    Map<String, Integer> failures,
    Duration elapsed,
    int concurrency,
    Percentiles latencyMicros,
    Map<String, Percentiles> latencyByStep,
    Map<String, Integer> tallies) {

  public LoadReport {
    failures = Collections.unmodifiableMap(new TreeMap<>(failures));
    latencyByStep = Collections.unmodifiableMap(new java.util.LinkedHashMap<>(latencyByStep));
    tallies = Collections.unmodifiableMap(new TreeMap<>(tallies));
    if (requests < 0 || succeeded < 0 || succeeded > requests) {
      throw new IllegalArgumentException(
          "succeeded (" + succeeded + ") must be between 0 and requests (" + requests + ")");
    }
    if (latencyMicros.count() != succeeded) {
      throw new IllegalArgumentException(
          "one latency per successful request expected: "
              + latencyMicros.count()
              + " latencies, "
              + succeeded
              + " successes");
    }
  }

  /** Requests that failed. */
  public int failed() {
    return requests - succeeded;
  }

  /** Completed requests (successful or not) per second of wall time. */
  public double throughputPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds == 0 ? 0 : requests / seconds;
  }

  /** The p-th latency percentile in milliseconds (nearest rank); NaN when nothing succeeded. */
  public double latencyMillis(double p) {
    return succeeded == 0 ? Double.NaN : latencyMicros.percentile(p) / 1000.0;
  }

  /** A human-readable report, several lines. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "requests %d (concurrency %d): %d ok, %d failed in %.2f s%n",
            requests,
            concurrency,
            succeeded,
            failed(),
            elapsed.toNanos() / 1e9));
    sb.append(String.format(Locale.ROOT, "throughput %.1f requests/s%n", throughputPerSecond()));
    if (succeeded > 0) {
      sb.append(
          String.format(
              Locale.ROOT,
              "latency ms: p50 %.1f, p90 %.1f, p99 %.1f, max %.1f%n",
              latencyMillis(50),
              latencyMillis(90),
              latencyMillis(99),
              latencyMillis(100)));
    } else {
      sb.append("latency: no successful request").append(System.lineSeparator());
    }
    latencyByStep.forEach(
        (step, p) ->
            sb.append(
                String.format(
                    Locale.ROOT,
                    "  %s: %d ok, p50 %.1f, p90 %.1f, p99 %.1f ms%n",
                    step,
                    p.count(),
                    p.percentile(50) / 1000.0,
                    p.percentile(90) / 1000.0,
                    p.percentile(99) / 1000.0)));
    tallies.forEach(
        (what, n) ->
            sb.append("  ").append(what).append(": ").append(n).append(System.lineSeparator()));
    failures.forEach(
        (reason, n) ->
            sb.append("failed: ")
                .append(n)
                .append(" x ")
                .append(reason)
                .append(System.lineSeparator()));
    return sb.toString();
  }
}
