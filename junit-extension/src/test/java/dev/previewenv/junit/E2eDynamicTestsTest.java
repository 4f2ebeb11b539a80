package dev.previewenv.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.abortedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.displayName;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.previewenv.core.E2eResult;
import dev.previewenv.core.E2eResult.Cause;
import dev.previewenv.core.E2eResult.Outcome;
import dev.previewenv.core.E2eResult.Status;
import dev.previewenv.core.E2eResult.TestCase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class E2eDynamicTestsTest {
  static final String XML =
      "<testsuite><testcase classname=\"shop.HealthIT\" name=\"ok()\"/></testsuite>";

  static Map<String, String> orderedReports() {
    Map<String, String> reports = new java.util.LinkedHashMap<>();
    reports.put("TEST-junit-jupiter.xml", XML);
    reports.put("../../evil", XML);
    return reports;
  }

  static E2eResult failedRun() {
    return new E2eResult(
        "ns1",
        "previewenv-e2e-abcde",
        Outcome.FAILED,
        3,
        1,
        1,
        1,
        List.of(
            new TestCase("shop.HealthIT", "ok()", Status.PASSED, "", "", Duration.ZERO),
            new TestCase(
                "shop.OrderIT", "placesOrder()", Status.FAILED, "HTTP 500", "trace", Duration.ZERO),
            new TestCase("shop.AdminIT", "protected()", Status.SKIPPED, "no auth", "", null)),
        Duration.ofSeconds(3),
        orderedReports(),
        "",
        "",
        Optional.empty(),
        List.of());
  }

  static E2eResult deadlineRun() {
    return new E2eResult(
        "ns1",
        "previewenv-e2e-slow1",
        Outcome.ERROR,
        0,
        0,
        0,
        0,
        List.of(),
        Duration.ofSeconds(90),
        Map.of(),
        "",
        "test 1 running",
        Optional.of(new Cause(Cause.Kind.DEADLINE_EXCEEDED, "Job ran longer than 90 s")),
        List.of());
  }

  /** Run only through the EngineTestKit below (skipped as a nested class by the filter). */
  static class Factories {
    static Path reportDir;

    @TestFactory
    Stream<DynamicTest> inCluster() {
      return E2eDynamicTests.of(failedRun(), reportDir);
    }

    @TestFactory
    Stream<DynamicTest> broken() {
      return E2eDynamicTests.of(deadlineRun(), reportDir);
    }
  }

  @Test
  void reEmitsEachInClusterTestWithItsOutcomeAndWritesTheReports(@TempDir Path dir)
      throws Exception {
    Factories.reportDir = dir;

    Events tests =
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(Factories.class))
            .execute()
            .testEvents();

    tests
        .assertThatEvents()
        .haveExactly(1, event(test(), displayName("shop.HealthIT#ok()"), finishedSuccessfully()))
        .haveExactly(
            1,
            event(
                test(),
                displayName("shop.OrderIT#placesOrder()"),
                finishedWithFailure(
                    instanceOf(AssertionFailedError.class), message("[in cluster] HTTP 500"))))
        .haveExactly(
            1,
            event(
                test(),
                displayName("shop.AdminIT#protected()"),
                abortedWithReason(
                    instanceOf(TestAbortedException.class),
                    message("Skipped in the cluster: no auth"))))
        .haveExactly(
            1,
            event(
                test(),
                displayName("E2E run previewenv-e2e-slow1"),
                finishedWithFailure(
                    instanceOf(AssertionFailedError.class),
                    message(
                        m -> m.contains("DEADLINE_EXCEEDED") && m.contains("test 1 running")))));
    assertThat(tests.started().count()).isEqualTo(4);

    Path jobDir = dir.resolve("previewenv-e2e-abcde");
    assertThat(Files.readString(jobDir.resolve("TEST-junit-jupiter.xml"))).isEqualTo(XML);
    try (Stream<Path> files = Files.list(jobDir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("TEST-junit-jupiter.xml", "TEST-previewenv-e2e-2.xml");
    }
    assertThat(dir.resolve("previewenv-e2e-slow1")).doesNotExist();
  }

  @Test
  void standsInForPassedTestsKnownOnlyFromTheSummary() {
    E2eResult fromSummary =
        new E2eResult(
            "ns1",
            "job1",
            Outcome.FAILED,
            4,
            3,
            1,
            0,
            List.of(new TestCase("a.B", "c()", Status.FAILED, "x", "", null)),
            Duration.ZERO,
            Map.of(),
            "",
            "",
            Optional.empty(),
            List.of());

    assertThat(E2eDynamicTests.tests(fromSummary))
        .extracting(DynamicTest::getDisplayName)
        .containsExactly("a.B#c()", "3 more passed in-cluster tests (job1, summary only)");
  }

  @Test
  void abortsTheTestsThatNeverRanAndWritesTheArtifactsNextToTheXml(@TempDir Path dir)
      throws Exception {
    E2eResult stopped =
        new E2eResult(
            "ns1",
            "job2",
            Outcome.ERROR,
            1,
            1,
            0,
            0,
            List.of(new TestCase("a.B", "c()", Status.PASSED, "", "", null)),
            Duration.ZERO,
            Map.of("TEST-a.B.xml", XML),
            "",
            "",
            Optional.of(new Cause(Cause.Kind.DEADLINE_EXCEEDED, "Job ran longer than 25 s")),
            List.of(),
            List.of("a.B#d()"),
            false,
            List.of(
                new E2eResult.Artifact("screens/home.png", new byte[] {1, 2}),
                new E2eResult.Artifact("../../escape.txt", new byte[] {3})));

    List<DynamicTest> tests = E2eDynamicTests.tests(stopped);
    List<Path> written = stopped.writeReports(dir);

    assertThat(tests)
        .extracting(DynamicTest::getDisplayName)
        .containsExactly("a.B#c()", "a.B#d() (never ran)", "E2E run job2");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> tests.get(1).getExecutable().execute())
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("Never ran in the cluster")
        .hasMessageContaining("DEADLINE_EXCEEDED: Job ran longer than 25 s");
    Path job = dir.resolve("job2");
    assertThat(written)
        .containsExactly(
            job.resolve("TEST-a.B.xml"),
            job.resolve("artifacts/screens/home.png"),
            job.resolve("artifacts/_/_/escape.txt"));
    assertThat(Files.readAllBytes(job.resolve("artifacts/screens/home.png"))).containsExactly(1, 2);
  }

  @Test
  void anIncompleteResultIsNeverPassed() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new E2eResult(
                    "ns1",
                    "job3",
                    Outcome.PASSED,
                    1,
                    1,
                    0,
                    0,
                    List.of(),
                    Duration.ZERO,
                    Map.of(),
                    "",
                    "",
                    Optional.empty(),
                    List.of(),
                    List.of(),
                    false,
                    List.of()))
        .withMessageContaining("complete results");
  }
}
