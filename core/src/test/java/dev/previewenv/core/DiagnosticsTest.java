package dev.previewenv.core;

import static dev.previewenv.core.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.testing.ControllerSimulator;
import dev.previewenv.core.testing.KubeTestServer;
import dev.previewenv.core.testing.PodFailure;
import dev.previewenv.core.testing.SimulatorOptions;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiagnosticsTest {
  private static final String NS = "pr-7";
  private static final String CANARY = "canary-3f9a8b7c-do-not-leak";
  private static final String CANARY_B64 =
      Base64.getEncoder().encodeToString(CANARY.getBytes(StandardCharsets.UTF_8));

  @TempDir Path tmp;

  private KubeTestServer kube;
  private ControllerSimulator sim;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    kube = new KubeTestServer();
    client = kube.client();
  }

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
    kube.close();
  }

  private static Deployment deployment(String name, String image) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(name)
        .withImage(image)
        .addNewEnv()
        .withName("DB_PASSWORD")
        .withValue(CANARY)
        .endEnv()
        .addNewEnv()
        .withName("LOG_LEVEL")
        .withValue("debug")
        .endEnv()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  @Test
  void waitsForTheKubeletsEventOfAStuckPodThatHasNoneYet() throws Exception {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    client
        .resource(
            new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata()
                .withName("web-1")
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("web")
                .withImage("registry.example.com/web:1")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Pending")
                .addNewContainerStatus()
                .withName("web")
                .withImage("registry.example.com/web:1")
                .withReady(false)
                .withNewState()
                .withNewWaiting()
                .withReason("ErrImagePull")
                .withMessage("no basic auth credentials")
                .endWaiting()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build())
        .create();
    // a warning about something else is there already (the test cluster has no DNS)
    client
        .v1()
        .events()
        .inNamespace(NS)
        .resource(
            new io.fabric8.kubernetes.api.model.EventBuilder()
                .withNewMetadata()
                .withName("web-1.dns")
                .withNamespace(NS)
                .endMetadata()
                .withType("Warning")
                .withReason("MissingClusterDNS")
                .withMessage("kubelet does not have ClusterDNS IP configured")
                .withNewInvolvedObject()
                .withKind("Pod")
                .withName("web-1")
                .withNamespace(NS)
                .endInvolvedObject()
                .build())
        .create();
    // the kubelet's event comes after the pod's status: while diagnostics are being collected
    java.util.concurrent.CompletableFuture<Void> late =
        java.util.concurrent.CompletableFuture.runAsync(
            () ->
                client
                    .v1()
                    .events()
                    .inNamespace(NS)
                    .resource(
                        new io.fabric8.kubernetes.api.model.EventBuilder()
                            .withNewMetadata()
                            .withName("web-1.pull")
                            .withNamespace(NS)
                            .endMetadata()
                            .withType("Warning")
                            .withReason("Failed")
                            .withMessage("Failed to pull image \"registry.example.com/web:1\"")
                            .withNewInvolvedObject()
                            .withKind("Pod")
                            .withName("web-1")
                            .withNamespace(NS)
                            .endInvolvedObject()
                            .build())
                    .create(),
            java.util.concurrent.CompletableFuture.delayedExecutor(
                1500, java.util.concurrent.TimeUnit.MILLISECONDS));
    Path dir = tmp.resolve("late-event");
    Diagnostics.write(client, NS, dir);
    late.join();
    assertThat(Files.readString(dir.resolve("events.txt")))
        .contains("Failed to pull image \"registry.example.com/web:1\"");
    assertThat(Files.readString(dir.resolve("summary.md"))).contains("Failed to pull image");
  }

  @Test
  void writesObjectsEventsStatusesLogsAndSummaryWithoutLeakingSecrets() throws IOException {
    sim =
        ControllerSimulator.start(
            kube,
            SimulatorOptions.builder()
                .readyDelay(java.time.Duration.ZERO)
                .failing("does-not-exist", PodFailure.IMAGE_PULL_BACK_OFF)
                .failing("crashy", PodFailure.CRASH_LOOP_BACK_OFF)
                .crashLog("starting\nconnecting with password " + CANARY + "\nfatal: denied\n")
                .build());
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("app-secret")
                .withNamespace(NS)
                .addToAnnotations(
                    "kubectl.kubernetes.io/last-applied-configuration",
                    "{\"stringData\":{\"token\":\"" + CANARY + "\"}}")
                .endMetadata()
                .addToData("password", CANARY_B64)
                .addToStringData("token", CANARY)
                .build())
        .create();
    client.resource(deployment("web", "registry.example.com/does-not-exist:1")).create();
    client.resource(deployment("worker", "crashy:1")).create();
    client.resource(deployment("api", "api:1")).create();
    Pod web =
        eventually("web in ImagePullBackOff")
            .until(
                () -> client.pods().inNamespace(NS).withLabel("app", "web").list().getItems(),
                pods -> pods.size() == 1 && reason(pods.get(0)).equals("ImagePullBackOff"))
            .get(0);
    Pod worker =
        eventually("worker in CrashLoopBackOff")
            .until(
                () -> client.pods().inNamespace(NS).withLabel("app", "worker").list().getItems(),
                pods -> pods.size() == 1 && reason(pods.get(0)).equals("CrashLoopBackOff"))
            .get(0);
    eventually("api available")
        .until(
            () -> client.apps().deployments().inNamespace(NS).withName("api").get(),
            d ->
                d.getStatus() != null
                    && Integer.valueOf(1).equals(d.getStatus().getAvailableReplicas()));
    Path dir = tmp.resolve("target/previewenv/pr-7");

    Path summary = Diagnostics.write(client, NS, dir, 2);

    assertThat(summary).isEqualTo(dir.resolve("summary.md")).exists();
    String webName = web.getMetadata().getName();
    String workerName = worker.getMetadata().getName();

    // Objects, one file each, with secrets redacted.
    assertThat(dir.resolve("objects/Namespace-pr-7.yaml")).exists();
    assertThat(dir.resolve("objects/Deployment-web.yaml")).exists();
    assertThat(dir.resolve("objects/Pod-" + webName + ".yaml")).exists();
    String secretYaml = Files.readString(dir.resolve("objects/Secret-app-secret.yaml"));
    assertThat(secretYaml).contains("password: \"<redacted>\"", "token: \"<redacted>\"");
    assertThat(secretYaml).doesNotContain("last-applied-configuration");
    String deploymentYaml = Files.readString(dir.resolve("objects/Deployment-web.yaml"));
    assertThat(deploymentYaml).contains("DB_PASSWORD", "debug").contains("<redacted>");

    // Events in time order, including the kubelet's Warning about the image.
    List<String> eventLines =
        Files.readAllLines(dir.resolve("events.txt")).stream().skip(1).toList();
    assertThat(eventLines).isNotEmpty();
    List<String> times = eventLines.stream().map(l -> l.substring(0, 20).strip()).toList();
    assertThat(times).isSorted();
    int scheduled = indexOf(eventLines, "Scheduled", webName);
    int failed = indexOf(eventLines, "Failed", webName);
    assertThat(scheduled).isNotNegative();
    assertThat(failed).isGreaterThan(scheduled);
    assertThat(eventLines.get(failed)).contains("Warning", "Pod/" + webName, "does-not-exist");

    // Pod and container statuses.
    String podsText = Files.readString(dir.resolve("pods.txt"));
    assertThat(podsText)
        .contains("Pod " + webName + "  owner Deployment/web  phase Pending")
        .contains(
            "state: waiting ImagePullBackOff: Back-off pulling image"
                + " \"registry.example.com/does-not-exist:1\"")
        .contains("Pod " + workerName)
        .contains("restarts 3")
        .contains("last state: terminated Error, exit code 1");

    // Logs: previous log of the crashing container, tail of 2 lines, canary scrubbed.
    Path previous = dir.resolve("logs/" + workerName + "/worker.previous.log");
    assertThat(previous).exists();
    assertThat(Files.readString(previous))
        .isEqualTo("connecting with password <redacted>\nfatal: denied\n");
    assertThat(dir.resolve("logs/" + webName)).doesNotExist(); // never started: no log to read

    // Summary: namespace, workloads, failing pods with reason and message, warnings, files.
    String summaryText = Files.readString(summary);
    assertThat(summaryText)
        .contains("# Diagnostics of namespace pr-7")
        .contains("Namespace phase: **Active**")
        .contains("| Deployment/web | **no** | 0/1 available")
        .contains("| Deployment/api | yes | 1/1 available")
        .contains(
            "Deployment/web pod `"
                + webName
                + "`: container `web` ImagePullBackOff: Back-off"
                + " pulling image")
        .contains("Deployment/worker pod `" + workerName + "`: container `worker` CrashLoopBackOff")
        .contains("## Last warning events")
        .contains("events.txt", "pods.txt", "logs/")
        .doesNotContain("Collection errors");

    // The canary appears nowhere, in clear or in base64.
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(Files::isRegularFile).forEach(files::add);
    }
    assertThat(files).hasSizeGreaterThan(10);
    for (Path file : files) {
      String text = Files.readString(file);
      assertThat(text).as(file.toString()).doesNotContain(CANARY).doesNotContain(CANARY_B64);
    }
  }

  @Test
  void theNamespaceNameOfAServiceAccountTokenIsNotScrubbedButItsTokenIs() throws IOException {
    String token = "eyJhbGciOi-token-7c3d";
    client
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(NS)
                .endMetadata()
                .build())
        .create();
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("default-token-x1")
                .withNamespace(NS)
                .endMetadata()
                .withType("kubernetes.io/service-account-token")
                .addToData("namespace", b64(NS))
                .addToData("token", b64(token))
                .build())
        .create();

    Path summary = Diagnostics.write(client, NS, tmp.resolve("d"));

    String text = Files.readString(summary);
    assertThat(text).contains(NS).doesNotContain("<redacted>");
    try (var files = Files.walk(tmp.resolve("d"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(f)).as("%s", f).doesNotContain(token);
      }
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void recordsErrorsInTheSummaryInsteadOfThrowing() throws IOException {
    Path dir = tmp.resolve("diag");
    kube.close(); // the API server is gone: every call fails

    Path summary = Diagnostics.write(client, "missing", dir);

    assertThat(Files.readString(summary))
        .contains("# Diagnostics of namespace missing")
        .contains("## Collection errors")
        .contains("list Deployments");
    kube = new KubeTestServer(); // for @AfterEach
  }

  private static int indexOf(List<String> lines, String reason, String pod) {
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.contains(" " + reason + " ") && l.contains("Pod/" + pod)) {
        return i;
      }
    }
    return -1;
  }

  private static String reason(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return "";
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> s.getState() != null && s.getState().getWaiting() != null)
        .map(s -> s.getState().getWaiting().getReason())
        .findFirst()
        .orElse("");
  }
}
