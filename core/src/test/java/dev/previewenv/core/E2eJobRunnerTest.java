package dev.previewenv.core;

import static dev.previewenv.core.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.previewenv.core.E2eResult.Cause;
import dev.previewenv.core.E2eResult.Outcome;
import dev.previewenv.core.E2eResult.Status;
import dev.previewenv.core.E2eResult.TestCase;
import dev.previewenv.core.testing.ControllerSimulator;
import dev.previewenv.core.testing.InProcessCluster;
import dev.previewenv.core.testing.JobOutcome;
import dev.previewenv.core.testing.KubeTestServer;
import dev.previewenv.core.testing.PodFailure;
import dev.previewenv.core.testing.SimulatorOptions;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@InProcessCluster(simulator = false)
class E2eJobRunnerTest {
  static final String NS = "shop-feature-x";
  static final String PASSING_XML =
      """
      <testsuite name="JUnit Jupiter">
        <testcase classname="shop.HealthIT" name="catalogHealthy()" time="0.1"/>
        <testcase classname="shop.HealthIT" name="ordersHealthy()" time="0.2"/>
        <testcase classname="shop.AdminIT" name="protected()"><skipped message="no auth"/></testcase>
      </testsuite>
      """;
  static final String FAILING_XML =
      """
      <testsuite name="JUnit Jupiter">
        <testcase classname="shop.HealthIT" name="catalogHealthy()"/>
        <testcase classname="shop.OrderIT" name="placesOrder()">
          <failure message="expected: &lt;201&gt; but was: &lt;500&gt;" type="AssertionFailedError">trace</failure>
        </testcase>
      </testsuite>
      """;

  private KubeTestServer kube;
  private ControllerSimulator sim;
  private KubernetesClient client;

  @BeforeEach
  void startServer(KubeTestServer kube) {
    this.kube = kube;
    client = kube.client();
  }

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close(); // before the server, which @InProcessCluster closes after the test
    }
  }

  void start(String minor, SimulatorOptions options) {
    E2eJobSpecTest.serverVersion(kube, minor);
    sim = ControllerSimulator.start(kube, options);
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
  }

  static String logWithReports(String before, Map<String, String> reports) {
    StringBuilder sb = new StringBuilder(before);
    reports.forEach(
        (name, xml) -> sb.append(E2eResults.encode(name, xml.getBytes(StandardCharsets.UTF_8))));
    return sb.append("suite finished\n").toString();
  }

  /**
   * The runner deleted the Job (propagation Background): waits until the simulated garbage
   * collector removed its pod too, so that the server is quiet when the test closes it.
   */
  void awaitJobAndPodsGone(String jobName) {
    eventually("job " + jobName + " and its pods deleted")
        .until(
            () ->
                client.batch().v1().jobs().inNamespace(NS).withName(jobName).get() == null
                    && client
                        .pods()
                        .inNamespace(NS)
                        .withLabel("previewenv.dev/e2e-job", jobName)
                        .list()
                        .getItems()
                        .isEmpty(),
            gone -> gone);
  }

  static E2eJob job(String image) {
    return E2eJob.of(image).withTimeout(Duration.ofSeconds(20));
  }

  @Test
  void completeRunReturnsCountsFromTheXmlInTheLogAndStreamsTheLogWithoutBlocks() {
    String log =
        logWithReports(
            "Running 3 tests\nall done\n", Map.of("TEST-junit-jupiter.xml", PASSING_XML));
    start(
        "20",
        SimulatorOptions.builder()
            .job(JobOutcome.of("shop-e2e:ok", 0, log, "{\"tests\":3,\"passed\":2}"))
            .build());
    List<String> lines = new CopyOnWriteArrayList<>();

    E2eResult result = job("shop-e2e:ok").run(client, NS, lines::add);

    assertThat(result.outcome()).isEqualTo(Outcome.PASSED);
    assertThat(result.cause()).isEmpty();
    assertThat(List.of(result.tests(), result.passed(), result.failed(), result.skipped()))
        .containsExactly(3, 2, 0, 1);
    assertThat(result.testCases())
        .extracting(TestCase::id, TestCase::status)
        .containsExactly(
            tuple("shop.HealthIT#catalogHealthy()", Status.PASSED),
            tuple("shop.HealthIT#ordersHealthy()", Status.PASSED),
            tuple("shop.AdminIT#protected()", Status.SKIPPED));
    assertThat(result.xmlReports()).containsEntry("TEST-junit-jupiter.xml", PASSING_XML);
    assertThat(result.terminationMessage()).isEqualTo("{\"tests\":3,\"passed\":2}");
    assertThat(lines)
        .containsExactly(
            "Running 3 tests",
            "all done",
            "[JUnit XML report TEST-junit-jupiter.xml handed over]",
            "suite finished");
    assertThat(result.logTail()).endsWith("suite finished").doesNotContain(E2eResults.MARKER);
    assertThat(result.namespace()).isEqualTo(NS);
    assertThat(result.jobName()).startsWith("previewenv-e2e-");
  }

  /** What the launcher writes: plan, one report per class, optionally the end record. */
  static String launcherLog(String run, boolean withEnd, String endStatus) {
    dev.previewenv.protocol.HandOff.Writer w =
        new dev.previewenv.protocol.HandOff.Writer(run, l -> {});
    StringBuilder sb = new StringBuilder("suite starting\n");
    dev.previewenv.protocol.HandOff.Writer out =
        new dev.previewenv.protocol.HandOff.Writer(
            run, l -> sb.append("2026-12-01T08:15:02.1Z ").append(l).append("\r\n"));
    out.write(
        dev.previewenv.protocol.HandOff.Kind.PLAN,
        "plan",
        "shop.HealthIT#catalogHealthy()\nshop.HealthIT#ordersHealthy()\nshop.OrderIT#placesOrder()\n");
    sb.append("a side thread: still polling\n");
    out.write(
        dev.previewenv.protocol.HandOff.Kind.XML,
        "TEST-shop.HealthIT.xml",
        "<testsuite><testcase classname=\"shop.HealthIT\" name=\"catalogHealthy()\"/>"
            + "<testcase classname=\"shop.HealthIT\" name=\"ordersHealthy()\"/></testsuite>");
    out.write(dev.previewenv.protocol.HandOff.Kind.FILE, "screens/home.png", new byte[] {1, 2, 3});
    if (withEnd) {
      out.write(
          dev.previewenv.protocol.HandOff.Kind.END,
          "end",
          new dev.previewenv.protocol.RunEnd(
                  endStatus, -1, out.written(), "the suite's JVM was stopped while running OrderIT")
              .render());
    }
    w.written();
    return sb.toString();
  }

  @Test
  void aRunStoppedAtItsDeadlineReturnsTheFinishedTestsAndNamesTheOnesThatNeverRan() {
    String log = launcherLog("k3f9x2ab", true, dev.previewenv.protocol.RunEnd.INTERRUPTED);
    start(
        "20",
        SimulatorOptions.builder()
            .job(JobOutcome.of("shop-e2e:slow", 143, log, "").deadlineExceeded())
            .build());
    List<String> lines = new CopyOnWriteArrayList<>();

    E2eResult result = job("shop-e2e:slow").run(client, NS, lines::add);

    assertThat(result.outcome()).isEqualTo(Outcome.ERROR);
    assertThat(result.resultsComplete()).isFalse();
    assertThat(result.passed()).isEqualTo(2);
    assertThat(result.testCases())
        .extracting(TestCase::id)
        .containsExactly("shop.HealthIT#catalogHealthy()", "shop.HealthIT#ordersHealthy()");
    assertThat(result.notRun()).containsExactly("shop.OrderIT#placesOrder()");
    assertThat(result.cause().orElseThrow().kind()).isEqualTo(Cause.Kind.DEADLINE_EXCEEDED);
    assertThat(result.cause().orElseThrow().message())
        .contains("2 test(s) came back")
        .contains("the suite says: the suite's JVM was stopped while running OrderIT")
        .contains("1 of 3 planned tests never ran")
        .contains("shop.OrderIT#placesOrder()");
    assertThat(result.artifacts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.path()).isEqualTo("screens/home.png");
              assertThat(a.content()).containsExactly(1, 2, 3);
            });
    assertThat(lines)
        .contains("suite starting", "a side thread: still polling")
        .contains("[JUnit XML report TEST-shop.HealthIT.xml handed over]")
        .noneMatch(l -> l.contains(E2eResults.MARKER));
  }

  @Test
  void aRunWhoseEndRecordNeverCameIsIncompleteAndNotPassed() {
    String log = launcherLog("k3f9x2ac", false, null);
    start(
        "20", SimulatorOptions.builder().job(JobOutcome.of("shop-e2e:crash", 0, log, "")).build());

    E2eResult result = job("shop-e2e:crash").run(client, NS, l -> {});

    assertThat(result.outcome()).isEqualTo(Outcome.ERROR);
    assertThat(result.cause().orElseThrow().kind()).isEqualTo(Cause.Kind.INCOMPLETE_RESULTS);
    assertThat(result.cause().orElseThrow().message())
        .contains("end record never arrived")
        .contains("1 of 3 planned tests never ran");
    assertThat(result.summary()).contains("1 never ran");
  }

  @Test
  void aDamagedReportIsNamedAndTheRunIsNotPassed() {
    String good = launcherLog("k3f9x2ad", true, "PASSED");
    // one line of the class report damaged on the way (its checksum no longer matches)
    String log =
        good.lines()
            .map(l -> l.contains(" k3f9x2ad.2 1 ") ? l.replace("H4sI", "H4sJ") : l)
            .reduce("", (a, b) -> a + b + "\n");
    start("20", SimulatorOptions.builder().job(JobOutcome.of("shop-e2e:dmg", 0, log, "")).build());

    E2eResult result = job("shop-e2e:dmg").run(client, NS, l -> {});

    assertThat(result.outcome()).isEqualTo(Outcome.ERROR);
    assertThat(result.resultsComplete()).isFalse();
    assertThat(result.cause().orElseThrow().message())
        .contains("xml TEST-shop.HealthIT.xml (record k3f9x2ad.2)")
        .contains("damaged (checksum)");
  }

  @Test
  void failedRunListsEachFailureWithItsMessage() {
    String log = logWithReports("", Map.of("TEST-a.xml", FAILING_XML));
    start("20", SimulatorOptions.builder().job(JobOutcome.of("shop-e2e:bad", 1, log, "")).build());

    E2eResult result = job("shop-e2e:bad").run(client, NS, l -> {});

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.cause()).isEmpty();
    assertThat(List.of(result.tests(), result.passed(), result.failed())).containsExactly(2, 1, 1);
    assertThat(result.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.id()).isEqualTo("shop.OrderIT#placesOrder()");
              assertThat(f.message()).isEqualTo("expected: <201> but was: <500>");
            });
  }

  @Test
  void fallsBackToTheTerminationMessageSummaryWithoutXml() {
    String summary =
        "{\"tests\":4,\"passed\":3,\"failed\":1,\"skipped\":0,"
            + "\"failures\":[{\"id\":\"shop.OrderIT#placesOrder()\",\"message\":\"HTTP 500\"}]}";
    start(
        "20",
        SimulatorOptions.builder()
            .job(JobOutcome.of("shop-e2e:noxml", 1, "no reports here\n", summary))
            .build());

    E2eResult result = job("shop-e2e:noxml").run(client, NS, l -> {});

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(List.of(result.tests(), result.passed(), result.failed())).containsExactly(4, 3, 1);
    assertThat(result.failures())
        .extracting(TestCase::id, TestCase::message)
        .containsExactly(tuple("shop.OrderIT#placesOrder()", "HTTP 500"));
    assertThat(result.notes()).anyMatch(n -> n.contains("termination-message summary"));
  }

  @Test
  void runWithoutReportsOrSummaryIsAnErrorNamingWhatIsMissing() {
    start(
        "20",
        SimulatorOptions.builder()
            .job(JobOutcome.of("shop-e2e:silent", 1, "Exception in thread main\n", ""))
            .build());

    E2eResult result = job("shop-e2e:silent").run(client, NS, l -> {});

    assertThat(result.outcome()).isEqualTo(Outcome.ERROR);
    assertThat(result.cause().map(Cause::kind)).contains(Cause.Kind.NO_RESULTS);
    assertThat(result.cause().orElseThrow().message())
        .contains("exit code 1")
        .contains("BackoffLimitExceeded");
    assertThat(result.logTail()).contains("Exception in thread main");
  }

  @Test
  void exitCodeTwoIsASuiteError() {
    start(
        "20",
        SimulatorOptions.builder()
            .job(JobOutcome.of("shop-e2e:none", 2, "No tests found\n", "{\"tests\":0}"))
            .build());

    E2eResult result = job("shop-e2e:none").run(client, NS, l -> {});

    assertThat(result.outcome()).isEqualTo(Outcome.ERROR);
    assertThat(result.cause().map(Cause::kind)).contains(Cause.Kind.SUITE_ERROR);
    assertThat(result.cause().orElseThrow().message()).contains("exited with code 2");
  }

  @Test
  void imagePullFailureEndsEarlyNamesImageAndReasonAndDeletesTheJob() {
    start(
        "20",
        SimulatorOptions.builder()
            .failing("registry.example.com/shop-e2e:nope", PodFailure.IMAGE_PULL_BACK_OFF)
            .build());

    E2eResult result = job("registry.example.com/shop-e2e:nope").run(client, NS, l -> {});

    assertThat(result.outcome()).isEqualTo(Outcome.ERROR);
    Cause cause = result.cause().orElseThrow();
    assertThat(cause.kind()).isEqualTo(Cause.Kind.IMAGE_PULL);
    assertThat(cause.message())
        .contains("ImagePullBackOff")
        .contains("\"registry.example.com/shop-e2e:nope\"")
        .contains("pod " + result.jobName() + "-");
    awaitJobAndPodsGone(result.jobName());
  }

  @Test
  void errImagePullIsDetectedToo() {
    start("20", SimulatorOptions.builder().failing("e2e:gone", PodFailure.ERR_IMAGE_PULL).build());

    E2eResult result = job("shop-e2e:gone").run(client, NS, l -> {});

    assertThat(result.cause().orElseThrow().message())
        .contains("ErrImagePull")
        .contains("shop-e2e:gone");
    awaitJobAndPodsGone(result.jobName());
  }

  @Test
  void deadlineExceededIsAResultNamingTheDeadline() {
    start(
        "20",
        SimulatorOptions.builder()
            .job(JobOutcome.of("shop-e2e:slow", 137, "test 1 running\n", "").deadlineExceeded())
            .build());

    E2eResult result =
        job("shop-e2e:slow").withActiveDeadline(Duration.ofSeconds(90)).run(client, NS, l -> {});

    assertThat(result.outcome()).isEqualTo(Outcome.ERROR);
    Cause cause = result.cause().orElseThrow();
    assertThat(cause.kind()).isEqualTo(Cause.Kind.DEADLINE_EXCEEDED);
    assertThat(cause.message())
        .contains("activeDeadlineSeconds 90")
        .contains("Job was active longer than specified deadline");
  }

  @Test
  void oomKilledIsAResultNamingTheMemoryLimit() {
    start(
        "20",
        SimulatorOptions.builder()
            .job(JobOutcome.of("shop-e2e:hungry", 0, "allocating\n", "").oomKilled())
            .build());

    E2eResult result =
        job("shop-e2e:hungry")
            .withResources(
                new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                    .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("256Mi"))
                    .build())
            .run(client, NS, l -> {});

    Cause cause = result.cause().orElseThrow();
    assertThat(result.outcome()).isEqualTo(Outcome.ERROR);
    assertThat(cause.kind()).isEqualTo(Cause.Kind.OOM_KILLED);
    assertThat(cause.message()).contains("OOMKilled").contains("exit code 137").contains("256Mi");
  }

  @Test
  void evictionIsAResultNamingTheNodePressure() {
    start(
        "20",
        SimulatorOptions.builder()
            .job(JobOutcome.of("shop-e2e:evicted", 0, "test 1\n", "").evicted())
            .build());

    E2eResult result = job("shop-e2e:evicted").run(client, NS, l -> {});

    Cause cause = result.cause().orElseThrow();
    assertThat(cause.kind()).isEqualTo(Cause.Kind.EVICTED);
    assertThat(cause.message()).contains("was evicted").contains("low on resource: memory");
  }

  @Test
  void clientTimeoutDeletesTheJobAndSaysWhatWasSeen() {
    start("20", SimulatorOptions.builder().failing("stuck", PodFailure.STUCK_CREATING).build());

    E2eResult result =
        E2eJob.of("shop-e2e:stuck").withTimeout(Duration.ofSeconds(2)).run(client, NS, l -> {});

    Cause cause = result.cause().orElseThrow();
    assertThat(cause.kind()).isEqualTo(Cause.Kind.TIMEOUT);
    assertThat(cause.message()).contains("2 s").contains("waiting ContainerCreating");
    awaitJobAndPodsGone(result.jobName());
  }

  @Test
  void previewRunPassesServiceUrlsFromClusterIpsAndSelection() {
    start("20", SimulatorOptions.builder().build());
    client
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("orders-api")
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withClusterIP("10.96.0.12")
                .addNewPort()
                .withPort(8080)
                .endPort()
                .endSpec()
                .build())
        .create();
    E2eJob spec =
        job("shop-e2e:env")
            .withServiceUrl("catalog", java.net.URI.create("http://catalog.example:80"))
            .withIncludeTags("smoke")
            .withSelect("shop.HealthIT")
            .withEnv("EXTRA", "1");
    E2eResult result =
        new dev.previewenv.core.internal.job.E2eJobRunner(spec.jobSpec(), client, NS, l -> {}, true)
            .run();

    Job created = client.batch().v1().jobs().inNamespace(NS).withName(result.jobName()).get();
    assertThat(created.getSpec().getPodFailurePolicy()).as("not on 1.20").isNull();
    assertThat(created.getSpec().getTtlSecondsAfterFinished()).as("not on 1.20").isNull();
    assertThat(created.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting(e -> e.getName(), e -> e.getValue())
        .containsExactly(
            tuple("PREVIEWENV_NAMESPACE", NS),
            tuple("PREVIEWENV_SERVICE_URL_ORDERS_API", "http://10.96.0.12:8080"),
            tuple("PREVIEWENV_SERVICE_URL_CATALOG", "http://catalog.example:80"),
            tuple("PREVIEWENV_E2E_SELECT", "shop.HealthIT"),
            tuple("PREVIEWENV_E2E_INCLUDE_TAGS", "smoke"),
            tuple("EXTRA", "1"));
  }
}
