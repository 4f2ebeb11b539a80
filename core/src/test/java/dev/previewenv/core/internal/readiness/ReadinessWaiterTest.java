package dev.previewenv.core.internal.readiness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.previewenv.core.NotReadyException;
import dev.previewenv.core.ReadinessCheck;
import dev.previewenv.core.testing.ControllerSimulator;
import dev.previewenv.core.testing.InProcessCluster;
import dev.previewenv.core.testing.JobOutcome;
import dev.previewenv.core.testing.KubeTestServer;
import dev.previewenv.core.testing.PodFailure;
import dev.previewenv.core.testing.SimulatorOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@InProcessCluster(simulator = false)
class ReadinessWaiterTest {
  private static final String NS = "pr-42";
  private static final String ENV = "pr-42";
  private static final Duration LONG = Duration.ofSeconds(30);

  private KubeTestServer kube;
  private ControllerSimulator sim;
  private KubernetesClient client;
  private HttpServer http;

  @BeforeEach
  void start(KubeTestServer kube) {
    this.kube = kube;
    client = kube.client();
  }

  @AfterEach
  void stop() {
    if (http != null) {
      http.stop(0);
    }
    if (sim != null) {
      sim.close(); // before the server, which @InProcessCluster closes after the test
    }
  }

  private void simulate(SimulatorOptions options) {
    sim = ControllerSimulator.start(kube, options);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
  }

  private List<HasMetadata> apply(HasMetadata... objects) {
    List<HasMetadata> out = new ArrayList<>();
    for (HasMetadata o : objects) {
      out.add(client.resource(o).create());
    }
    return out;
  }

  private static PodTemplateSpec template(String app, String image) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .addToLabels("app", app)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(app)
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  private static Deployment deployment(String name, int replicas, String image) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withTemplate(template(name, image))
        .endSpec()
        .build();
  }

  private static Job job(String name, String image) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withNewTemplate()
        .withNewSpec()
        .withRestartPolicy("Never")
        .addNewContainer()
        .withName(name)
        .withImage(image)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private void await(List<HasMetadata> objects, List<ReadinessCheck> checks, Duration timeout) {
    new ReadinessWaiter(client).await(ENV, NS, objects, checks, timeout);
  }

  @Test
  void returnsOnceEveryWorkloadKindIsReady() {
    simulate(SimulatorOptions.builder().readyDelay(Duration.ofMillis(150)).build());
    List<HasMetadata> objects =
        apply(
            deployment("api", 2, "api:1"),
            new StatefulSetBuilder()
                .withNewMetadata()
                .withName("db")
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withReplicas(2)
                .withServiceName("db")
                .withNewSelector()
                .addToMatchLabels("app", "db")
                .endSelector()
                .withTemplate(template("db", "postgres:16"))
                .endSpec()
                .build(),
            new DaemonSetBuilder()
                .withNewMetadata()
                .withName("agent")
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withNewSelector()
                .addToMatchLabels("app", "agent")
                .endSelector()
                .withTemplate(template("agent", "agent:1"))
                .endSpec()
                .build(),
            new PodBuilder()
                .withNewMetadata()
                .withName("solo")
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("solo")
                .withImage("busybox")
                .endContainer()
                .endSpec()
                .build(),
            job("migrate", "migrate:1"));

    await(objects, List.of(), LONG);

    // Everything the waiter returned for is really ready now (it did not return early).
    Deployment api = client.apps().deployments().inNamespace(NS).withName("api").get();
    assertThat(api.getStatus().getAvailableReplicas()).isEqualTo(2);
    assertThat(api.getStatus().getObservedGeneration())
        .isEqualTo(api.getMetadata().getGeneration());
    assertThat(
            client
                .apps()
                .statefulSets()
                .inNamespace(NS)
                .withName("db")
                .get()
                .getStatus()
                .getReadyReplicas())
        .isEqualTo(2);
    assertThat(
            client
                .apps()
                .daemonSets()
                .inNamespace(NS)
                .withName("agent")
                .get()
                .getStatus()
                .getNumberReady())
        .isEqualTo(1);
    Pod solo = client.pods().inNamespace(NS).withName("solo").get();
    assertThat(solo.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
            });
    assertThat(
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withName("migrate")
                .get()
                .getStatus()
                .getSucceeded())
        .isEqualTo(1);
  }

  @Test
  void waitsForANewGenerationToBeObservedAndRolledOut() {
    simulate(SimulatorOptions.builder().readyDelay(Duration.ofMillis(100)).build());
    List<HasMetadata> objects = apply(deployment("api", 1, "api:1"));
    await(objects, List.of(), LONG);

    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("api")
        .edit(
            d -> {
              d.getSpec().setReplicas(2);
              d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("api:2");
              return d;
            });
    await(objects, List.of(), LONG);

    Deployment api = client.apps().deployments().inNamespace(NS).withName("api").get();
    assertThat(api.getStatus().getObservedGeneration()).isEqualTo(2L);
    assertThat(api.getStatus().getUpdatedReplicas()).isEqualTo(2);
    assertThat(api.getStatus().getAvailableReplicas()).isEqualTo(2);
  }

  @ParameterizedTest
  @CsvSource({
    "IMAGE_PULL_BACK_OFF, ImagePullBackOff, Back-off pulling image \"registry.example.com/broken:1\"",
    "ERR_IMAGE_PULL, ErrImagePull, failed to pull and unpack image",
    "INVALID_IMAGE_NAME, InvalidImageName, invalid reference format",
    "ERR_IMAGE_NEVER_PULL, ErrImageNeverPull, is not present with pull policy of Never",
    "CREATE_CONTAINER_CONFIG_ERROR, CreateContainerConfigError, configmap \"missing-config\" not found",
    "CRASH_LOOP_BACK_OFF, CrashLoopBackOff, back-off 40s restarting failed container=web",
  })
  void failsFastNamingWorkloadPodContainerReasonAndMessage(
      PodFailure failure, String reason, String message) {
    simulate(SimulatorOptions.builder().failing("broken", failure).build());
    List<HasMetadata> objects =
        apply(deployment("api", 1, "api:1"), deployment("web", 1, "registry.example.com/broken:1"));

    assertThatThrownBy(() -> await(objects, List.of(), LONG))
        .satisfies(e -> System.out.println("MSG>> " + e.getMessage()))
        .isInstanceOf(NotReadyException.class)
        .hasMessageContaining("will not become ready") // not the timeout
        .hasMessageContaining("Environment " + ENV)
        .hasMessageContaining("Deployment/web pod web-")
        .hasMessageContaining("container web is " + reason)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((NotReadyException) e).object()).contains("Deployment/web"));
  }

  @Test
  void waitsThroughATransientConfigCacheErrorTheKubeletRetries() {
    // the kubelet reports CreateContainerConfigError "failed to sync configmap cache" and starts
    // the container on its next sync: not a state that lasts, so the wait goes on
    simulate(
        SimulatorOptions.builder()
            .failing("busy-node", PodFailure.TRANSIENT_CONFIG_ERROR)
            .retryInterval(Duration.ofMillis(400))
            .build());
    List<HasMetadata> objects =
        apply(deployment("api", 1, "api:1"), deployment("web", 2, "busy-node/web:1"));

    await(objects, List.of(), LONG);

    assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .as("the simulated kubelet reported the transient error before the pods started")
        .anyMatch(
            e ->
                "Failed".equals(e.getReason())
                    && e.getMessage()
                        .equals(
                            "Error: failed to sync configmap cache: timed out waiting for the"
                                + " condition"));
  }

  @Test
  void aTransientLookingStateThatLastsLongerThanTheTransientGraceEndsTheWait() {
    simulate(
        SimulatorOptions.builder()
            .failing("stuck", PodFailure.CREATE_CONTAINER_CONFIG_ERROR)
            .configErrorMessage("failed to sync secret cache: timed out waiting for the condition")
            .build());
    List<HasMetadata> objects = apply(deployment("web", 1, "stuck/web:1"));

    assertThatThrownBy(
            () ->
                new ReadinessWaiter(client, Duration.ofSeconds(10), Duration.ofMillis(500))
                    .await(ENV, NS, objects, List.of(), LONG))
        .isInstanceOf(NotReadyException.class)
        .hasMessageContaining("will not become ready") // not the timeout
        .hasMessageContaining("container web is CreateContainerConfigError (for ")
        .hasMessageContaining("longer than the transient grace)")
        .hasMessageContaining("failed to sync secret cache")
        .hasMessageContaining("The kubelet retries this by itself but kept failing");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "CreateContainerConfigError | failed to sync configmap cache: timed out waiting for the"
            + " condition | true",
        "CreateContainerConfigError | failed to sync secret cache: timed out waiting for the"
            + " condition | true",
        "CreateContainerConfigError | configmap \"app-config\" not found | false",
        "CreateContainerConfigError | secret \"db\" not found | false",
        "CreateContainerConfigError | couldn't find key url in ConfigMap pr-42/app-config | false",
        "CreateContainerConfigError | container has runAsNonRoot and image will run as root | false",
        "ImagePullBackOff | failed to sync configmap cache: timed out | false",
      })
  void theTransientRuleReadsTheKubeletsMessage(String reason, String message, boolean transient_) {
    assertThat(ReadinessWaiter.isTransient(reason, message)).isEqualTo(transient_);
  }

  @Test
  void failsFastOnRepeatedFailedScheduling() {
    simulate(
        SimulatorOptions.builder()
            .failing("huge", PodFailure.UNSCHEDULABLE)
            .retryInterval(Duration.ofMillis(30))
            .maxEventCount(5)
            .build());
    List<HasMetadata> objects = apply(deployment("big", 1, "huge:1"));

    assertThatThrownBy(() -> await(objects, List.of(), LONG))
        .isInstanceOf(NotReadyException.class)
        .hasMessageContaining("will not become ready")
        .hasMessageContaining("Deployment/big pod big-")
        .hasMessageContaining("Warning FailedScheduling")
        .hasMessageContaining("0/1 nodes are available: 1 Insufficient cpu");
  }

  @Test
  void failsFastOnFailedMountThatLastsLongerThanTheGrace() {
    // One event that is never repeated: only its duration can end the wait.
    simulate(
        SimulatorOptions.builder()
            .failing("mounts", PodFailure.FAILED_MOUNT)
            .retryInterval(Duration.ZERO)
            .build());
    List<HasMetadata> objects = apply(deployment("vol", 1, "mounts:1"));

    assertThatThrownBy(
            () ->
                new ReadinessWaiter(client, Duration.ofMillis(300))
                    .await(ENV, NS, objects, List.of(), LONG))
        .isInstanceOf(NotReadyException.class)
        .hasMessageContaining("will not become ready")
        .hasMessageContaining("Deployment/vol pod vol-")
        .hasMessageContaining("Warning FailedMount (seen 1 times")
        .hasMessageContaining("MountVolume.SetUp failed");
  }

  @Test
  void waitsThroughAFailedMountOnACacheTheKubeletIsStillSyncing() {
    // seen on the real cluster right after an API server restart (ClusterFaultsIT): the kubelet
    // could not mount the service account token until its secret watch had reconnected; the
    // event repeated 3 times within 3 s, and the next retry mounted it
    simulate(
        SimulatorOptions.builder()
            .failing("reconnecting", PodFailure.TRANSIENT_MOUNT_ERROR)
            .retryInterval(Duration.ofMillis(150))
            .maxEventCount(6)
            .build());
    List<HasMetadata> objects = apply(deployment("web", 1, "reconnecting/web:1"));

    await(objects, List.of(), LONG);

    assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .as("the event repeated past the count that ends the wait for a lasting FailedMount")
        .anyMatch(
            e ->
                "FailedMount".equals(e.getReason())
                    && e.getCount() != null
                    && e.getCount() >= 3
                    && e.getMessage().contains(": failed to sync secret cache"));
  }

  @Test
  void aFailedMountOnACacheThatNeverSyncsEndsTheWaitAfterTheTransientGrace() {
    simulate(
        SimulatorOptions.builder()
            .failing("reconnecting", PodFailure.TRANSIENT_MOUNT_ERROR)
            .retryInterval(Duration.ofMillis(100))
            .maxEventCount(1000)
            .build());
    List<HasMetadata> objects = apply(deployment("web", 1, "reconnecting/web:1"));

    assertThatThrownBy(
            () ->
                new ReadinessWaiter(client, Duration.ofSeconds(10), Duration.ofMillis(700))
                    .await(ENV, NS, objects, List.of(), LONG))
        .isInstanceOf(NotReadyException.class)
        .hasMessageContaining("will not become ready") // not the timeout
        .hasMessageContaining("Warning FailedMount (seen ")
        .hasMessageContaining("longer than the transient grace)")
        .hasMessageContaining("failed to sync secret cache")
        .hasMessageContaining("The kubelet retries this by itself but kept failing");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "FailedMount | MountVolume.SetUp failed for volume \"default-token-pjd8r\" : failed to"
            + " sync secret cache: timed out waiting for the condition | true",
        "FailedMount | MountVolume.SetUp failed for volume \"config\" : failed to sync configmap"
            + " cache: timed out waiting for the condition | true",
        "FailedMount | MountVolume.SetUp failed for volume \"db\" : secret \"db\" not found | false",
        "FailedMount | MountVolume.SetUp failed for volume \"config\" : configmap \"config\" not"
            + " found | false",
        "FailedMount | Unable to attach or mount volumes: unmounted volumes=[data], timed out"
            + " waiting for the condition | false",
        "FailedScheduling | failed to sync secret cache: x | false",
      })
  void theTransientEventRuleReadsTheKubeletsMessage(
      String reason, String message, boolean transient_) {
    assertThat(ReadinessWaiter.isTransientEvent(reason, message)).isEqualTo(transient_);
  }

  @Test
  void failsWhenAJobFails() {
    simulate(SimulatorOptions.builder().job(JobOutcome.of("migrate", 2, "oops\n", "")).build());
    List<HasMetadata> objects = apply(job("migrate", "migrate:1"));

    assertThatThrownBy(() -> await(objects, List.of(), LONG))
        .isInstanceOf(NotReadyException.class)
        .hasMessageContaining("Job/migrate failed: BackoffLimitExceeded");
  }

  @Test
  void timeoutNamesEveryObjectNotReadyAndItsLastState() {
    simulate(
        SimulatorOptions.builder()
            .failing("slow", PodFailure.STUCK_CREATING)
            .failing("unready", PodFailure.READINESS_PROBE_FAILING)
            .build());
    List<HasMetadata> objects =
        apply(
            deployment("fine", 1, "fine:1"),
            deployment("api", 2, "slow:1"),
            deployment("web", 1, "unready:1"));

    assertThatThrownBy(() -> await(objects, List.of(), Duration.ofMillis(1500)))
        .satisfies(e -> System.out.println("MSG>> " + e.getMessage()))
        .isInstanceOf(NotReadyException.class)
        .hasMessageContaining(
            "Environment " + ENV + " (namespace " + NS + ") not ready within 1500 ms")
        .hasMessageContaining("awaited Deployment/fine, Deployment/api, Deployment/web")
        .hasMessageContaining(
            "Deployment/api: 0/2 available, 2/2 updated, 2 total, observedGeneration 1 of 1; pod api-")
        .hasMessageContaining("container api waiting: ContainerCreating")
        .hasMessageContaining("Deployment/web: 0/1 available")
        .hasMessageContaining("container web running, not ready")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Deployment/fine:"))
        .satisfies(e -> assertThat(((NotReadyException) e).object()).contains("Deployment/api"));
  }

  @Test
  void timeoutReportsWorkloadsNeverObserved() {
    // No simulator: nothing acts on the Deployment, as with a stopped controller manager.
    client.resource(deployment("api", 1, "api:1")).create();
    List<HasMetadata> objects = List.of(deployment("api", 1, "api:1"), deployment("gone", 1, "x"));

    assertThatThrownBy(() -> await(objects, List.of(), Duration.ofMillis(300)))
        .isInstanceOf(NotReadyException.class)
        .hasMessageContaining("Deployment/api: no status yet")
        .hasMessageContaining("Deployment/gone: not found");
  }

  private URI serve(int... statuses) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/health",
        exchange -> {
          int n = calls.getAndIncrement();
          int status = statuses[Math.min(n, statuses.length - 1)];
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    http.start();
    hits = calls;
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/health");
  }

  private AtomicInteger hits;

  @Test
  void customHttpCheckIsRetriedUntilItAnswers200() throws Exception {
    simulate(SimulatorOptions.defaults());
    URI uri = serve(503, 503, 200);
    List<HasMetadata> objects = apply(deployment("api", 1, "api:1"));

    await(objects, List.of(ReadinessCheck.http(uri, 200)), LONG);

    assertThat(hits.get()).isEqualTo(3);
  }

  @Test
  void timeoutReportsTheLastResultOfACustomCheck() throws Exception {
    simulate(SimulatorOptions.defaults());
    URI uri = serve(503);
    List<HasMetadata> objects = apply(deployment("api", 1, "api:1"));

    assertThatThrownBy(
            () -> await(objects, List.of(ReadinessCheck.http(uri, 200)), Duration.ofMillis(1500)))
        .isInstanceOf(NotReadyException.class)
        .hasMessageContaining("awaited Deployment/api, HTTP 200 from " + uri)
        .hasMessageContaining("HTTP 200 from " + uri + ": last seen HTTP 503")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Deployment/api:"));
  }

  @Test
  void ingressAddressCheckPassesOnceTheControllerSetsAnAddress() {
    simulate(SimulatorOptions.defaults());
    Ingress ingress =
        new IngressBuilder()
            .withNewMetadata()
            .withName("api")
            .withNamespace(NS)
            .endMetadata()
            .withNewSpec()
            .addNewRule()
            .withHost("pr-42.api.example.com")
            .endRule()
            .endSpec()
            .build();
    client.resource(ingress).create();
    ReadinessCheck check = ReadinessCheck.ingressAddress("api");

    assertThatThrownBy(() -> await(List.of(), List.of(check), Duration.ofMillis(500)))
        .hasMessageContaining("Ingress/api has a load-balancer address: last seen no address");

    Ingress current = client.network().v1().ingresses().inNamespace(NS).withName("api").get();
    current.setStatus(
        new io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder()
            .withNewLoadBalancer()
            .addNewIngress()
            .withIp("203.0.113.7")
            .endIngress()
            .endLoadBalancer()
            .build());
    client.resource(current).updateStatus();

    await(List.of(), List.of(check), LONG);
  }
}
