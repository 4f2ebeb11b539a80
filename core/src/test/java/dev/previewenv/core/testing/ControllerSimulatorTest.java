package dev.previewenv.core.testing;

import static dev.previewenv.core.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ControllerSimulatorTest {
  private static final String NS = "sim";

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

  private void simulate(SimulatorOptions options) {
    sim = ControllerSimulator.start(kube, options);
    client.namespaces().resource(namespace(NS)).create();
  }

  static Namespace namespace(String name) {
    return new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
  }

  static PodTemplateSpec template(String app, String image) {
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

  static Deployment deployment(String name, int replicas, String image) {
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

  private List<Pod> pods(String app) {
    return client.pods().inNamespace(NS).withLabel("app", app).list().getItems();
  }

  private List<Event> events(String involvedName) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(involvedName))
        .toList();
  }

  @Test
  void deploymentGetsReplicaSetPodsAndAvailableStatus() {
    simulate(SimulatorOptions.defaults());
    client.resource(deployment("api", 2, "registry.example.com/api:1")).create();

    Deployment d =
        eventually("deployment api available")
            .until(
                () -> client.apps().deployments().inNamespace(NS).withName("api").get(),
                x ->
                    x.getStatus() != null
                        && Integer.valueOf(2).equals(x.getStatus().getAvailableReplicas()));

    assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
    assertThat(d.getStatus().getReplicas()).isEqualTo(2);
    assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(2);
    assertThat(d.getStatus().getReadyReplicas()).isEqualTo(2);
    assertThat(d.getStatus().getConditions())
        .extracting(
            DeploymentCondition::getType,
            DeploymentCondition::getStatus,
            DeploymentCondition::getReason)
        .contains(
            org.assertj.core.groups.Tuple.tuple("Available", "True", "MinimumReplicasAvailable"),
            org.assertj.core.groups.Tuple.tuple("Progressing", "True", "NewReplicaSetAvailable"));
    var replicaSets = client.apps().replicaSets().inNamespace(NS).list().getItems();
    assertThat(replicaSets).hasSize(1);
    var rs = replicaSets.get(0);
    assertThat(rs.getMetadata().getOwnerReferences().get(0).getUid())
        .isEqualTo(d.getMetadata().getUid());
    List<Pod> pods = pods("api");
    assertThat(pods).hasSize(2);
    for (Pod pod : pods) {
      assertThat(pod.getMetadata().getLabels())
          .containsEntry("app", "api")
          .containsKey("pod-template-hash");
      assertThat(pod.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.getKind()).isEqualTo("ReplicaSet");
                assertThat(r.getUid()).isEqualTo(rs.getMetadata().getUid());
                assertThat(r.getController()).isTrue();
              });
      assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
      assertThat(pod.getStatus().getConditions())
          .anySatisfy(
              c -> {
                assertThat(c.getType()).isEqualTo("Ready");
                assertThat(c.getStatus()).isEqualTo("True");
              });
    }
  }

  @Test
  void deploymentSpecChangeIsObservedAndRolledOut() {
    simulate(SimulatorOptions.builder().readyDelay(Duration.ZERO).build());
    client.resource(deployment("api", 1, "api:1")).create();
    eventually("api available")
        .until(
            () -> client.apps().deployments().inNamespace(NS).withName("api").get(),
            x ->
                x.getStatus() != null
                    && Integer.valueOf(1).equals(x.getStatus().getAvailableReplicas()));

    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("api")
        .edit(
            x -> {
              x.getSpec().setReplicas(3);
              x.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("api:2");
              return x;
            });

    Deployment d =
        eventually("api rolled out to generation 2")
            .until(
                () -> client.apps().deployments().inNamespace(NS).withName("api").get(),
                x ->
                    Long.valueOf(2).equals(x.getStatus().getObservedGeneration())
                        && Integer.valueOf(3).equals(x.getStatus().getAvailableReplicas())
                        && Integer.valueOf(3).equals(x.getStatus().getUpdatedReplicas())
                        && Integer.valueOf(3).equals(x.getStatus().getReplicas()));
    assertThat(d.getMetadata().getGeneration()).isEqualTo(2L);
    List<Pod> pods = eventually("old pod gone").until(() -> pods("api"), p -> p.size() == 3);
    assertThat(pods)
        .allSatisfy(
            p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("api:2"));
  }

  @Test
  void statefulSetGetsOrdinalPodsAndRevisions() {
    simulate(SimulatorOptions.defaults());
    StatefulSet s =
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
            .build();
    client.resource(s).create();

    StatefulSet ready =
        eventually("db ready")
            .until(
                () -> client.apps().statefulSets().inNamespace(NS).withName("db").get(),
                x ->
                    x.getStatus() != null
                        && Integer.valueOf(2).equals(x.getStatus().getReadyReplicas()));

    assertThat(ready.getStatus().getObservedGeneration()).isEqualTo(1L);
    assertThat(ready.getStatus().getUpdatedReplicas()).isEqualTo(2);
    assertThat(ready.getStatus().getCurrentRevision())
        .isEqualTo(ready.getStatus().getUpdateRevision())
        .startsWith("db-");
    assertThat(pods("db"))
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("db-0", "db-1");
  }

  @Test
  void daemonSetRunsOnePodOnTheSimulatedNode() {
    simulate(SimulatorOptions.defaults());
    DaemonSet ds =
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
            .build();
    client.resource(ds).create();

    DaemonSet ready =
        eventually("agent ready")
            .until(
                () -> client.apps().daemonSets().inNamespace(NS).withName("agent").get(),
                x ->
                    x.getStatus() != null
                        && Integer.valueOf(1).equals(x.getStatus().getNumberReady()));

    assertThat(ready.getStatus().getDesiredNumberScheduled()).isEqualTo(1);
    assertThat(ready.getStatus().getUpdatedNumberScheduled()).isEqualTo(1);
    assertThat(ready.getStatus().getObservedGeneration()).isEqualTo(1L);
    assertThat(pods("agent"))
        .singleElement()
        .satisfies(
            p -> assertThat(p.getSpec().getNodeName()).isEqualTo(ControllerSimulator.NODE_NAME));
  }

  @Test
  void barePodBecomesRunningAndReady() {
    simulate(SimulatorOptions.defaults());
    client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("solo")
                .withNamespace(NS)
                .addToLabels("app", "solo")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("main")
                .withImage("busybox")
                .endContainer()
                .endSpec()
                .build())
        .create();

    Pod pod =
        eventually("solo running")
            .until(
                () -> client.pods().inNamespace(NS).withName("solo").get(),
                p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()));

    assertThat(pod.getStatus().getContainerStatuses())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getReady()).isTrue();
              assertThat(s.getState().getRunning()).isNotNull();
            });
  }

  @Test
  void podWithMatchingImageSitsInImagePullBackOffWithWarningEvent() {
    simulate(
        SimulatorOptions.builder()
            .failing("does-not-exist", PodFailure.IMAGE_PULL_BACK_OFF)
            .build());
    client.resource(deployment("web", 1, "registry.example.com/does-not-exist:1")).create();

    Pod pod =
        eventually("web pod backing off")
            .until(
                () -> pods("web"),
                p ->
                    p.size() == 1
                        && waitingReason(p.get(0)).isPresent()
                        && !waitingReason(p.get(0)).get().equals("ContainerCreating"))
            .get(0);

    ContainerStatus status = pod.getStatus().getContainerStatuses().get(0);
    assertThat(status.getState().getWaiting().getReason()).isEqualTo("ImagePullBackOff");
    assertThat(status.getState().getWaiting().getMessage())
        .isEqualTo("Back-off pulling image \"registry.example.com/does-not-exist:1\"");
    assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(events(pod.getMetadata().getName()))
        .anySatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getReason()).isEqualTo("Failed");
              assertThat(e.getInvolvedObject().getKind()).isEqualTo("Pod");
              assertThat(e.getInvolvedObject().getUid()).isEqualTo(pod.getMetadata().getUid());
              assertThat(e.getMessage()).contains("does-not-exist");
              assertThat(e.getCount()).isEqualTo(1);
              assertThat(e.getFirstTimestamp()).isNotNull();
              assertThat(e.getLastTimestamp()).isNotNull();
            });
    Deployment d = client.apps().deployments().inNamespace(NS).withName("web").get();
    assertThat(d.getStatus().getAvailableReplicas()).isZero();
    assertThat(d.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Available");
              assertThat(c.getStatus()).isEqualTo("False");
            });
  }

  private static Optional<String> waitingReason(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> s.getState() != null && s.getState().getWaiting() != null)
        .map(s -> s.getState().getWaiting().getReason())
        .findFirst();
  }

  @Test
  void crashLoopReportsRestartsLastStateAndPreviousLog() {
    simulate(
        SimulatorOptions.builder()
            .failing("crashy", PodFailure.CRASH_LOOP_BACK_OFF)
            .crashLog("boom: bad config\n")
            .build());
    client.resource(deployment("crashy", 1, "crashy:1")).create();

    Pod pod =
        eventually("crashy in CrashLoopBackOff")
            .until(
                () -> pods("crashy"),
                p ->
                    p.size() == 1
                        && waitingReason(p.get(0)).filter("CrashLoopBackOff"::equals).isPresent())
            .get(0);

    ContainerStatus status = pod.getStatus().getContainerStatuses().get(0);
    assertThat(status.getRestartCount()).isEqualTo(3);
    assertThat(status.getLastState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(status.getState().getWaiting().getMessage()).contains("back-off", "crashy");
    String previous =
        client
            .pods()
            .inNamespace(NS)
            .withName(pod.getMetadata().getName())
            .inContainer("crashy")
            .terminated()
            .getLog();
    assertThat(previous).isEqualTo("boom: bad config\n");
  }

  @Test
  void createContainerConfigErrorCarriesTheConfiguredMessage() {
    simulate(
        SimulatorOptions.builder()
            .failing("needs-config", PodFailure.CREATE_CONTAINER_CONFIG_ERROR)
            .configErrorMessage("secret \"db-credentials\" not found")
            .build());
    client.resource(deployment("cfg", 1, "needs-config:1")).create();

    Pod pod =
        eventually("cfg in CreateContainerConfigError")
            .until(
                () -> pods("cfg"),
                p ->
                    p.size() == 1
                        && waitingReason(p.get(0))
                            .filter("CreateContainerConfigError"::equals)
                            .isPresent())
            .get(0);

    assertThat(pod.getStatus().getContainerStatuses().get(0).getState().getWaiting().getMessage())
        .isEqualTo("secret \"db-credentials\" not found");
    assertThat(events(pod.getMetadata().getName()))
        .anySatisfy(
            e ->
                assertThat(e.getMessage()).isEqualTo("Error: secret \"db-credentials\" not found"));
  }

  @Test
  void unschedulablePodStaysPendingWithGrowingFailedSchedulingEvent() {
    simulate(
        SimulatorOptions.builder()
            .failing("huge", PodFailure.UNSCHEDULABLE)
            .retryInterval(Duration.ofMillis(20))
            .maxEventCount(3)
            .build());
    client.resource(deployment("huge", 1, "huge:1")).create();

    Event event =
        eventually("FailedScheduling seen 3 times")
            .until(
                () ->
                    client.v1().events().inNamespace(NS).list().getItems().stream()
                        .filter(e -> "FailedScheduling".equals(e.getReason()))
                        .findFirst(),
                e -> e.isPresent() && e.get().getCount() == 3)
            .orElseThrow();

    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getMessage()).startsWith("0/1 nodes are available");
    Pod pod = pods("huge").get(0);
    assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(pod.getStatus().getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo("PodScheduled");
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("Unschedulable");
            });
  }

  static Job job(String name, String image) {
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
        .withName("tests")
        .withImage(image)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  @Test
  void jobPodSucceedsWithLogTerminationMessageAndCompleteCondition() {
    simulate(
        SimulatorOptions.builder()
            .job(JobOutcome.of("e2e-ok", 0, "line 1\nline 2\n", "{\"passed\":3}"))
            .build());
    client.resource(job("e2e", "e2e-ok:1")).create();

    Job job =
        eventually("e2e complete")
            .until(
                () -> client.batch().v1().jobs().inNamespace(NS).withName("e2e").get(),
                j -> j.getStatus() != null && j.getStatus().getCompletionTime() != null);

    assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
    assertThat(job.getStatus().getStartTime()).isNotNull();
    assertThat(job.getStatus().getConditions())
        .extracting(JobCondition::getType, JobCondition::getStatus)
        .contains(org.assertj.core.groups.Tuple.tuple("Complete", "True"));
    Pod pod = client.pods().inNamespace(NS).withLabel("job-name", "e2e").list().getItems().get(0);
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("controller-uid", job.getMetadata().getUid());
    assertThat(pod.getMetadata().getOwnerReferences().get(0).getUid())
        .isEqualTo(job.getMetadata().getUid());
    assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
    var terminated = pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
    assertThat(terminated.getExitCode()).isZero();
    assertThat(terminated.getMessage()).isEqualTo("{\"passed\":3}");
    assertThat(client.pods().inNamespace(NS).withName(pod.getMetadata().getName()).getLog())
        .isEqualTo("line 1\nline 2\n");
    assertThat(
            client
                .pods()
                .inNamespace(NS)
                .withName(pod.getMetadata().getName())
                .inContainer("tests")
                .tailingLines(1)
                .getLog())
        .isEqualTo("line 2\n");
  }

  @Test
  void jobPodFailureFailsTheJobWithBackoffLimitExceeded() {
    simulate(
        SimulatorOptions.builder()
            .job(JobOutcome.of("e2e-bad", 3, "failed\n", "1 failed"))
            .build());
    client.resource(job("e2e", "e2e-bad:1")).create();

    Job job =
        eventually("e2e failed")
            .until(
                () -> client.batch().v1().jobs().inNamespace(NS).withName("e2e").get(),
                j ->
                    j.getStatus() != null
                        && j.getStatus().getConditions().stream()
                            .anyMatch(c -> c.getType().equals("Failed")));

    assertThat(job.getStatus().getFailed()).isEqualTo(1);
    assertThat(job.getStatus().getCompletionTime()).isNull();
    assertThat(job.getStatus().getConditions())
        .filteredOn(c -> c.getType().equals("Failed"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo("BackoffLimitExceeded");
            });
    Pod pod = client.pods().inNamespace(NS).withLabel("job-name", "e2e").list().getItems().get(0);
    assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
    assertThat(
            pod.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode())
        .isEqualTo(3);
  }

  @Test
  void jobCanFailWithDeadlineExceeded() {
    simulate(
        SimulatorOptions.builder()
            .job(JobOutcome.of("slow", 1, "", "").deadlineExceeded())
            .build());
    Job j = job("slow", "slow:1");
    j.getSpec().setBackoffLimit(6);
    client.resource(j).create();

    Job job =
        eventually("slow failed")
            .until(
                () -> client.batch().v1().jobs().inNamespace(NS).withName("slow").get(),
                x ->
                    x.getStatus() != null
                        && x.getStatus().getConditions().stream()
                            .anyMatch(c -> c.getType().equals("Failed")));

    assertThat(job.getStatus().getConditions())
        .filteredOn(c -> c.getType().equals("Failed"))
        .extracting(JobCondition::getReason)
        .containsExactly("DeadlineExceeded");
  }

  @Test
  void deletedNamespaceIsTerminatingThenContentAndNamespaceAreGone() {
    simulate(SimulatorOptions.builder().namespaceTerminatingFor(Duration.ofMillis(300)).build());
    client.resource(deployment("api", 1, "api:1")).create();
    eventually("api pod").until(() -> pods("api"), p -> p.size() == 1);

    client.namespaces().withName(NS).delete();

    Namespace terminating =
        eventually("namespace Terminating")
            .until(
                () -> client.namespaces().withName(NS).get(),
                n ->
                    n != null
                        && n.getStatus() != null
                        && "Terminating".equals(n.getStatus().getPhase()));
    assertThat(terminating.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(condition(terminating, "NamespaceContentRemaining"))
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getMessage()).contains("deployments.apps has 1 resource instances");
            });
    assertThat(client.apps().deployments().inNamespace(NS).withName("api").get()).isNotNull();

    eventually("namespace gone").until(() -> client.namespaces().withName(NS).get() == null);
    assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(client.pods().inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  void aNamespaceAClientKeepsChangingWhileItTerminatesStillGoes() {
    // teardown annotates a Terminating namespace; the simulated controller's own writes then meet
    // conflicts, which it must retry as the real one does, not give up on (the namespace stuck)
    simulate(SimulatorOptions.builder().namespaceTerminatingFor(Duration.ofMillis(50)).build());
    client.resource(deployment("api", 1, "api:1")).create();
    eventually("api pod").until(() -> pods("api"), p -> p.size() == 1);

    client.namespaces().withName(NS).delete();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int patches = 0;
    while (client.namespaces().withName(NS).get() != null && System.nanoTime() < deadline) {
      try {
        client
            .namespaces()
            .withName(NS)
            .patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                    io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"example.com/touched\":\"" + patches++ + "\"}}}");
      } catch (io.fabric8.kubernetes.client.KubernetesClientException gone) {
        // gone between the read and the patch
      }
    }
    assertThat(client.namespaces().withName(NS).get()).as("namespace gone").isNull();
    assertThat(patches).as("changed while it terminated").isGreaterThan(1);
  }

  @Test
  void namespaceStaysTerminatingWhileContentHasAFinalizerAndReportsIt() {
    simulate(SimulatorOptions.builder().namespaceTerminatingFor(Duration.ZERO).build());
    ConfigMap stuck =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("stuck")
            .withNamespace(NS)
            .withFinalizers("example.com/stuck")
            .endMetadata()
            .addToData("k", "v")
            .build();
    client.resource(stuck).create();

    client.namespaces().withName(NS).delete();

    Namespace ns =
        eventually("finalizers reported")
            .until(
                () -> client.namespaces().withName(NS).get(),
                n ->
                    n != null
                        && n.getStatus() != null
                        && n.getStatus().getConditions() != null
                        && n.getStatus().getConditions().stream()
                            .anyMatch(
                                c ->
                                    c.getType().equals("NamespaceFinalizersRemaining")
                                        && c.getStatus().equals("True")));
    assertThat(ns.getStatus().getPhase()).isEqualTo("Terminating");
    assertThat(condition(ns, "NamespaceFinalizersRemaining").getMessage())
        .isEqualTo(
            "Some content in the namespace has finalizers remaining: example.com/stuck in 1"
                + " resource instances");
    assertThat(condition(ns, "NamespaceContentRemaining").getMessage())
        .isEqualTo("Some resources are remaining: configmaps. has 1 resource instances");
    ConfigMap marked = client.configMaps().inNamespace(NS).withName("stuck").get();
    assertThat(marked.getMetadata().getDeletionTimestamp()).isNotNull();

    client
        .configMaps()
        .inNamespace(NS)
        .withName("stuck")
        .edit(
            cm -> {
              cm.getMetadata().setFinalizers(List.of());
              return cm;
            });

    eventually("namespace gone").until(() -> client.namespaces().withName(NS).get() == null);
  }

  @Test
  void newNamespaceIsActiveWithKubernetesFinalizer() {
    simulate(SimulatorOptions.defaults());
    Namespace ns = client.namespaces().withName(NS).get();
    assertThat(ns.getStatus().getPhase()).isEqualTo("Active");
    assertThat(ns.getSpec().getFinalizers()).containsExactly("kubernetes");
    assertThat(ns.getMetadata().getFinalizers()).contains(ControllerSimulator.NAMESPACE_FINALIZER);
  }

  @Test
  void withoutSimulatorNamespaceDeletionIsImmediate() {
    client.namespaces().resource(namespace("plain")).create();
    client.namespaces().withName("plain").delete();
    assertThat(client.namespaces().withName("plain").get()).isNull();
    assertThat(Map.of()).isEmpty();
  }

  private static NamespaceCondition condition(Namespace ns, String type) {
    return ns.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type + " in " + ns.getStatus()));
  }
}
