package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.testing.RealCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The E2E Job runner with the real Job controller and kubelet: logs, the termination message, the
 * JUnit XML handed over through the pod log, Complete, Failed, a deadline and a missing image. A
 * busybox script plays the E2E image (same stdout protocol as E2eMain).
 */
@RealCluster
class E2eJobIT {
  private static final String NS =
      "previewenv-it-e2e-" + UUID.randomUUID().toString().substring(0, 6);

  @BeforeAll
  static void namespace(KubernetesClient client) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
  }

  @AfterAll
  static void removeNamespace(KubernetesClient client) {
    client.namespaces().withName(NS).delete();
  }

  /** A shell script that prints a report the way E2eMain does and exits with {@code exit}. */
  static E2eJob suite(String testcases, int tests, int failures, int exit) {
    String xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><testsuite name=\"it\" tests=\""
            + tests
            + "\" failures=\""
            + failures
            + "\" errors=\"0\" skipped=\"0\">"
            + testcases
            + "</testsuite>";
    String script =
        "echo suite starting; echo \"PREVIEWENV_NAMESPACE=$PREVIEWENV_NAMESPACE\";"
            + " printf '%s' '"
            + xml
            + "' > /tmp/TEST-it.xml;"
            + " printf '{\"tests\":"
            + tests
            + ",\"passed\":"
            + (tests - failures)
            + ",\"failed\":"
            + failures
            + ",\"skipped\":0,\"failures\":[]}' > /dev/termination-log;"
            + " echo '##previewenv-junit-xml begin TEST-it.xml';"
            + " gzip -c /tmp/TEST-it.xml | base64;"
            + " echo '##previewenv-junit-xml end';"
            + " exit "
            + exit;
    return E2eJob.of(ProvisionerIT.IMAGE)
        .withImagePullPolicy("Never")
        .withCommand("sh", "-c", script)
        .withActiveDeadline(Duration.ofSeconds(120));
  }

  @Test
  void passingSuiteComesBackWithItsTestsAndLogs(KubernetesClient client) {
    List<String> lines = new CopyOnWriteArrayList<>();
    E2eResult result =
        suite(
                "<testcase classname=\"dev.it.SampleE2E\" name=\"one\" time=\"0.01\"/>"
                    + "<testcase classname=\"dev.it.SampleE2E\" name=\"two\" time=\"0.02\"/>",
                2,
                0,
                0)
            .run(client, NS, lines::add);

    assertThat(result.outcome()).isEqualTo(E2eResult.Outcome.PASSED);
    assertThat(result.passed()).isEqualTo(2);
    assertThat(result.testCases())
        .extracting(E2eResult.TestCase::name)
        .containsExactlyInAnyOrder("one", "two");
    assertThat(result.xmlReports()).isNotEmpty();
    assertThat(result.terminationMessage()).contains("\"passed\":2");
    assertThat(lines).contains("suite starting", "PREVIEWENV_NAMESPACE=" + NS);
    assertThat(String.join("\n", lines)).doesNotContain("##previewenv-junit-xml begin");
  }

  @Test
  void failingSuiteReportsTheFailureMessage(KubernetesClient client) {
    E2eResult result =
        suite(
                "<testcase classname=\"dev.it.OrderE2E\" name=\"createsOrder\" time=\"0.1\">"
                    + "<failure message=\"expected 201 but was 502\">trace</failure></testcase>"
                    + "<testcase classname=\"dev.it.OrderE2E\" name=\"health\" time=\"0.1\"/>",
                2,
                1,
                1)
            .run(client, NS, line -> {});

    assertThat(result.outcome()).isEqualTo(E2eResult.Outcome.FAILED);
    assertThat(result.failed()).isEqualTo(1);
    assertThat(result.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.name()).isEqualTo("createsOrder");
              assertThat(f.message()).contains("expected 201 but was 502");
            });
  }

  @Test
  void jobOverItsDeadlineEndsAsDeadlineExceeded(KubernetesClient client) {
    E2eResult result =
        E2eJob.of(ProvisionerIT.IMAGE)
            .withImagePullPolicy("Never")
            .withCommand("sh", "-c", "echo slow suite; sleep 300")
            .withActiveDeadline(Duration.ofSeconds(5))
            .withTimeout(Duration.ofSeconds(90))
            .run(client, NS, line -> {});

    assertThat(result.outcome()).isEqualTo(E2eResult.Outcome.ERROR);
    assertThat(result.cause())
        .get()
        .satisfies(c -> assertThat(c.kind()).isEqualTo(E2eResult.Cause.Kind.DEADLINE_EXCEEDED));
  }

  @Test
  void missingImageEndsAsImagePullCauseNamingTheImage(KubernetesClient client) {
    E2eResult result =
        E2eJob.of("previewenv/no-such-e2e-image:1")
            .withImagePullPolicy("Never")
            .withTimeout(Duration.ofSeconds(90))
            .run(client, NS, line -> {});

    assertThat(result.outcome()).isEqualTo(E2eResult.Outcome.ERROR);
    assertThat(result.cause())
        .get()
        .satisfies(
            c -> {
              assertThat(c.kind()).isEqualTo(E2eResult.Cause.Kind.IMAGE_PULL);
              assertThat(c.message()).contains("previewenv/no-such-e2e-image:1");
            });
  }
}
