package dev.previewenv.benchmarks;

import java.time.Duration;
import java.util.List;

/**
 * Sizes of one benchmark run.
 *
 * @param warmup unmeasured runs before the measured ones
 * @param repetitions measured runs per figure; the median is reported
 * @param rtt the round trip of the main scenarios
 * @param scalingRtts the round trips of the scaling scenario
 * @param services services of the provisioned stack (5 objects each)
 * @param janitorTotal managed namespaces the janitor finds
 * @param janitorExpired of which expired
 * @param memoryServices services of the memory scenario (5 objects each)
 * @param concurrentEnvironments environments provisioned at once
 * @param transformSmall objects of the small load-transform run
 * @param transformLarge objects of the large load-transform run
 * @param handOffTests test cases of the E2E hand-off report
 */
record Settings(
    int warmup,
    int repetitions,
    Duration rtt,
    List<Duration> scalingRtts,
    int services,
    int janitorTotal,
    int janitorExpired,
    int memoryServices,
    int concurrentEnvironments,
    int transformSmall,
    int transformLarge,
    int handOffTests) {

  /** The sizes of the issue: 60-object stack at 20 ms, 2,000/200 namespaces, 1,000 objects. */
  static Settings full(int repetitions) {
    return new Settings(
        1,
        repetitions,
        Duration.ofMillis(20),
        List.of(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMillis(80)),
        12,
        2000,
        200,
        200,
        20,
        1000,
        10000,
        5000);
  }

  /** Tiny sizes for proving the harness works (1 ms RTT, a few objects, one run). */
  static Settings tiny() {
    return new Settings(
        0, 1, Duration.ofMillis(1), List.of(Duration.ofMillis(1)), 2, 6, 2, 4, 2, 10, 50, 50);
  }
}
