package dev.previewenv.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.testing.ControllerSimulator;
import dev.previewenv.core.testing.KubeTestServer;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code up}, {@code down} and {@code janitor} against the in-process API server with the
 * controller simulator (pods become ready, namespaces go through Terminating). Renders the real
 * preview overlay, so it needs kustomize or kubectl on the PATH.
 */
class CliTest {
  KubeTestServer kube;
  ControllerSimulator simulator;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void kustomizeIsThere() {
    boolean found =
        List.of("kustomize", "kubectl").stream()
            .anyMatch(
                tool ->
                    java.util.Arrays.stream(
                            System.getenv()
                                .getOrDefault("PATH", "")
                                .split(java.io.File.pathSeparator))
                        .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool))));
    Assumptions.assumeTrue(
        found, "neither kustomize nor kubectl is on the PATH; the CLI renders deploy/overlays");
  }

  @BeforeEach
  void start() {
    kube = new KubeTestServer();
    simulator = ControllerSimulator.start(kube);
  }

  @AfterEach
  void stop() {
    simulator.close();
    kube.close();
  }

  int cli(String... args) {
    Cli cli =
        new Cli(
            new ByteArrayInputStream(new byte[0]), // port-forward mode: "Enter" at once
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            c -> new KubernetesClientBuilder().withConfig(kube.client().getConfiguration()).build(),
            Path.of("").toAbsolutePath());
    return cli.run(args);
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  KubernetesClient client() {
    return kube.client();
  }

  @Test
  void upProvisionsThePreviewOverlayAndPrintsNamespaceAndIngressUrls() {
    int code = cli("up", "feature/Login-Fix", "--images", "previewenv-examples/orders:sha-1f2e");

    assertThat(code).as("exit code; stderr: " + err).isZero();
    String ns = ns("feature/Login-Fix");
    assertThat(out())
        .contains("Environment " + ns + " is up: namespace " + ns)
        .contains("catalog: http://" + ns + ".catalog.example.com/")
        .contains("orders: http://" + ns + ".orders.example.com/")
        .contains("admin: http://" + ns + ".admin.example.com/")
        .contains("\"Cli down feature/Login-Fix\"");
    assertThat(client().namespaces().withName(ns).get().getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "previewenv");
    assertThat(
            client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("orders")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo("previewenv-examples/orders:sha-1f2e");
    assertThat(client().namespaces().withName(ns).get().getMetadata().getDeletionTimestamp())
        .as("up keeps the environment")
        .isNull();
  }

  @Test
  void upWithPortForwardPrintsLoopbackUrls() {
    int code = cli("up", "pf", "--access", "port-forward");

    assertThat(code).as("exit code; stderr: " + err).isZero();
    assertThat(out())
        .containsPattern("catalog: http://127\\.0\\.0\\.1:\\d+")
        .containsPattern("orders: http://127\\.0\\.0\\.1:\\d+")
        .contains("Port-forwards to 127.0.0.1 are open until you press Enter");
  }

  @Test
  void downDeletesTheEnvironmentAndWaitsUntilItsNamespaceIsGone() {
    String ns = ns("feature/x");
    assertThat(cli("up", "feature/x")).isZero();
    assertThat(client().namespaces().withName(ns).get()).isNotNull();

    int code = cli("down", "feature/x");

    assertThat(code).as("exit code; stderr: " + err).isZero();
    assertThat(out()).contains("Environment " + ns + " deleted; its namespace is gone.");
    assertThat(client().namespaces().withName(ns).get()).isNull();
  }

  @Test
  void downOfAnUnknownBranchSaysThereIsNothingToDelete() {
    assertThat(cli("down", "never/was")).isZero();
    assertThat(out())
        .contains("No environment " + ns("never/was") + " (branch never/was): nothing to delete.");
  }

  @Test
  void janitorDeletesExpiredEnvironmentsOnlyAndDryRunOnlyReports() {
    expiredEnvironment("old-branch", Instant.now().minus(Duration.ofHours(1)));
    assertThat(cli("up", "fresh")).isZero();

    assertThat(cli("janitor", "--dry-run")).isZero();
    assertThat(out()).contains("would delete old-branch").contains("(dry run)");
    assertThat(
            client().namespaces().withName("old-branch").get().getMetadata().getDeletionTimestamp())
        .isNull();

    assertThat(cli("janitor")).as("stderr: " + err).isZero();
    assertThat(out()).contains("deleted old-branch").contains("1 deleted, 1 kept");
    Namespace old = client().namespaces().withName("old-branch").get();
    assertThat(old == null || old.getMetadata().getDeletionTimestamp() != null)
        .as("old-branch deleted or Terminating")
        .isTrue();
    assertThat(
            client().namespaces().withName(ns("fresh")).get().getMetadata().getDeletionTimestamp())
        .isNull();
  }

  @Test
  void wrongUsagePrintsTheUsageAndExitsWithTwo() {
    assertThat(cli("up")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("up takes exactly one branch")
        .contains("Usage: Cli <command>");
  }

  private static String ns(String branch) {
    return EnvironmentName.forBranch(branch).value();
  }

  private void expiredEnvironment(String name, Instant expiredAt) {
    client()
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("app.kubernetes.io/managed-by", "previewenv")
                .addToLabels("previewenv.dev/environment", name)
                .addToAnnotations("previewenv.dev/expires-at", expiredAt.toString())
                .endMetadata()
                .build())
        .create();
  }
}
