package dev.previewenv.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.previewenv.core.CiReport;
import dev.previewenv.core.Phase;
import dev.previewenv.core.Preview;
import dev.previewenv.core.PreviewEnvException;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;

class LifecycleTest {
  @TempDir Path dir;
  TestCluster cluster;

  @BeforeEach
  void start() {
    cluster = new TestCluster(dir);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  // ---- fixtures: run only through EngineTestKit --------------------------------------------

  /** Reports the preview's identity and checks the namespace exists while tests run. */
  abstract static class Probe {
    @Test
    void seesItsEnvironment(Preview preview, KubernetesClient client, TestReporter reporter) {
      Namespace ns = client.namespaces().withName(preview.namespace()).get();
      assertThat(ns).as("namespace during the test").isNotNull();
      assertThat(client.configMaps().inNamespace(preview.namespace()).withName("settings").get())
          .isNotNull();
      reporter.publishEntry(
          Map.of(
              "namespace", preview.namespace(),
              "preview", Integer.toString(System.identityHashCode(preview))));
    }
  }

  @PreviewEnvironment(manifests = "classpath:previewenv/shop.yaml")
  static class FirstSharing extends Probe {}

  @PreviewEnvironment(manifests = "classpath:previewenv/shop.yaml")
  static class SecondSharing extends Probe {}

  @PreviewEnvironment(manifests = "classpath:previewenv/shop.yaml")
  static class ThirdSharing extends Probe {}

  @PreviewEnvironment(manifests = "classpath:previewenv/shop.yaml")
  static class FourthSharing extends Probe {}

  @PreviewEnvironment(
      manifests = "classpath:previewenv/shop.yaml",
      retention = PreviewEnvironment.Retention.ON_SUCCESS)
  static class OneTestFails extends Probe {
    @Test
    void fails() {
      throw new AssertionError("deliberately failing");
    }
  }

  @PreviewEnvironment(
      manifests = "classpath:previewenv/shop.yaml",
      retention = PreviewEnvironment.Retention.ON_SUCCESS)
  static class AllPass extends Probe {}

  @PreviewEnvironment(
      manifests = "classpath:previewenv/shop.yaml",
      retention = PreviewEnvironment.Retention.ALWAYS)
  static class FailingProvisioningAlways extends Probe {}

  @PreviewEnvironment(
      manifests = "classpath:previewenv/shop.yaml",
      retention = PreviewEnvironment.Retention.ON_SUCCESS)
  static class FailingProvisioningOnSuccess extends Probe {}

  @PreviewEnvironment(
      manifests = "classpath:previewenv/shop.yaml",
      secrets = "copy:shared/registry-credentials")
  static class MissingSecretSource extends Probe {}

  @PreviewEnvironment(manifests = "classpath:previewenv/shop.yaml", prefix = "other")
  static class OtherEnvironment extends Probe {}

  // ---- tests --------------------------------------------------------------------------------

  @Test
  void sharesOneEnvironmentBetweenClassesAndTearsItDownOnceAtTheEnd() {
    cluster.drainRequests();
    EngineExecutionResults results = cluster.run(FirstSharing.class, SecondSharing.class);

    results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
    List<Map<String, String>> entries = entries(results);
    assertThat(entries).hasSize(2);
    assertThat(entries)
        .extracting(e -> e.get("preview"))
        .containsOnly(entries.get(0).get("preview"));
    String ns = entries.get(0).get("namespace");
    assertThat(ns).startsWith("checkout");
    List<RecordedRequest> requests = cluster.drainRequests();
    assertThat(count(requests, "POST", "/api/v1/namespaces"))
        .as("namespace creations")
        .isEqualTo(1);
    assertThat(count(requests, "DELETE", "/api/v1/namespaces/" + ns))
        .as("namespace deletions")
        .isEqualTo(1);
    assertThat(cluster.client().namespaces().withName(ns).get()).as("after the run").isNull();
    // the CI report of the run: the environment and its phases, teardown included
    CiReport report = CiReport.read(dir.resolve("diagnostics").resolve(ns).resolve("report.json"));
    assertThat(report.namespace()).isEqualTo(ns);
    assertThat(report.branch()).contains("checkout");
    assertThat(report.phases()).containsKeys(Phase.NAMESPACE, Phase.APPLY, Phase.TEARDOWN);
  }

  @Test
  void sharesOneEnvironmentUnderParallelExecution() {
    cluster.drainRequests();
    EngineExecutionResults results =
        cluster
            .request(
                FirstSharing.class, SecondSharing.class, ThirdSharing.class, FourthSharing.class)
            .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
            .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
            .configurationParameter(
                "junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
            .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
            .configurationParameter(
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "4")
            .execute();

    results.testEvents().assertStatistics(s -> s.started(4).succeeded(4));
    List<Map<String, String>> entries = entries(results);
    assertThat(entries)
        .extracting(e -> e.get("preview"))
        .hasSize(4)
        .containsOnly(entries.get(0).get("preview"));
    List<RecordedRequest> requests = cluster.drainRequests();
    assertThat(count(requests, "POST", "/api/v1/namespaces")).isEqualTo(1);
    assertThat(cluster.client().namespaces().withName(entries.get(0).get("namespace")).get())
        .isNull();
  }

  @Test
  void differentSpecificationsGetDifferentEnvironments() {
    EngineExecutionResults results = cluster.run(FirstSharing.class, OtherEnvironment.class);

    results.testEvents().assertStatistics(s -> s.succeeded(2));
    assertThat(entries(results))
        .extracting(e -> e.get("namespace"))
        .containsExactlyInAnyOrder("checkout", "other-checkout");
  }

  @Test
  void keepsEnvironmentWhenATestFailsAndRetentionIsOnSuccess() {
    String err = stderrOf(() -> cluster.run(OneTestFails.class));

    assertThat(cluster.client().namespaces().withName("checkout").get())
        .as("kept namespace")
        .isNotNull();
    assertThat(err)
        .contains("PreviewEnv kept environment checkout because a test failed")
        .contains(
            "kubectl --kubeconfig " + cluster.kubeconfig + " get all,ingress,events -n checkout")
        .contains("kubectl --kubeconfig " + cluster.kubeconfig + " delete namespace checkout")
        .contains("http://checkout.api.shop.example.com/v1")
        .contains("Diagnostics: " + dir.resolve("diagnostics"));
  }

  @Test
  void deletesEnvironmentWhenAllTestsPassAndRetentionIsOnSuccess() {
    String err =
        stderrOf(
            () -> cluster.run(AllPass.class).testEvents().assertStatistics(s -> s.succeeded(1)));

    assertThat(cluster.client().namespaces().withName("checkout").get()).isNull();
    assertThat(err).doesNotContain("kept environment");
  }

  @Test
  void tearsDownWhenProvisioningFailsHalfWay() {
    failConfigMapCreation();

    EngineExecutionResults results = cluster.run(FailingProvisioningAlways.class);

    results
        .containerEvents()
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                container(FailingProvisioningAlways.class),
                finishedWithFailure(instanceOf(RuntimeException.class))));
    assertThat(requestsTo("POST", "/api/v1/namespaces/checkout/configmaps"))
        .as("the namespace existed and an object was sent before the failure")
        .isPositive();
    assertThat(cluster.client().namespaces().withName("checkout").get()).isNull();
  }

  @Test
  void keepsHalfProvisionedEnvironmentForInspectionWhenRetentionIsOnSuccess() {
    failConfigMapCreation();

    String err = stderrOf(() -> cluster.run(FailingProvisioningOnSuccess.class));

    assertThat(cluster.client().namespaces().withName("checkout").get()).isNotNull();
    assertThat(err).contains("kept environment checkout because its provisioning failed");
  }

  @Test
  void missingSecretSourceFailsTheClassAndCreatesNothing() {
    EngineExecutionResults results = cluster.run(MissingSecretSource.class);

    results
        .containerEvents()
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                container(MissingSecretSource.class),
                finishedWithFailure(
                    instanceOf(PreviewEnvException.class),
                    message(m -> m.contains("registry-credentials")))));
    assertThat(cluster.client().namespaces().withName("checkout").get()).isNull();
  }

  // ---- helpers ------------------------------------------------------------------------------

  private void failConfigMapCreation() {
    cluster
        .kube
        .server()
        .expect()
        .post()
        .withPath("/api/v1/namespaces/checkout/configmaps")
        .andReturn(
            422,
            "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"injected\",\"code\":422}")
        .always();
  }

  private long requestsTo(String method, String path) {
    return count(cluster.drainRequests(), method, path);
  }

  private static long count(List<RecordedRequest> requests, String method, String path) {
    return requests.stream()
        .filter(r -> r.getMethod().equals(method))
        .filter(r -> r.getPath().equals(path) || r.getPath().startsWith(path + "?"))
        .count();
  }

  static List<Map<String, String>> entries(EngineExecutionResults results) {
    return results.allEvents().reportingEntryPublished().stream()
        .map(e -> e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs())
        .collect(Collectors.toList());
  }

  static String stderrOf(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    original.print(text);
    return text;
  }
}
