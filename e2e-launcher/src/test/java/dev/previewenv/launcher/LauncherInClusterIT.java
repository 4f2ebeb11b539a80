package dev.previewenv.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.E2eJob;
import dev.previewenv.core.E2eResult;
import dev.previewenv.core.E2eResult.Cause;
import dev.previewenv.core.E2eResult.Outcome;
import dev.previewenv.core.E2eResult.TestCase;
import dev.previewenv.core.testing.RealCluster;
import dev.previewenv.launcher.itsuite.AFastE2E;
import dev.previewenv.launcher.itsuite.BFastE2E;
import dev.previewenv.launcher.itsuite.ChattyE2E;
import dev.previewenv.launcher.itsuite.ZSlowE2E;
import dev.previewenv.protocol.HandOff;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The launcher in a real Job, from an image Jib made of this module's main and its test classes
 * ({@code itsuite}), as a user's suite image is made: results come back through the real kubelet's
 * log while a side thread keeps logging, and a Job stopped by its deadline mid-suite still returns
 * every test that finished.
 */
@RealCluster
class LauncherInClusterIT {
  private static final String IMAGE =
      System.getProperty("previewenv.launcher.it.image", "previewenv-e2e-launcher-it:local");
  private static final String NS =
      "previewenv-it-launcher-" + UUID.randomUUID().toString().substring(0, 6);
  private static final Path REPORTS = Path.of("target", "previewenv-e2e-it");

  @BeforeAll
  static void imageAndNamespace(KubernetesClient client) throws Exception {
    Process p =
        new ProcessBuilder("docker", "image", "inspect", "--format", "{{.Id}}", IMAGE)
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    boolean done = p.waitFor(30, TimeUnit.SECONDS);
    Assumptions.assumeTrue(
        done && p.exitValue() == 0,
        "image "
            + IMAGE
            + " is not in the local Docker engine; it is built at pre-integration-test when"
            + " PREVIEWENV_BASE_IMAGE is set (e.g. docker://previewenv/jre17:local)");
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
  }

  @AfterAll
  static void removeNamespace(KubernetesClient client) {
    if (client.namespaces().withName(NS).get() != null) {
      client.namespaces().withName(NS).delete();
    }
  }

  private static E2eJob job(String... classes) {
    return E2eJob.of(IMAGE)
        .withImagePullPolicy("Never")
        .withSelect(String.join(",", List.of(classes)));
  }

  @Test
  void everyResultComesBackWhileASideThreadKeepsLogging(KubernetesClient client) throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();

    E2eResult result =
        job(ChattyE2E.class.getName(), AFastE2E.class.getName(), BFastE2E.class.getName())
            .withActiveDeadline(Duration.ofSeconds(120))
            .run(client, NS, lines::add);

    assertThat(result.outcome()).as(result.summary()).isEqualTo(Outcome.PASSED);
    assertThat(result.resultsComplete()).isTrue();
    assertThat(result.notRun()).isEmpty();
    assertThat(result.notes()).isEmpty();
    assertThat(result.passed()).isEqualTo(21 + 2 + 2);
    assertThat(result.xmlReports())
        .containsOnlyKeys(
            "TEST-" + ChattyE2E.class.getName() + ".xml",
            "TEST-" + AFastE2E.class.getName() + ".xml",
            "TEST-" + BFastE2E.class.getName() + ".xml");
    assertThat(result.testCases())
        .extracting(TestCase::id)
        .contains(
            AFastE2E.class.getName() + "#concatenatesUnicode()",
            ChattyE2E.class.getName() + "#zLast()");
    assertThat(lines)
        .as("the side thread's lines reach the consumer, the hand-off lines do not")
        .anyMatch(l -> l.startsWith("chatter on stderr"))
        .noneMatch(l -> l.contains(HandOff.MARKER));
    // How hostile the log was (timing-dependent, so said, not asserted)
    String raw =
        client
            .pods()
            .inNamespace(NS)
            .withLabel("job-name", result.jobName())
            .list()
            .getItems()
            .stream()
            .findFirst()
            .map(p -> client.pods().inNamespace(NS).withName(p.getMetadata().getName()).getLog())
            .orElse("");
    long handOff = raw.lines().filter(l -> l.contains(HandOff.MARKER)).count();
    long prefixed = raw.lines().filter(l -> l.indexOf(HandOff.MARKER) > 0).count();
    System.out.println(
        "side-thread IT: "
            + raw.lines().count()
            + " log lines, "
            + handOff
            + " hand-off lines, "
            + prefixed
            + " of them behind another thread's unterminated output");
    assertThat(result.artifacts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.path()).isEqualTo("screens/checkout.txt");
              assertThat(new String(a.content(), java.nio.charset.StandardCharsets.UTF_8))
                  .isEqualTo("the checkout page, as the test saw it");
            });
    List<Path> written = result.writeReports(REPORTS);
    assertThat(written)
        .contains(
            REPORTS.resolve(result.jobName()).resolve("artifacts/screens/checkout.txt"),
            REPORTS.resolve(result.jobName()).resolve("TEST-" + AFastE2E.class.getName() + ".xml"));
    assertThat(Files.readString(written.get(0))).contains("<testsuite");
  }

  @Test
  void aJobStoppedByItsDeadlineMidSuiteReturnsTheFinishedTests(KubernetesClient client) {
    E2eResult result =
        job(AFastE2E.class.getName(), BFastE2E.class.getName(), ZSlowE2E.class.getName())
            .withActiveDeadline(Duration.ofSeconds(25))
            .run(client, NS, l -> {});

    assertThat(result.outcome()).isEqualTo(Outcome.ERROR);
    Cause cause = result.cause().orElseThrow();
    assertThat(cause.kind()).isEqualTo(Cause.Kind.DEADLINE_EXCEEDED);
    assertThat(result.testCases())
        .extracting(TestCase::id)
        .containsExactlyInAnyOrder(
            AFastE2E.class.getName() + "#adds()",
            AFastE2E.class.getName() + "#concatenatesUnicode()",
            BFastE2E.class.getName() + "#leavesAnArtifact()",
            BFastE2E.class.getName() + "#subtracts()",
            ZSlowE2E.class.getName() + "#aQuickOne()");
    assertThat(result.passed()).isEqualTo(5);
    assertThat(result.notRun())
        .containsExactly(
            ZSlowE2E.class.getName() + "#bOutlastsTheDeadline()",
            ZSlowE2E.class.getName() + "#cNeverReached()");
    assertThat(result.resultsComplete()).isFalse();
    assertThat(cause.message())
        .contains("5 test(s) came back")
        .contains("the suite's JVM was stopped before the run ended")
        .contains("2 of 7 planned tests never ran");
    System.out.println("deadline IT: " + result.summary());
  }
}
