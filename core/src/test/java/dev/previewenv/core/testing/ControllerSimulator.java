package dev.previewenv.core.testing;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.NamespaceConditionBuilder;
import io.fabric8.kubernetes.api.model.NamespaceStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small, honest stand-in for kube-controller-manager, the scheduler and the kubelet, running
 * against a {@link KubeTestServer} (whose CRUD store alone never acts on anything).
 *
 * <pre>{@code
 * try (KubeTestServer kube = new KubeTestServer();
 *     ControllerSimulator sim = ControllerSimulator.start(kube, SimulatorOptions.builder()
 *         .failing("broken", PodFailure.IMAGE_PULL_BACK_OFF).build())) {
 *   KubernetesClient client = kube.client();
 *   ...
 * }
 * }</pre>
 *
 * <p>What it does, driven by informers, on one thread of its own (so its steps never race each
 * other):
 *
 * <ul>
 *   <li><b>Namespaces</b>: new namespaces get {@code status.phase: Active}, {@code spec.finalizers:
 *       [kubernetes]} and, because the CRUD store honours only {@code metadata.finalizers}, the
 *       metadata finalizer {@link #NAMESPACE_FINALIZER} (added to the create request itself, so
 *       there is no race with an early delete). A deleted namespace gets {@code deletionTimestamp},
 *       phase {@code Terminating} and the conditions of the real namespace controller; after {@link
 *       SimulatorOptions#namespaceTerminatingFor()} its content is deleted (kinds listed in {@link
 *       #NAMESPACED_KINDS}), and the namespace disappears once nothing is left. Content with a
 *       finalizer of its own (e.g. {@code example.com/stuck}) stays with a deletionTimestamp, and
 *       so does the namespace, reporting {@code NamespaceFinalizersRemaining}: "Some content in the
 *       namespace has finalizers remaining: example.com/stuck in 1 resource instances". Removing
 *       that finalizer lets the deletion finish.
 *   <li><b>Deployments</b> get a ReplicaSet per pod template ({@code pod-template-hash}), older
 *       ones are scaled to 0; <b>ReplicaSets</b>, <b>StatefulSets</b> ({@code <name>-<ordinal>})
 *       and <b>DaemonSets</b> (one simulated node) get Pods with the template's labels and a
 *       controller ownerReference; their status (observedGeneration, replicas, updated, ready,
 *       available, Available/Progressing conditions, revisions) follows their pods' readiness.
 *   <li><b>Pods</b> are scheduled at once (PodScheduled, {@code ContainerCreating}); after {@link
 *       SimulatorOptions#readyDelay()} they are Running and Ready, or fail as configured by image
 *       pattern ({@link PodFailure}), with the kubelet's reasons, messages and Warning events.
 *   <li><b>Jobs</b> get a Pod (labels {@code controller-uid}, {@code job-name} and their {@code
 *       batch.kubernetes.io/} forms, controller ownerReference); it terminates with the exit code,
 *       termination message and log of the matching {@link JobOutcome} (log served through {@link
 *       KubeTestServer#putLog}), or is OOMKilled or evicted ({@link JobOutcome.Kill}); the Job gets
 *       {@code Complete} or {@code Failed} ({@code BackoffLimitExceeded} after backoffLimit+1
 *       failed pods, or {@code DeadlineExceeded}), succeeded/failed/active counts, startTime and
 *       completionTime.
 *   <li>Deleting an owner deletes the Pods and ReplicaSets it controls (the garbage collector).
 * </ul>
 *
 * <p>Not simulated: admission, except that the simulated controllers create nothing in a
 * Terminating namespace (a client's create there still succeeds), resource quotas, probes other
 * than by {@link PodFailure}, node pressure, Services/Endpoints, Ingress addresses, CronJobs,
 * rolling-update surge limits (a new template replaces all old pods at once).
 */
public final class ControllerSimulator implements AutoCloseable {
  /** The metadata finalizer that keeps a deleted namespace Terminating in the CRUD store. */
  public static final String NAMESPACE_FINALIZER = "previewenv.dev/simulated-namespace-controller";

  /** The node all simulated pods run on. */
  public static final String NODE_NAME = "sim-node-1";

  /** The namespaced kinds the simulated namespace controller deletes and waits for. */
  public static final List<Class<? extends HasMetadata>> NAMESPACED_KINDS =
      List.of(
          Deployment.class,
          StatefulSet.class,
          DaemonSet.class,
          ReplicaSet.class,
          CronJob.class,
          Job.class,
          Pod.class,
          Service.class,
          Endpoints.class,
          Ingress.class,
          ConfigMap.class,
          Secret.class,
          ServiceAccount.class,
          PersistentVolumeClaim.class,
          ResourceQuota.class,
          LimitRange.class,
          NetworkPolicy.class,
          Role.class,
          RoleBinding.class,
          Event.class);

  private static final Logger log = LoggerFactory.getLogger(ControllerSimulator.class);
  private static final Pattern NAMESPACE_PATH = Pattern.compile("/api/v1/namespaces(/[^/?]+)?");
  private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

  private final KubeTestServer kube;
  private final KubernetesClient client;
  private final SimulatorOptions options;
  private final KubernetesSerialization serialization;
  private final ScheduledExecutorService executor;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  // Touched only on the executor thread.
  private final Set<String> kubeletStarted = new HashSet<>();
  // pods whose transient failure the simulated kubelet has retried past (they start normally)
  private final Set<String> retriedPast = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Set<String> terminating = new HashSet<>();
  private final Map<String, Integer> retries = new HashMap<>();

  private ControllerSimulator(KubeTestServer kube, SimulatorOptions options) {
    this.kube = kube;
    this.client = kube.client();
    this.options = Objects.requireNonNull(options, "options");
    this.serialization = client.getKubernetesSerialization();
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "controller-simulator");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts a simulator with default options. */
  public static ControllerSimulator start(KubeTestServer kube) {
    return start(kube, SimulatorOptions.defaults());
  }

  /**
   * Starts a simulator for {@code kube}; returns once its informers have listed what exists. Close
   * it (before the server) to stop it.
   */
  public static ControllerSimulator start(KubeTestServer kube, SimulatorOptions options) {
    ControllerSimulator sim = new ControllerSimulator(kube, options);
    sim.startInformers();
    return sim;
  }

  /** The options this simulator runs with. */
  public SimulatorOptions options() {
    return options;
  }

  private void startInformers() {
    kube.rewriteRequests(this::rewriteNamespaceRequest);
    KubernetesClient c = client;
    informers.add(
        c.namespaces().inform(handler(ns -> submit(() -> reconcileNamespace(name(ns)))), 0));
    informers.add(
        c.apps()
            .deployments()
            .inAnyNamespace()
            .inform(handler(d -> submit(() -> reconcileDeployment(ns(d), name(d)))), 0));
    informers.add(
        c.apps()
            .replicaSets()
            .inAnyNamespace()
            .inform(
                handler(
                    rs ->
                        submit(
                            () -> {
                              reconcileReplicaSet(ns(rs), name(rs));
                              controllerOf(rs, "Deployment")
                                  .ifPresent(d -> reconcileDeployment(ns(rs), d));
                            })),
                0));
    informers.add(
        c.apps()
            .statefulSets()
            .inAnyNamespace()
            .inform(handler(s -> submit(() -> reconcileStatefulSet(ns(s), name(s)))), 0));
    informers.add(
        c.apps()
            .daemonSets()
            .inAnyNamespace()
            .inform(handler(s -> submit(() -> reconcileDaemonSet(ns(s), name(s)))), 0));
    informers.add(
        c.batch()
            .v1()
            .jobs()
            .inAnyNamespace()
            .inform(handler(j -> submit(() -> reconcileJob(ns(j), name(j)))), 0));
    informers.add(c.pods().inAnyNamespace().inform(handler(p -> submit(() -> reconcilePod(p))), 0));
  }

  private <T extends HasMetadata> ResourceEventHandler<T> handler(
      java.util.function.Consumer<T> on) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        on.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        on.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        submit(() -> collectGarbage(obj));
        on.accept(obj);
      }
    };
  }

  private void submit(Runnable step) {
    if (executor.isShutdown()) {
      return;
    }
    executor.execute(() -> guarded(step));
  }

  private void later(Duration delay, Runnable step) {
    if (executor.isShutdown()) {
      return;
    }
    if (delay.isZero()) {
      executor.execute(() -> guarded(step));
    } else {
      executor.schedule(() -> guarded(step), delay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void guarded(Runnable step) {
    guarded(step, 0);
  }

  private void guarded(Runnable step, int attempt) {
    try {
      step.run();
    } catch (KubernetesClientException e) {
      if ((e.getCode() == 409 || e.getCode() == 404) && attempt < 20 && !executor.isShutdown()) {
        // Another writer changed the object (or its parent went away): redo the step on fresh
        // state, as a controller would on its requeue.
        executor.schedule(() -> guarded(step, attempt + 1), 10, TimeUnit.MILLISECONDS);
        return;
      }
      // The server is going away: nothing left to simulate.
      log.debug("simulator step failed: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("simulator step failed", e);
    }
  }

  @Override
  public void close() {
    kube.rewriteRequests(null);
    informers.forEach(SharedIndexInformer::close);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- namespaces

  private RecordedRequest rewriteNamespaceRequest(RecordedRequest request) {
    HttpMethod method = request.method();
    if (method != HttpMethod.POST && method != HttpMethod.PUT) {
      return request;
    }
    String path = request.getPath();
    int q = path.indexOf('?');
    String bare = q < 0 ? path : path.substring(0, q);
    if (!NAMESPACE_PATH.matcher(bare).matches()
        || (method == HttpMethod.POST) == bare.startsWith("/api/v1/namespaces/")) {
      return request;
    }
    // Reading the body consumes it: every path below hands on a fresh request.
    String original = request.getUtf8Body();
    Namespace ns;
    try {
      ns = serialization.unmarshal(original, Namespace.class);
    } catch (RuntimeException e) {
      ns = null;
    }
    if (ns == null || ns.getMetadata() == null || ns.getMetadata().getDeletionTimestamp() != null) {
      return withBody(request, original);
    }
    List<String> finalizers = new ArrayList<>(nonNull(ns.getMetadata().getFinalizers()));
    if (!finalizers.contains(NAMESPACE_FINALIZER)) {
      finalizers.add(NAMESPACE_FINALIZER);
    }
    ns.getMetadata().setFinalizers(finalizers);
    if (ns.getSpec() == null) {
      ns.setSpec(new io.fabric8.kubernetes.api.model.NamespaceSpec(List.of("kubernetes")));
    }
    if (ns.getStatus() == null || ns.getStatus().getPhase() == null) {
      ns.setStatus(new NamespaceStatusBuilder().withPhase("Active").build());
    }
    return withBody(request, serialization.asJson(ns));
  }

  private static RecordedRequest withBody(RecordedRequest request, String body) {
    return new RecordedRequest(
        request.getHttpVersion(),
        request.method(),
        request.getPath(),
        request.getHeaders(),
        new Buffer(body.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Admission as far as the controllers meet it: nothing is created in a Terminating namespace (the
   * real API server answers 403 "unable to create new content in namespace ... because it is being
   * terminated").
   */
  private boolean admitted(HasMetadata object) {
    return !terminating.contains(object.getMetadata().getNamespace());
  }

  private void reconcileNamespace(String name) {
    Namespace ns = client.namespaces().withName(name).get();
    if (ns == null) {
      terminating.remove(name);
      return;
    }
    if (ns.getMetadata().getDeletionTimestamp() == null || !terminating.add(name)) {
      return;
    }
    log.debug("namespace {} Terminating", name);
    updateNamespaceConditions(name);
    later(options.namespaceTerminatingFor(), () -> deleteContent(name));
  }

  private void deleteContent(String namespace) {
    for (Class<? extends HasMetadata> kind : NAMESPACED_KINDS) {
      client.resources(kind).inNamespace(namespace).delete();
    }
    finishNamespace(namespace);
  }

  private void finishNamespace(String namespace) {
    if (!updateNamespaceConditions(namespace)) {
      updateNamespace(
          namespace,
          ns -> {
            List<String> finalizers = new ArrayList<>(nonNull(ns.getMetadata().getFinalizers()));
            finalizers.remove(NAMESPACE_FINALIZER);
            ns.getMetadata().setFinalizers(finalizers);
            return true;
          });
      return;
    }
    // Content with finalizers of its own: look again until they are gone.
    Duration poll = Duration.ofMillis(20);
    later(poll, () -> finishNamespace(namespace));
  }

  /**
   * Reads the namespace, lets {@code change} change it (it returns whether it did) and writes it
   * with the resourceVersion read; a conflict (a client changed the namespace meanwhile, e.g.
   * teardown's annotation) is met as a controller meets it: read again and retry.
   */
  private void updateNamespace(String name, java.util.function.Predicate<Namespace> change) {
    for (int attempt = 0; ; attempt++) {
      Namespace ns = client.namespaces().withName(name).get();
      if (ns == null || !change.test(ns)) {
        return;
      }
      try {
        client.namespaces().resource(ns).update();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  /** Writes Terminating conditions; returns whether content remains. */
  private boolean updateNamespaceConditions(String namespace) {
    Map<String, Integer> remaining = new TreeMap<>();
    Map<String, Integer> finalizers = new TreeMap<>();
    for (Class<? extends HasMetadata> kind : NAMESPACED_KINDS) {
      KubernetesResourceList<? extends HasMetadata> list =
          client.resources(kind).inNamespace(namespace).list();
      if (list.getItems().isEmpty()) {
        continue;
      }
      String group = HasMetadata.getGroup(kind);
      String resource = HasMetadata.getPlural(kind) + "." + (group == null ? "" : group);
      remaining.put(resource, list.getItems().size());
      for (HasMetadata item : list.getItems()) {
        if (item.getMetadata().getDeletionTimestamp() == null) {
          continue; // not deleted yet, so its finalizers are not what blocks
        }
        for (String f : nonNull(item.getMetadata().getFinalizers())) {
          finalizers.merge(f, 1, Integer::sum);
        }
      }
    }
    String now = now();
    List<NamespaceCondition> conditions = new ArrayList<>();
    conditions.add(
        condition(
            "NamespaceDeletionDiscoveryFailure",
            "False",
            "ResourcesDiscovered",
            "All resources successfully discovered",
            now));
    conditions.add(
        condition(
            "NamespaceDeletionGroupVersionParsingFailure",
            "False",
            "ParsedGroupVersions",
            "All legacy kube types successfully parsed",
            now));
    conditions.add(
        condition(
            "NamespaceDeletionContentFailure",
            "False",
            "ContentDeleted",
            "All content successfully deleted, may be waiting on finalization",
            now));
    conditions.add(
        remaining.isEmpty()
            ? condition(
                "NamespaceContentRemaining",
                "False",
                "ContentRemoved",
                "All content successfully removed",
                now)
            : condition(
                "NamespaceContentRemaining",
                "True",
                "SomeResourcesRemain",
                "Some resources are remaining: "
                    + remaining.entrySet().stream()
                        .map(e -> e.getKey() + " has " + e.getValue() + " resource instances")
                        .collect(Collectors.joining(", ")),
                now));
    conditions.add(
        finalizers.isEmpty()
            ? condition(
                "NamespaceFinalizersRemaining",
                "False",
                "ContentHasNoFinalizers",
                "All content-preserving finalizers finished",
                now)
            : condition(
                "NamespaceFinalizersRemaining",
                "True",
                "SomeFinalizersRemain",
                "Some content in the namespace has finalizers remaining: "
                    + finalizers.entrySet().stream()
                        .map(e -> e.getKey() + " in " + e.getValue() + " resource instances")
                        .collect(Collectors.joining(", ")),
                now));
    updateNamespace(
        namespace,
        ns -> {
          NamespaceStatusBuilder status = new NamespaceStatusBuilder().withPhase("Terminating");
          List<NamespaceCondition> old =
              ns.getStatus() == null ? List.of() : nonNull(ns.getStatus().getConditions());
          for (NamespaceCondition c : conditions) {
            // Keep the transition time of a condition whose status did not change.
            old.stream()
                .filter(o -> o.getType().equals(c.getType()) && o.getStatus().equals(c.getStatus()))
                .findFirst()
                .ifPresent(o -> c.setLastTransitionTime(o.getLastTransitionTime()));
          }
          status.withConditions(conditions);
          if (Objects.equals(ns.getStatus(), status.build())) {
            return false;
          }
          // The CRUD store has no status subresource for namespaces: status is written with the
          // object.
          ns.setStatus(status.build());
          return true;
        });
    return !remaining.isEmpty();
  }

  private static NamespaceCondition condition(
      String type, String status, String reason, String message, String now) {
    return new NamespaceConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(now)
        .build();
  }

  // ---------------------------------------------------------------- garbage collection

  private void collectGarbage(HasMetadata owner) {
    String uid = owner.getMetadata().getUid();
    String namespace = ns(owner);
    if (uid == null || namespace == null) {
      return;
    }
    for (ReplicaSet rs : client.apps().replicaSets().inNamespace(namespace).list().getItems()) {
      if (ownedBy(rs, uid)) {
        client.resource(rs).delete();
      }
    }
    for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
      if (ownedBy(pod, uid)) {
        client.resource(pod).delete();
      }
    }
  }

  // ---------------------------------------------------------------- workloads

  private void reconcileDeployment(String namespace, String name) {
    Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
    if (d == null || d.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    int desired = replicas(d.getSpec().getReplicas());
    String hash = templateHash(d.getSpec().getTemplate());
    String rsName = truncate(name + "-" + hash);
    List<ReplicaSet> owned =
        client.apps().replicaSets().inNamespace(namespace).list().getItems().stream()
            .filter(rs -> ownedBy(rs, uid(d)))
            .toList();
    ReplicaSet current =
        owned.stream().filter(rs -> name(rs).equals(rsName)).findFirst().orElse(null);
    if (current == null) {
      PodTemplateSpec template = serialization.clone(d.getSpec().getTemplate());
      Map<String, String> labels = new LinkedHashMap<>(labels(template.getMetadata()));
      labels.put("pod-template-hash", hash);
      template.getMetadata().setLabels(labels);
      Map<String, String> selector =
          new LinkedHashMap<>(
              d.getSpec().getSelector() == null
                  ? Map.of()
                  : nonNull(d.getSpec().getSelector().getMatchLabels()));
      selector.put("pod-template-hash", hash);
      ReplicaSet rs =
          new ReplicaSetBuilder()
              .withNewMetadata()
              .withName(rsName)
              .withNamespace(namespace)
              .withLabels(labels)
              .withOwnerReferences(controllerRef(d))
              .addToAnnotations("deployment.kubernetes.io/revision", revision(owned))
              .endMetadata()
              .withNewSpec()
              .withReplicas(desired)
              .withNewSelector()
              .withMatchLabels(selector)
              .endSelector()
              .withTemplate(template)
              .endSpec()
              .build();
      if (!admitted(rs)) {
        return;
      }
      client.resource(rs).create();
      event(
          d,
          "Normal",
          "ScalingReplicaSet",
          "Scaled up replica set " + rsName + " from 0 to " + desired,
          "deployment-controller",
          null);
      return; // the ReplicaSet's events bring us back
    }
    if (replicas(current.getSpec().getReplicas()) != desired) {
      current.getSpec().setReplicas(desired);
      client.resource(current).update();
    }
    for (ReplicaSet old : owned) {
      if (old != current && replicas(old.getSpec().getReplicas()) != 0) {
        old.getSpec().setReplicas(0);
        client.resource(old).update();
      }
    }
    int replicas = 0;
    int ready = 0;
    int available = 0;
    for (ReplicaSet rs : owned) {
      ReplicaSetStatus s = rs.getStatus();
      if (s != null) {
        replicas += nz(s.getReplicas());
        ready += nz(s.getReadyReplicas());
        available += nz(s.getAvailableReplicas());
      }
    }
    ReplicaSetStatus cs = current.getStatus();
    int updated = cs == null ? 0 : nz(cs.getReplicas());
    boolean currentObserved =
        cs != null && Objects.equals(cs.getObservedGeneration(), generation(current));
    boolean complete =
        currentObserved && updated == desired && available == desired && replicas == desired;
    String now = now();
    List<DeploymentCondition> conditions = new ArrayList<>();
    conditions.add(
        new DeploymentConditionBuilder()
            .withType("Available")
            .withStatus(available >= desired ? "True" : "False")
            .withReason(
                available >= desired ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
            .withMessage(
                available >= desired
                    ? "Deployment has minimum availability."
                    : "Deployment does not have minimum availability.")
            .build());
    conditions.add(
        new DeploymentConditionBuilder()
            .withType("Progressing")
            .withStatus("True")
            .withReason(complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated")
            .withMessage(
                complete
                    ? "ReplicaSet \"" + rsName + "\" has successfully progressed."
                    : "ReplicaSet \"" + rsName + "\" is progressing.")
            .build());
    DeploymentStatus status =
        new DeploymentStatusBuilder()
            .withObservedGeneration(generation(d))
            .withReplicas(replicas)
            .withUpdatedReplicas(updated)
            .withReadyReplicas(ready)
            .withAvailableReplicas(available)
            .withUnavailableReplicas(
                Math.max(0, desired - available) == 0 ? null : desired - available)
            .withConditions(conditions)
            .build();
    DeploymentStatus old = d.getStatus();
    if (old != null && sameIgnoringTimes(old.getConditions(), conditions)) {
      status.setConditions(old.getConditions());
    } else {
      conditions.forEach(
          c -> {
            c.setLastTransitionTime(now);
            c.setLastUpdateTime(now);
          });
    }
    if (!Objects.equals(old, status)) {
      d.setStatus(status);
      client.resource(d).updateStatus();
    }
  }

  private static boolean sameIgnoringTimes(
      List<DeploymentCondition> old, List<DeploymentCondition> now) {
    if (old == null || old.size() != now.size()) {
      return false;
    }
    for (int i = 0; i < now.size(); i++) {
      DeploymentCondition a = old.get(i);
      DeploymentCondition b = now.get(i);
      if (!Objects.equals(a.getType(), b.getType())
          || !Objects.equals(a.getStatus(), b.getStatus())
          || !Objects.equals(a.getReason(), b.getReason())
          || !Objects.equals(a.getMessage(), b.getMessage())) {
        return false;
      }
    }
    return true;
  }

  private static String revision(List<ReplicaSet> owned) {
    int max = 0;
    for (ReplicaSet rs : owned) {
      String r = rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision");
      if (r != null) {
        max = Math.max(max, Integer.parseInt(r));
      }
    }
    return Integer.toString(max + 1);
  }

  private void reconcileReplicaSet(String namespace, String name) {
    ReplicaSet rs = client.apps().replicaSets().inNamespace(namespace).withName(name).get();
    if (rs == null || rs.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    List<Pod> pods = ownedPods(namespace, uid(rs));
    int desired = replicas(rs.getSpec().getReplicas());
    for (int i = pods.size(); i < desired; i++) {
      Pod pod = podFor(rs, rs.getSpec().getTemplate(), randomName(name), Map.of());
      if (!admitted(pod)) {
        return;
      }
      client.resource(pod).create();
      event(
          rs,
          "Normal",
          "SuccessfulCreate",
          "Created pod: " + name(pod),
          "replicaset-controller",
          null);
    }
    for (int i = desired; i < pods.size(); i++) {
      client.resource(pods.get(i)).delete();
      event(
          rs,
          "Normal",
          "SuccessfulDelete",
          "Deleted pod: " + name(pods.get(i)),
          "replicaset-controller",
          null);
    }
    List<Pod> now = ownedPods(namespace, uid(rs));
    int ready = (int) now.stream().filter(ControllerSimulator::isReady).count();
    ReplicaSetStatus status =
        new ReplicaSetStatusBuilder()
            .withObservedGeneration(generation(rs))
            .withReplicas(now.size())
            .withFullyLabeledReplicas(now.size())
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .build();
    if (!Objects.equals(rs.getStatus(), status)) {
      rs.setStatus(status);
      client.resource(rs).updateStatus();
    }
  }

  private void reconcileStatefulSet(String namespace, String name) {
    StatefulSet s = client.apps().statefulSets().inNamespace(namespace).withName(name).get();
    if (s == null || s.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    int desired = replicas(s.getSpec().getReplicas());
    String revision = truncate(name + "-" + templateHash(s.getSpec().getTemplate()));
    List<Pod> pods = ownedPods(namespace, uid(s));
    Set<String> existing = new HashSet<>();
    for (Pod pod : pods) {
      int ordinal = ordinal(name(pod));
      boolean stale = !revision.equals(labels(pod.getMetadata()).get("controller-revision-hash"));
      if (ordinal >= desired || stale) {
        client.resource(pod).delete();
      } else {
        existing.add(name(pod));
      }
    }
    for (int i = 0; i < desired; i++) {
      String podName = name + "-" + i;
      if (!existing.contains(podName)) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("controller-revision-hash", revision);
        extra.put("statefulset.kubernetes.io/pod-name", podName);
        extra.put("apps.kubernetes.io/pod-index", Integer.toString(i));
        Pod pod = podFor(s, s.getSpec().getTemplate(), podName, extra);
        pod.getSpec().setHostname(podName);
        pod.getSpec().setSubdomain(s.getSpec().getServiceName());
        if (!admitted(pod)) {
          return;
        }
        client.resource(pod).create();
        event(
            s,
            "Normal",
            "SuccessfulCreate",
            "create Pod " + podName + " in StatefulSet " + name + " successful",
            "statefulset-controller",
            null);
      }
    }
    List<Pod> now = ownedPods(namespace, uid(s));
    int ready = (int) now.stream().filter(ControllerSimulator::isReady).count();
    int updated =
        (int)
            now.stream()
                .filter(
                    p -> revision.equals(labels(p.getMetadata()).get("controller-revision-hash")))
                .count();
    String currentRevision =
        updated == desired && ready == desired
            ? revision
            : Optional.ofNullable(s.getStatus())
                .map(StatefulSetStatus::getCurrentRevision)
                .orElse(revision);
    StatefulSetStatus status =
        new StatefulSetStatusBuilder()
            .withObservedGeneration(generation(s))
            .withReplicas(now.size())
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .withCurrentReplicas(currentRevision.equals(revision) ? updated : now.size() - updated)
            .withUpdatedReplicas(updated)
            .withCurrentRevision(currentRevision)
            .withUpdateRevision(revision)
            .withCollisionCount(0)
            .build();
    if (!Objects.equals(s.getStatus(), status)) {
      s.setStatus(status);
      client.resource(s).updateStatus();
    }
  }

  private void reconcileDaemonSet(String namespace, String name) {
    DaemonSet ds = client.apps().daemonSets().inNamespace(namespace).withName(name).get();
    if (ds == null || ds.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    String revision = templateHash(ds.getSpec().getTemplate());
    List<Pod> pods = ownedPods(namespace, uid(ds));
    List<Pod> current = new ArrayList<>();
    for (Pod pod : pods) {
      if (revision.equals(labels(pod.getMetadata()).get("controller-revision-hash"))
          && current.isEmpty()) {
        current.add(pod);
      } else {
        client.resource(pod).delete();
      }
    }
    if (current.isEmpty()) {
      Pod pod =
          podFor(
              ds,
              ds.getSpec().getTemplate(),
              randomName(name),
              Map.of("controller-revision-hash", revision));
      if (!admitted(pod)) {
        return;
      }
      client.resource(pod).create();
      event(
          ds,
          "Normal",
          "SuccessfulCreate",
          "Created pod: " + name(pod),
          "daemonset-controller",
          null);
    }
    List<Pod> now = ownedPods(namespace, uid(ds));
    int ready = (int) now.stream().filter(ControllerSimulator::isReady).count();
    int updated =
        (int)
            now.stream()
                .filter(
                    p -> revision.equals(labels(p.getMetadata()).get("controller-revision-hash")))
                .count();
    DaemonSetStatus status =
        new DaemonSetStatusBuilder()
            .withObservedGeneration(generation(ds))
            .withDesiredNumberScheduled(1)
            .withCurrentNumberScheduled(now.size())
            .withNumberMisscheduled(0)
            .withNumberReady(ready)
            .withNumberAvailable(ready == 0 ? null : ready)
            .withNumberUnavailable(ready == 1 ? null : 1 - ready)
            .withUpdatedNumberScheduled(updated)
            .build();
    if (!Objects.equals(ds.getStatus(), status)) {
      ds.setStatus(status);
      client.resource(ds).updateStatus();
    }
  }

  private void reconcileJob(String namespace, String name) {
    Job job = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
    if (job == null || job.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    JobStatus old = job.getStatus();
    if (old != null
        && nonNull(old.getConditions()).stream()
            .anyMatch(
                c ->
                    ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                        && "True".equals(c.getStatus()))) {
      return;
    }
    List<Pod> pods = ownedPods(namespace, uid(job));
    long succeeded = pods.stream().filter(p -> "Succeeded".equals(phase(p))).count();
    long failed = pods.stream().filter(p -> "Failed".equals(phase(p))).count();
    long active = pods.size() - succeeded - failed;
    int backoffLimit =
        job.getSpec().getBackoffLimit() == null ? 6 : job.getSpec().getBackoffLimit();
    String image = firstImage(job.getSpec().getTemplate());
    String failureReason =
        options.jobOutcomeFor(image).map(JobOutcome::failureReason).orElse("BackoffLimitExceeded");
    boolean jobFailed =
        failed > 0 && ("DeadlineExceeded".equals(failureReason) || failed > backoffLimit);
    if (active == 0 && succeeded == 0 && !jobFailed) {
      Map<String, String> extra = new LinkedHashMap<>();
      extra.put("controller-uid", uid(job));
      extra.put("job-name", name);
      extra.put("batch.kubernetes.io/controller-uid", uid(job));
      extra.put("batch.kubernetes.io/job-name", name);
      Pod pod = podFor(job, job.getSpec().getTemplate(), randomName(name), extra);
      if (!admitted(pod)) {
        return;
      }
      client.resource(pod).create();
      event(job, "Normal", "SuccessfulCreate", "Created pod: " + name(pod), "job-controller", null);
      active = 1;
    }
    String now = now();
    JobStatusBuilder status =
        new JobStatusBuilder()
            .withStartTime(old == null || old.getStartTime() == null ? now : old.getStartTime())
            .withActive(active == 0 ? null : (int) active)
            .withSucceeded(succeeded == 0 ? null : (int) succeeded)
            .withFailed(failed == 0 ? null : (int) failed)
            .withReady((int) pods.stream().filter(ControllerSimulator::isReady).count());
    List<JobCondition> conditions = new ArrayList<>();
    if (succeeded > 0) {
      conditions.add(
          jobCondition(
              "SuccessCriteriaMet",
              "CompletionsReached",
              "Reached expected number of succeeded pods",
              now));
      conditions.add(
          jobCondition(
              "Complete", "CompletionsReached", "Reached expected number of succeeded pods", now));
      status.withCompletionTime(now).withActive((Integer) null);
      event(job, "Normal", "Completed", "Job completed", "job-controller", null);
    } else if (jobFailed) {
      String message =
          "DeadlineExceeded".equals(failureReason)
              ? "Job was active longer than specified deadline"
              : "Job has reached the specified backoff limit";
      conditions.add(jobCondition("FailureTarget", failureReason, message, now));
      conditions.add(jobCondition("Failed", failureReason, message, now));
      status.withActive((Integer) null);
      event(job, "Warning", failureReason, message, "job-controller", null);
    }
    status.withConditions(conditions);
    JobStatus next = status.build();
    if (!Objects.equals(old, next)) {
      job.setStatus(next);
      client.resource(job).updateStatus();
    }
  }

  private static JobCondition jobCondition(String type, String reason, String message, String now) {
    return new JobConditionBuilder()
        .withType(type)
        .withStatus("True")
        .withReason(reason)
        .withMessage(message)
        .withLastProbeTime(now)
        .withLastTransitionTime(now)
        .build();
  }

  private Pod podFor(
      HasMetadata owner, PodTemplateSpec template, String name, Map<String, String> extraLabels) {
    PodTemplateSpec t = serialization.clone(template);
    Map<String, String> labels = new LinkedHashMap<>(labels(t.getMetadata()));
    labels.putAll(extraLabels);
    Map<String, String> annotations =
        t.getMetadata() == null ? Map.of() : nonNull(t.getMetadata().getAnnotations());
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns(owner))
        .withLabels(labels)
        .withAnnotations(annotations)
        .withOwnerReferences(controllerRef(owner))
        .endMetadata()
        .withSpec(t.getSpec())
        .build();
  }

  private List<Pod> ownedPods(String namespace, String uid) {
    return client.pods().inNamespace(namespace).list().getItems().stream()
        .filter(p -> ownedBy(p, uid) && p.getMetadata().getDeletionTimestamp() == null)
        .sorted(Comparator.comparing(ControllerSimulator::name))
        .toList();
  }

  // ---------------------------------------------------------------- pods (scheduler + kubelet)

  private void reconcilePod(Pod seen) {
    String namespace = ns(seen);
    Pod pod = client.pods().inNamespace(namespace).withName(name(seen)).get();
    if (pod == null) {
      kubeletStarted.remove(uid(seen));
      reconcileOwner(seen);
      return;
    }
    reconcileOwner(pod);
    if (pod.getMetadata().getDeletionTimestamp() != null || !kubeletStarted.add(uid(pod))) {
      return;
    }
    Optional<PodFailure> failure =
        containers(pod).stream()
            .map(c -> options.failureFor(c.getImage()))
            .flatMap(Optional::stream)
            .findFirst();
    if (failure.isPresent() && failure.get() == PodFailure.UNSCHEDULABLE) {
      unschedulable(pod);
      return;
    }
    schedule(pod);
    later(options.readyDelay(), () -> runPod(namespace, name(pod), uid(pod)));
  }

  private void reconcileOwner(Pod pod) {
    for (OwnerReference ref : nonNull(pod.getMetadata().getOwnerReferences())) {
      if (!Boolean.TRUE.equals(ref.getController())) {
        continue;
      }
      String namespace = ns(pod);
      switch (ref.getKind()) {
        case "ReplicaSet" -> {
          reconcileReplicaSet(namespace, ref.getName());
          ReplicaSet rs =
              client.apps().replicaSets().inNamespace(namespace).withName(ref.getName()).get();
          if (rs != null) {
            controllerOf(rs, "Deployment").ifPresent(d -> reconcileDeployment(namespace, d));
          }
        }
        case "StatefulSet" -> reconcileStatefulSet(namespace, ref.getName());
        case "DaemonSet" -> reconcileDaemonSet(namespace, ref.getName());
        case "Job" -> reconcileJob(namespace, ref.getName());
        default -> {}
      }
    }
  }

  private void schedule(Pod pod) {
    String now = now();
    PodStatus status =
        new PodStatusBuilder()
            .withPhase("Pending")
            .withHostIP("10.0.0.1")
            .withStartTime(now)
            .withQosClass("BestEffort")
            .withConditions(
                podCondition("PodScheduled", "True", null, null, now),
                podCondition("Initialized", "True", null, null, now),
                podCondition(
                    "Ready",
                    "False",
                    "ContainersNotReady",
                    "containers with unready status: " + containerNames(pod),
                    now),
                podCondition(
                    "ContainersReady",
                    "False",
                    "ContainersNotReady",
                    "containers with unready status: " + containerNames(pod),
                    now))
            .withContainerStatuses(
                containers(pod).stream()
                    .map(
                        c ->
                            containerStatus(
                                c,
                                false,
                                0,
                                new ContainerStateBuilder()
                                    .withNewWaiting()
                                    .withReason("ContainerCreating")
                                    .endWaiting()
                                    .build(),
                                null))
                    .toList())
            .build();
    pod.setStatus(status);
    pod.getSpec().setNodeName(NODE_NAME);
    Pod updated = client.resource(pod).update();
    updated.setStatus(status);
    client.resource(updated).updateStatus();
    event(
        pod,
        "Normal",
        "Scheduled",
        "Successfully assigned " + ns(pod) + "/" + name(pod) + " to " + NODE_NAME,
        "default-scheduler",
        null);
  }

  private void unschedulable(Pod pod) {
    String message =
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No"
            + " preemption victims found for incoming pod.";
    pod.setStatus(
        new PodStatusBuilder()
            .withPhase("Pending")
            .withQosClass("Burstable")
            .withConditions(podCondition("PodScheduled", "False", "Unschedulable", message, now()))
            .build());
    client.resource(pod).updateStatus();
    repeatEvent(pod, "FailedScheduling", message, "default-scheduler", null);
  }

  private void repeatEvent(
      Pod pod, String reason, String message, String component, String fieldPath) {
    String key = uid(pod) + "/" + reason;
    int count = retries.merge(key, 1, Integer::sum);
    Pod current = client.pods().inNamespace(ns(pod)).withName(name(pod)).get();
    if (current == null || !uid(current).equals(uid(pod))) {
      retries.remove(key);
      return;
    }
    event(pod, "Warning", reason, message, component, fieldPath);
    if (count < options.maxEventCount() && !options.retryInterval().isZero()) {
      later(options.retryInterval(), () -> repeatEvent(pod, reason, message, component, fieldPath));
    }
  }

  private void runPod(String namespace, String name, String uid) {
    Pod pod = client.pods().inNamespace(namespace).withName(name).get();
    if (pod == null || !uid.equals(uid(pod)) || pod.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    String now = now();
    List<Container> containers = containers(pod);
    boolean jobPod = controllerKind(pod).filter("Job"::equals).isPresent();
    Optional<Container> failing =
        containers.stream().filter(c -> options.failureFor(c.getImage()).isPresent()).findFirst();
    if (failing.isPresent()
        && (options.failureFor(failing.get().getImage()).orElseThrow()
                == PodFailure.TRANSIENT_CONFIG_ERROR
            || options.failureFor(failing.get().getImage()).orElseThrow()
                == PodFailure.TRANSIENT_MOUNT_ERROR)
        && retriedPast.contains(uid)) {
      failing = Optional.empty(); // the kubelet's retry found its cache synced
    }
    if (failing.isPresent()) {
      fail(pod, failing.get(), options.failureFor(failing.get().getImage()).orElseThrow(), now);
      return;
    }
    if (jobPod) {
      finishJobPod(pod, now);
      return;
    }
    List<ContainerStatus> statuses =
        containers.stream()
            .map(
                c ->
                    containerStatus(
                        c,
                        true,
                        0,
                        new ContainerStateBuilder()
                            .withNewRunning()
                            .withStartedAt(now)
                            .endRunning()
                            .build(),
                        null))
            .toList();
    pod.setStatus(running(pod, statuses, true, now));
    client.resource(pod).updateStatus();
    for (Container c : containers) {
      event(
          pod,
          "Normal",
          "Started",
          "Started container " + c.getName(),
          "kubelet",
          "spec.containers{" + c.getName() + "}");
    }
  }

  private void finishJobPod(Pod pod, String now) {
    Container main = containers(pod).get(0);
    JobOutcome outcome =
        options
            .jobOutcomeFor(main.getImage())
            .orElse(new JobOutcome(Pattern.compile(""), 0, "", "", null));
    List<ContainerStatus> statuses = new ArrayList<>();
    for (Container c : containers(pod)) {
      boolean isMain = c == main;
      int exit = isMain ? outcome.exitCode() : 0;
      kube.putLog(ns(pod), name(pod), c.getName(), false, isMain ? outcome.log() : "");
      String reason = exit == 0 ? "Completed" : "Error";
      if (isMain && outcome.kill() == JobOutcome.Kill.OOM_KILLED) {
        reason = "OOMKilled";
      }
      ContainerState state =
          new ContainerStateBuilder()
              .withNewTerminated()
              .withExitCode(exit)
              .withReason(reason)
              .withMessage(
                  isMain && !outcome.terminationMessage().isEmpty()
                      ? outcome.terminationMessage()
                      : null)
              .withStartedAt(now)
              .withFinishedAt(now)
              .withContainerID("containerd://" + UUID.randomUUID().toString().replace("-", ""))
              .endTerminated()
              .build();
      statuses.add(containerStatus(c, false, 0, state, null));
    }
    boolean ok = outcome.exitCode() == 0;
    boolean evicted = outcome.kill() == JobOutcome.Kill.EVICTED;
    pod.setStatus(
        new PodStatusBuilder()
            .withPhase(ok ? "Succeeded" : "Failed")
            .withReason(evicted ? "Evicted" : null)
            .withMessage(
                evicted
                    ? "The node was low on resource: memory. Container "
                        + main.getName()
                        + " was using 1843200Ki, which exceeds its request of 0. "
                    : null)
            .withHostIP("10.0.0.1")
            .withPodIP(podIp())
            .withStartTime(startTime(pod, now))
            .withQosClass("BestEffort")
            .withConditions(
                podCondition("PodScheduled", "True", null, null, now),
                podCondition("Initialized", "True", null, null, now),
                podCondition("Ready", "False", "PodCompleted", null, now),
                podCondition("ContainersReady", "False", "PodCompleted", null, now))
            .withContainerStatuses(statuses)
            .build());
    client.resource(pod).updateStatus();
    if (evicted) {
      event(pod, "Warning", "Evicted", pod.getStatus().getMessage(), "kubelet", null);
    }
  }

  private void fail(Pod pod, Container c, PodFailure failure, String now) {
    String image = c.getImage();
    String fieldPath = "spec.containers{" + c.getName() + "}";
    List<ContainerStatus> statuses = new ArrayList<>();
    ContainerState waiting;
    ContainerState lastState = null;
    int restarts = 0;
    boolean running = false;
    boolean ready = false;
    switch (failure) {
      case IMAGE_PULL_BACK_OFF -> {
        waiting = waiting("ImagePullBackOff", "Back-off pulling image \"" + image + "\"");
        event(pod, "Normal", "Pulling", "Pulling image \"" + image + "\"", "kubelet", fieldPath);
        event(pod, "Warning", "Failed", pullFailure(image), "kubelet", fieldPath);
        event(pod, "Warning", "Failed", "Error: ErrImagePull", "kubelet", fieldPath);
        event(
            pod,
            "Normal",
            "BackOff",
            "Back-off pulling image \"" + image + "\"",
            "kubelet",
            fieldPath);
        event(pod, "Warning", "Failed", "Error: ImagePullBackOff", "kubelet", fieldPath);
      }
      case ERR_IMAGE_PULL -> {
        waiting =
            waiting(
                "ErrImagePull",
                "rpc error: code = NotFound desc = failed to pull and unpack image \""
                    + image
                    + "\": not found");
        event(pod, "Warning", "Failed", pullFailure(image), "kubelet", fieldPath);
        event(pod, "Warning", "Failed", "Error: ErrImagePull", "kubelet", fieldPath);
      }
      case INVALID_IMAGE_NAME -> {
        String message =
            "Failed to apply default image tag \""
                + image
                + "\": couldn't parse image name \""
                + image
                + "\": invalid reference format";
        waiting = waiting("InvalidImageName", message);
        event(pod, "Warning", "InspectFailed", message, "kubelet", fieldPath);
        event(pod, "Warning", "Failed", "Error: InvalidImageName", "kubelet", fieldPath);
      }
      case ERR_IMAGE_NEVER_PULL -> {
        String message =
            "Container image \"" + image + "\" is not present with pull policy of Never";
        waiting = waiting("ErrImageNeverPull", message);
        event(pod, "Warning", "ErrImageNeverPull", message, "kubelet", fieldPath);
        // calibrated on a real 1.20 kubelet: it also reports the generic failure
        event(pod, "Warning", "Failed", "Error: ErrImageNeverPull", "kubelet", fieldPath);
      }
      case CREATE_CONTAINER_CONFIG_ERROR -> {
        waiting = waiting("CreateContainerConfigError", options.configErrorMessage());
        event(
            pod,
            "Warning",
            "Failed",
            "Error: " + options.configErrorMessage(),
            "kubelet",
            fieldPath);
      }
      case TRANSIENT_CONFIG_ERROR -> {
        // a real 1.20 kubelet on a busy node: its watch-based ConfigMap cache had not synced
        String message = "failed to sync configmap cache: timed out waiting for the condition";
        waiting = waiting("CreateContainerConfigError", message);
        event(pod, "Warning", "Failed", "Error: " + message, "kubelet", fieldPath);
        if (!options.retryInterval().isZero()) {
          String namespace = ns(pod);
          String name = name(pod);
          String uid = uid(pod);
          later(
              options.retryInterval(),
              () -> {
                retriedPast.add(uid);
                runPod(namespace, name, uid);
              });
        }
      }
      case CRASH_LOOP_BACK_OFF -> {
        restarts = 3;
        running = false;
        waiting =
            waiting(
                "CrashLoopBackOff",
                "back-off 40s restarting failed container="
                    + c.getName()
                    + " pod="
                    + name(pod)
                    + "_"
                    + ns(pod)
                    + "("
                    + uid(pod)
                    + ")");
        lastState =
            new ContainerStateBuilder()
                .withNewTerminated()
                .withExitCode(1)
                .withReason("Error")
                .withStartedAt(now)
                .withFinishedAt(now)
                .endTerminated()
                .build();
        kube.putLog(ns(pod), name(pod), c.getName(), true, options.crashLog());
        kube.putLog(ns(pod), name(pod), c.getName(), false, "");
        event(
            pod,
            "Warning",
            "BackOff",
            // the text of a 1.20 kubelet (calibrated on the real cluster); newer ones append
            // the container and pod
            "Back-off restarting failed container",
            "kubelet",
            fieldPath);
      }
      case FAILED_MOUNT -> {
        waiting = waiting("ContainerCreating", null);
        String volume =
            pod.getSpec().getVolumes() == null || pod.getSpec().getVolumes().isEmpty()
                ? "config"
                : pod.getSpec().getVolumes().get(0).getName();
        repeatEvent(
            pod,
            "FailedMount",
            "MountVolume.SetUp failed for volume \""
                + volume
                + "\" : secret \""
                + volume
                + "\" not found",
            "kubelet",
            null);
      }
      case TRANSIENT_MOUNT_ERROR -> {
        waiting = waiting("ContainerCreating", null);
        String volume =
            pod.getSpec().getVolumes() == null || pod.getSpec().getVolumes().isEmpty()
                ? "default-token-x7k2p"
                : pod.getSpec().getVolumes().get(0).getName();
        // the text of a real 1.20 kubelet right after the API server restarted
        repeatEvent(
            pod,
            "FailedMount",
            "MountVolume.SetUp failed for volume \""
                + volume
                + "\" : failed to sync secret cache: timed out waiting for the condition",
            "kubelet",
            null);
        if (!options.retryInterval().isZero()) {
          String namespace = ns(pod);
          String name = name(pod);
          String uid = uid(pod);
          later(
              options.retryInterval().multipliedBy(options.maxEventCount()),
              () -> {
                retriedPast.add(uid);
                runPod(namespace, name, uid);
              });
        }
      }
      case READINESS_PROBE_FAILING -> {
        waiting =
            new ContainerStateBuilder().withNewRunning().withStartedAt(now).endRunning().build();
        running = true;
        event(
            pod,
            "Warning",
            "Unhealthy",
            "Readiness probe failed: HTTP probe failed with statuscode: 503",
            "kubelet",
            fieldPath);
      }
      case STUCK_CREATING -> waiting = waiting("ContainerCreating", null);
      default -> throw new IllegalStateException("unexpected " + failure);
    }
    for (Container other : containers(pod)) {
      if (other == c) {
        statuses.add(containerStatus(other, ready, restarts, waiting, lastState));
        if (running) {
          statuses.get(statuses.size() - 1).setStarted(true);
        }
      } else {
        statuses.add(
            containerStatus(
                other,
                true,
                0,
                new ContainerStateBuilder()
                    .withNewRunning()
                    .withStartedAt(now)
                    .endRunning()
                    .build(),
                null));
      }
    }
    boolean anyStarted = running || restarts > 0 || containers(pod).size() > 1;
    PodStatus status = running(pod, statuses, false, now);
    if (!anyStarted) {
      status.setPhase("Pending");
      status.setPodIP(null);
      status.setPodIPs(null);
    }
    pod.setStatus(status);
    client.resource(pod).updateStatus();
  }

  private static String pullFailure(String image) {
    return "Failed to pull image \""
        + image
        + "\": rpc error: code = NotFound desc = failed to pull and unpack image \""
        + image
        + "\": not found";
  }

  private static ContainerState waiting(String reason, String message) {
    return new ContainerStateBuilder()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(message)
        .endWaiting()
        .build();
  }

  private PodStatus running(Pod pod, List<ContainerStatus> statuses, boolean ready, String now) {
    String unready =
        statuses.stream()
            .filter(s -> !Boolean.TRUE.equals(s.getReady()))
            .map(ContainerStatus::getName)
            .collect(Collectors.joining(" ", "[", "]"));
    return new PodStatusBuilder()
        .withPhase("Running")
        .withHostIP("10.0.0.1")
        .withPodIP(podIp())
        .withStartTime(startTime(pod, now))
        .withQosClass("BestEffort")
        .withConditions(
            podCondition("PodScheduled", "True", null, null, now),
            podCondition("Initialized", "True", null, null, now),
            ready
                ? podCondition("Ready", "True", null, null, now)
                : podCondition(
                    "Ready",
                    "False",
                    "ContainersNotReady",
                    "containers with unready status: " + unready,
                    now),
            ready
                ? podCondition("ContainersReady", "True", null, null, now)
                : podCondition(
                    "ContainersReady",
                    "False",
                    "ContainersNotReady",
                    "containers with unready status: " + unready,
                    now))
        .withContainerStatuses(statuses)
        .build();
  }

  private static String startTime(Pod pod, String now) {
    return pod.getStatus() != null && pod.getStatus().getStartTime() != null
        ? pod.getStatus().getStartTime()
        : now;
  }

  private static String podIp() {
    return "10.42.0." + ThreadLocalRandom.current().nextInt(2, 250);
  }

  private static ContainerStatus containerStatus(
      Container c, boolean ready, int restarts, ContainerState state, ContainerState lastState) {
    return new ContainerStatusBuilder()
        .withName(c.getName())
        .withImage(c.getImage())
        .withImageID(
            state.getRunning() != null || state.getTerminated() != null ? c.getImage() : "")
        .withReady(ready)
        .withStarted(state.getRunning() != null)
        .withRestartCount(restarts)
        .withState(state)
        .withLastState(lastState == null ? new ContainerState() : lastState)
        .build();
  }

  private static PodCondition podCondition(
      String type, String status, String reason, String message, String now) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(now)
        .build();
  }

  // ---------------------------------------------------------------- events

  /**
   * Records a core/v1 Event about {@code object}, or bumps the count and lastTimestamp of the same
   * event (same object, reason and message), as the real event recorder does.
   */
  private void event(
      HasMetadata object,
      String type,
      String reason,
      String message,
      String component,
      String fieldPath) {
    String namespace = ns(object);
    String now = now();
    for (Event e : client.v1().events().inNamespace(namespace).list().getItems()) {
      if (e.getInvolvedObject() != null
          && Objects.equals(e.getInvolvedObject().getUid(), uid(object))
          && Objects.equals(e.getReason(), reason)
          && Objects.equals(e.getMessage(), message)) {
        e.setCount(nz(e.getCount()) + 1);
        e.setLastTimestamp(now);
        client.resource(e).update();
        return;
      }
    }
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(name(object) + "." + Long.toHexString(System.nanoTime()))
            .withNamespace(namespace)
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(object.getApiVersion())
            .withKind(object.getKind())
            .withName(name(object))
            .withNamespace(namespace)
            .withUid(uid(object))
            .withResourceVersion(object.getMetadata().getResourceVersion())
            .withFieldPath(fieldPath)
            .endInvolvedObject()
            .withType(type)
            .withReason(reason)
            .withMessage(message)
            .withCount(1)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withNewSource()
            .withComponent(component)
            .withHost("kubelet".equals(component) ? NODE_NAME : null)
            .endSource()
            .withReportingComponent(component)
            .withReportingInstance("kubelet".equals(component) ? NODE_NAME : "")
            .build();
    client.resource(event).create();
  }

  // ---------------------------------------------------------------- small helpers

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static OwnerReference controllerRef(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(name(owner))
        .withUid(uid(owner))
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  private static boolean ownedBy(HasMetadata object, String uid) {
    return nonNull(object.getMetadata().getOwnerReferences()).stream()
        .anyMatch(r -> uid.equals(r.getUid()));
  }

  private static Optional<String> controllerOf(HasMetadata object, String kind) {
    return nonNull(object.getMetadata().getOwnerReferences()).stream()
        .filter(r -> Boolean.TRUE.equals(r.getController()) && kind.equals(r.getKind()))
        .map(OwnerReference::getName)
        .findFirst();
  }

  private static Optional<String> controllerKind(HasMetadata object) {
    return nonNull(object.getMetadata().getOwnerReferences()).stream()
        .filter(r -> Boolean.TRUE.equals(r.getController()))
        .map(OwnerReference::getKind)
        .findFirst();
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && nonNull(pod.getStatus().getConditions()).stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }

  private static List<Container> containers(Pod pod) {
    return pod.getSpec() == null ? List.of() : nonNull(pod.getSpec().getContainers());
  }

  private static String containerNames(Pod pod) {
    return containers(pod).stream()
        .map(Container::getName)
        .collect(Collectors.joining(" ", "[", "]"));
  }

  private static String firstImage(PodTemplateSpec template) {
    if (template == null
        || template.getSpec() == null
        || template.getSpec().getContainers() == null
        || template.getSpec().getContainers().isEmpty()) {
      return "";
    }
    return template.getSpec().getContainers().get(0).getImage();
  }

  private String templateHash(PodTemplateSpec template) {
    int h = serialization.asJson(template).hashCode();
    StringBuilder out = new StringBuilder();
    long v = Integer.toUnsignedLong(h);
    for (int i = 0; i < 10; i++) {
      out.append(NAME_CHARS.charAt((int) (v % NAME_CHARS.length())));
      v = v / NAME_CHARS.length() + (long) i * 7919;
    }
    return out.toString();
  }

  private static String randomName(String base) {
    StringBuilder out = new StringBuilder(truncate(base, 57)).append('-');
    for (int i = 0; i < 5; i++) {
      out.append(NAME_CHARS.charAt(ThreadLocalRandom.current().nextInt(NAME_CHARS.length())));
    }
    return out.toString();
  }

  private static String truncate(String name) {
    return truncate(name, 63);
  }

  private static String truncate(String name, int max) {
    return name.length() <= max ? name : name.substring(0, max);
  }

  private static int ordinal(String podName) {
    int dash = podName.lastIndexOf('-');
    try {
      return Integer.parseInt(podName.substring(dash + 1));
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  private static int replicas(Integer replicas) {
    return replicas == null ? 1 : replicas;
  }

  private static int nz(Integer value) {
    return value == null ? 0 : value;
  }

  private static Long generation(HasMetadata object) {
    Long g = object.getMetadata().getGeneration();
    return g == null ? 1L : g;
  }

  private static String name(HasMetadata object) {
    return object.getMetadata().getName();
  }

  private static String ns(HasMetadata object) {
    return object.getMetadata().getNamespace();
  }

  private static String uid(HasMetadata object) {
    return object.getMetadata().getUid();
  }

  private static Map<String, String> labels(ObjectMeta meta) {
    return meta == null ? Map.of() : nonNull(meta.getLabels());
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static <K, V> Map<K, V> nonNull(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }
}
