package dev.previewenv.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Runs every scenario once at tiny size: proves the harness works and leaves no thread behind;
 * asserts no timings.
 */
class BenchHarnessTest {

  @Test
  void runsEveryScenarioAtTinySizeAndCountsRequests() throws Exception {
    List<String> progress = new ArrayList<>();
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    Bench.Result result = Bench.run(Settings.tiny(), progress::add);

    // the command ends by itself: every server, client and pool of the run is closed, so no
    // non-daemon thread it started keeps the JVM alive after the last line
    List<Thread> left = Bench.nonDaemonThreadsLeft(before);
    assertThat(left)
        .as(
            "non-daemon threads still running after the run: %s",
            left.stream().map(t -> t.getName() + " " + List.of(t.getStackTrace())).toList())
        .isEmpty();

    List<String> names = result.figures().stream().map(Figure::scenario).toList();
    assertThat(names)
        .contains(
            "provision-10",
            "provision-10-applied",
            "simulator-ready-2",
            "teardown",
            "janitor-6",
            "job-result-latency",
            "extension-overhead",
            "memory-20",
            "concurrent-2",
            "concurrent-2-heap",
            "load-transform-10",
            "load-transform-50",
            "provision-10@1ms",
            "e2e-handoff-50",
            "e2e-handoff-50-parse");
    for (Figure f : result.figures()) {
      assertThat(f.line()).startsWith("BENCH " + f.scenario() + " ");
      if (f.scenario().equals("extension-overhead")) {
        // a difference of two timings: only its presence is checked, not its sign
        assertThat(f.measured()).isTrue();
      } else if (f.measured()) {
        assertThat(f.value()).as(f.scenario()).isPositive();
      } else {
        assertThat(f.line()).contains("not measured: ");
      }
    }
    Figure provision = figure(result, "provision-10");
    assertThat(provision.baseline()).isPositive();
    assertThat(provision.line()).contains("baseline=", "ratio=", "floor=5");
    assertThat(result.counts()).anyMatch(c -> c.startsWith("COUNT provision-10 previewenv http="));
    // the janitor lists once and deletes the expired namespaces: at least list + one per expired
    assertThat(result.counts())
        .anyMatch(c -> c.matches("COUNT janitor-6 previewenv http=([3-9]|\\d{2,}) watches=0"));
    Figure overhead = figure(result, "extension-overhead");
    assertThat(overhead.baseline()).isPositive();
    assertThat(overhead.line())
        .matches(
            "BENCH extension-overhead -?\\d+(\\.\\d)? ms baseline=\\d+(\\.\\d)? .*target<=500");
    // the extension's requests carry the measured token (they see the RTT); the plain suite makes
    // none
    assertThat(result.counts())
        .anyMatch(
            c ->
                c.matches(
                    "COUNT extension-overhead previewenv http=[1-9]\\d* watches=\\d+"
                        + " baseline http=0 watches=0"));
    Figure job = figure(result, "job-result-latency");
    assertThat(job.measured()).isTrue();
    assertThat(job.baseline()).isPositive();
  }

  private static Figure figure(Bench.Result result, String name) {
    return result.figures().stream().filter(f -> f.scenario().equals(name)).findFirst().get();
  }
}
