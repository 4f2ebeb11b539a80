package dev.previewenv.junit;

import dev.previewenv.core.E2eResult;
import dev.previewenv.core.E2eResult.Status;
import dev.previewenv.core.E2eResult.TestCase;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.opentest4j.AssertionFailedError;

/**
 * Re-emits the results of an in-cluster E2E run on the host as JUnit Jupiter dynamic tests, one per
 * in-cluster test, so IDEs, build tools and CI reporters show them like local tests:
 *
 * <pre>{@code
 * @TestFactory
 * Stream<DynamicTest> e2eInCluster() {
 *   return E2eDynamicTests.of(E2eJob.of(image).run(preview, System.out::println));
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Display name: {@code <in-cluster test class>#<method>} as reported.
 *   <li>A failed test fails with an {@link AssertionFailedError} carrying the in-cluster message;
 *       the in-cluster stack trace is its cause's message.
 *   <li>A skipped test is aborted ({@link Assumptions#abort(String)}) with the in-cluster reason.
 *   <li>A planned test that never ran ({@link E2eResult#notRun()}: the run died first, or its
 *       report was lost) is aborted, saying why the run ended.
 *   <li>When the run ended abnormally or its results are incomplete ({@link E2eResult#cause()}),
 *       one more test, named after the Job, fails with the cause; when only the termination-message
 *       summary was available, one test stands for the passed tests that were not listed
 *       individually.
 * </ul>
 *
 * The raw XML reports are written to {@code target/previewenv-e2e/<job name>/} (or the given
 * directory), where CI test reporters can pick them up, and the suite's artifacts below it in
 * {@code artifacts/}.
 */
public final class E2eDynamicTests {
  /** The default directory of the reports, relative to the working directory. */
  public static final Path DEFAULT_REPORT_DIR = Path.of("target", "previewenv-e2e");

  private E2eDynamicTests() {}

  /** Writes the reports under {@link #DEFAULT_REPORT_DIR} and returns the dynamic tests. */
  public static Stream<DynamicTest> of(E2eResult result) {
    return of(result, DEFAULT_REPORT_DIR);
  }

  /**
   * Writes the reports to {@code reportDir/<job name>/} and returns the dynamic tests.
   *
   * @throws UncheckedIOException when a report cannot be written
   */
  public static Stream<DynamicTest> of(E2eResult result, Path reportDir) {
    result.writeReports(reportDir);
    return tests(result).stream();
  }

  /** The dynamic tests of {@code result}, without writing anything. */
  public static List<DynamicTest> tests(E2eResult result) {
    List<DynamicTest> tests = new ArrayList<>();
    for (TestCase tc : result.testCases()) {
      tests.add(DynamicTest.dynamicTest(tc.id(), () -> replay(tc)));
    }
    String why =
        result.cause().map(c -> c.kind() + ": " + c.message()).orElse("the run ended early");
    for (String id : result.notRun()) {
      tests.add(
          DynamicTest.dynamicTest(
              id + " (never ran)",
              () ->
                  Assumptions.abort(
                      "Never ran in the cluster, or its report was lost: " + shorten(why, 600))));
    }
    int listedPassed =
        (int) result.testCases().stream().filter(t -> t.status() == Status.PASSED).count();
    int unlisted = result.passed() - listedPassed;
    if (unlisted > 0) {
      tests.add(
          DynamicTest.dynamicTest(
              unlisted + " more passed in-cluster tests (" + result.jobName() + ", summary only)",
              () -> {}));
    }
    result
        .cause()
        .ifPresent(
            cause ->
                tests.add(
                    DynamicTest.dynamicTest(
                        "E2E run " + result.jobName(),
                        () -> {
                          throw new AssertionFailedError(
                              "In-cluster E2E run "
                                  + result.namespace()
                                  + "/"
                                  + result.jobName()
                                  + " ended with "
                                  + cause.kind()
                                  + ": "
                                  + cause.message()
                                  + (result.logTail().isEmpty()
                                      ? ""
                                      : "\nLast log lines:\n" + lastLines(result.logTail(), 20)));
                        })));
    return tests;
  }

  private static void replay(TestCase tc) {
    switch (tc.status()) {
      case PASSED -> {}
      case SKIPPED ->
          Assumptions.abort(
              "Skipped in the cluster" + (tc.message().isEmpty() ? "" : ": " + tc.message()));
      case FAILED -> {
        String message = "[in cluster] " + (tc.message().isEmpty() ? "failed" : tc.message());
        AssertionFailedError error =
            tc.details().isEmpty()
                ? new AssertionFailedError(message)
                : new AssertionFailedError(message, new InClusterTrace(tc.details()));
        throw error;
      }
    }
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  private static String lastLines(String text, int n) {
    String[] lines = text.split("\n");
    int from = Math.max(0, lines.length - n);
    return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
  }

  /** The in-cluster stack trace, as text; has no host stack trace of its own. */
  private static final class InClusterTrace extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InClusterTrace(String trace) {
      super("in-cluster trace:\n" + trace, null, false, false);
    }
  }
}
