package dev.previewenv.core.internal.readiness;

import static dev.previewenv.core.internal.kube.Coordinates.generation;
import static dev.previewenv.core.internal.kube.Coordinates.name;
import static dev.previewenv.core.internal.kube.Coordinates.orEmpty;

import dev.previewenv.core.NotReadyException;
import dev.previewenv.core.PreviewEnvException;
import dev.previewenv.core.ReadinessCheck;
import dev.previewenv.core.internal.DaemonThreads;
import dev.previewenv.core.internal.Tasks;
import dev.previewenv.core.internal.kube.PodText;
import dev.previewenv.core.internal.kube.Pods;
import dev.previewenv.core.internal.readiness.WorkloadStates.State;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits until applied workloads are ready, watch-based, failing fast on pod failures that will not
 * heal.
 *
 * <p>One informer per kind (Deployments, StatefulSets, DaemonSets, Jobs, Pods, Events) in the
 * namespace feeds an evaluation after every change; nothing polls workload status. Ready means:
 *
 * <ul>
 *   <li>Deployment: {@code observedGeneration >= generation} and updated, available and total
 *       replicas all equal {@code spec.replicas} (default 1); {@code Progressing=False
 *       ProgressDeadlineExceeded} fails.
 *   <li>StatefulSet: observed generation, {@code readyReplicas == replicas}, and for the
 *       RollingUpdate strategy {@code updatedReplicas >= replicas - partition} and (without a
 *       partition) {@code currentRevision == updateRevision}.
 *   <li>DaemonSet: observed generation, {@code desiredNumberScheduled == numberReady ==
 *       updatedNumberScheduled}.
 *   <li>Pod: condition Ready=True or phase Succeeded; phase Failed fails.
 *   <li>Job: condition Complete=True; Failed=True fails.
 * </ul>
 *
 * <p>Fail fast: any pod in the namespace with a container (or init container) waiting in {@link
 * #FATAL_REASONS} ends the wait at once, unless the kubelet's message says the state is transient
 * ({@link #isTransient}: {@code CreateContainerConfigError: failed to sync configmap cache} or
 * {@code secret cache}, which the kubelet retries by itself): such a state ends the wait only once
 * the same container has been in it without a break for the transient grace (default 60 s); so does
 * a Warning event {@code FailedMount} whose message says the kubelet's Secret or ConfigMap cache
 * had not synced ({@link #isTransientEvent}), however often it repeats. Any other Warning event
 * {@code FailedScheduling} or {@code FailedMount} about a pod that is still unscheduled/pending
 * ends the wait when its count reaches 3 or it lasts longer than the event grace (default 10 s).
 * Custom {@link ReadinessCheck}s run once the workloads are ready, with a growing pause between
 * probes, while fail-fast detection continues.
 */
public final class ReadinessWaiter {
  /** Container waiting reasons that will not heal by waiting. */
  public static final Set<String> FATAL_REASONS = fatalReasons();

  private static Set<String> fatalReasons() {
    Set<String> reasons = new java.util.HashSet<>(Pods.IMAGE_PULL_REASONS);
    reasons.add("CreateContainerConfigError");
    reasons.add("CrashLoopBackOff");
    return Set.copyOf(reasons);
  }

  /**
   * Default time a container may stay in a {@link #isTransient transient} fatal-looking state (the
   * kubelet retrying a cache sync) before the wait ends.
   */
  public static final Duration DEFAULT_TRANSIENT_GRACE = Duration.ofSeconds(60);

  /**
   * Whether a container waiting state whose reason is in {@link #FATAL_REASONS} is one the kubelet
   * leaves by itself: {@code CreateContainerConfigError} with the message {@code failed to sync
   * configmap cache: ...} or {@code failed to sync secret cache: ...} (its watch-based cache of the
   * referenced object had not synced in time on a busy node; the next pod sync retries). A missing
   * ConfigMap, Secret or key ({@code configmap "x" not found}, {@code couldn't find key ...}) is
   * not transient.
   */
  public static boolean isTransient(String reason, String message) {
    if (!"CreateContainerConfigError".equals(reason) || message == null) {
      return false;
    }
    String m = message.trim().toLowerCase(java.util.Locale.ROOT);
    return m.startsWith("failed to sync configmap cache")
        || m.startsWith("failed to sync secret cache");
  }

  /**
   * Whether a Warning event is the kubelet failing to mount a volume only because its watch-based
   * cache of the Secret or ConfigMap had not synced: {@code FailedMount} with {@code
   * MountVolume.SetUp failed for volume "x" : failed to sync secret cache: timed out waiting for
   * the condition} (or {@code configmap cache}). Seen on the real cluster for a pod's service
   * account token volume right after the API server restarted: the kubelet's watches were still
   * reconnecting, and its next mount retry succeeded. A Secret or ConfigMap that does not exist
   * ({@code secret "x" not found}) is not transient.
   */
  public static boolean isTransientEvent(String reason, String message) {
    if (!"FailedMount".equals(reason) || message == null) {
      return false;
    }
    String m = message.toLowerCase(java.util.Locale.ROOT);
    return m.contains(": failed to sync configmap cache")
        || m.contains(": failed to sync secret cache");
  }

  private static final String TRANSIENT_HINT =
      "The kubelet retries this by itself but kept failing: check the node (kubectl describe"
          + " node) and the kubelet's connection to the API server.";

  /** Warning event reasons that end the wait when they last. */
  public static final Set<String> LASTING_EVENT_REASONS = Set.of("FailedScheduling", "FailedMount");

  /** Default time a FailedScheduling/FailedMount event may last before the wait ends. */
  public static final Duration DEFAULT_EVENT_GRACE = Duration.ofSeconds(10);

  private static final int LASTING_EVENT_COUNT = 3;
  private static final Duration FIRST_CHECK_PAUSE = Duration.ofMillis(50);
  private static final Duration MAX_CHECK_PAUSE = Duration.ofSeconds(1);
  private static final Set<String> WORKLOAD_KINDS =
      Set.of("Deployment", "StatefulSet", "DaemonSet", "Pod", "Job");

  private static final Logger log = LoggerFactory.getLogger(ReadinessWaiter.class);

  private final KubernetesClient client;
  private final Duration eventGrace;
  private final Duration transientGrace;

  public ReadinessWaiter(KubernetesClient client) {
    this(client, DEFAULT_EVENT_GRACE);
  }

  /**
   * @param eventGrace how long a FailedScheduling/FailedMount event may last before the wait ends
   */
  public ReadinessWaiter(KubernetesClient client, Duration eventGrace) {
    this(client, eventGrace, DEFAULT_TRANSIENT_GRACE);
  }

  /**
   * @param eventGrace how long a FailedScheduling/FailedMount event may last before the wait ends
   * @param transientGrace how long a container may stay in a {@link #isTransient transient}
   *     fatal-looking state before the wait ends
   */
  public ReadinessWaiter(KubernetesClient client, Duration eventGrace, Duration transientGrace) {
    this.client = Objects.requireNonNull(client, "client");
    this.eventGrace = Objects.requireNonNull(eventGrace, "eventGrace");
    this.transientGrace = Objects.requireNonNull(transientGrace, "transientGrace");
    if (eventGrace.isNegative()) {
      throw new IllegalArgumentException("eventGrace must not be negative, was " + eventGrace);
    }
    if (transientGrace.isNegative()) {
      throw new IllegalArgumentException(
          "transientGrace must not be negative, was " + transientGrace);
    }
  }

  /**
   * Blocks until every workload among {@code objects} in {@code namespace} is ready and every
   * custom check passes.
   *
   * @param checks custom readiness checks (may be empty)
   * @throws NotReadyException on a fail-fast pod state or when {@code timeout} passes
   */
  public void await(
      String environment,
      String namespace,
      List<HasMetadata> objects,
      List<ReadinessCheck> checks,
      Duration timeout) {
    Objects.requireNonNull(namespace, "namespace");
    try (Session session = session(environment, namespace)) {
      session.await(objects, checks, timeout);
    }
  }

  /**
   * Starts watching {@code namespace} (one informer per kind, listed at once) for several waits one
   * after another: each {@link Session#await} then needs no list and watch of its own, and no watch
   * is closed between them. Close it when done.
   */
  public Session session(String environment, String namespace) {
    Objects.requireNonNull(namespace, "namespace");
    return new Session(environment, namespace, new Informers(environment, namespace));
  }

  /** Waits on one namespace's informers, started once; see {@link #session}. */
  public final class Session implements AutoCloseable {
    private final String environment;
    private final String namespace;
    private final Informers informers;

    private Session(String environment, String namespace, Informers informers) {
      this.environment = environment;
      this.namespace = namespace;
      this.informers = informers;
    }

    /**
     * Blocks until every workload among {@code objects} is ready and every custom check passes.
     *
     * @throws NotReadyException on a fail-fast pod state or when {@code timeout} passes
     */
    public void await(List<HasMetadata> objects, List<ReadinessCheck> checks, Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      List<WorkloadRef> workloads =
          objects.stream()
              .filter(o -> WORKLOAD_KINDS.contains(o.getKind()))
              .map(o -> new WorkloadRef(o.getKind(), o.getMetadata().getName()))
              .distinct()
              .toList();
      long started = System.nanoTime();
      try (Wait wait =
          new Wait(environment, namespace, workloads, List.copyOf(checks), informers)) {
        wait.start();
        try {
          wait.done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          throw new NotReadyException(wait.report(timeout), environment, wait.firstNotReady());
        }
        log.info(
            "Environment {} (namespace {}): {} workloads and {} checks ready in {} ms",
            environment,
            namespace,
            workloads.size(),
            checks.size(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      } catch (ExecutionException e) {
        if (Tasks.cause(e) instanceof PreviewEnvException p) {
          throw p;
        }
        throw new PreviewEnvException(
            "Environment "
                + environment
                + " (namespace "
                + namespace
                + "): readiness wait broke: "
                + Tasks.cause(e),
            environment,
            null,
            Tasks.cause(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PreviewEnvException(
            "Environment "
                + environment
                + " (namespace "
                + namespace
                + "): readiness wait interrupted",
            environment,
            null,
            e);
      }
    }

    /**
     * Blocks until the Job {@code name} of uid {@code uid} is gone from the namespace (deleted), at
     * most {@code timeout}.
     *
     * @return whether it is gone
     */
    public boolean awaitJobGone(String name, String uid, Duration timeout) {
      CompletableFuture<Void> gone = new CompletableFuture<>();
      Runnable check =
          () -> {
            Job j = informers.jobs.getStore().getByKey(namespace + "/" + name);
            if (j == null || !uid.equals(j.getMetadata().getUid())) {
              gone.complete(null);
            }
          };
      ResourceEventHandler<Job> handler =
          new ResourceEventHandler<>() {
            @Override
            public void onAdd(Job obj) {
              check.run();
            }

            @Override
            public void onUpdate(Job oldObj, Job newObj) {
              check.run();
            }

            @Override
            public void onDelete(Job obj, boolean deletedFinalStateUnknown) {
              check.run();
            }
          };
      informers.jobs.addEventHandler(handler);
      try {
        check.run();
        gone.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return true;
      } catch (TimeoutException e) {
        return false;
      } catch (ExecutionException e) {
        throw new PreviewEnvException("waiting for Job/" + name + " to go broke", Tasks.cause(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PreviewEnvException("interrupted while waiting for Job/" + name + " to go", e);
      } finally {
        informers.jobs.removeEventHandler(handler);
      }
    }

    @Override
    public void close() {
      informers.close();
    }
  }

  /** The informers of one namespace (Deployments, StatefulSets, DaemonSets, Jobs, Pods, Events). */
  private final class Informers implements AutoCloseable {
    final SharedIndexInformer<Deployment> deployments;
    final SharedIndexInformer<StatefulSet> statefulSets;
    final SharedIndexInformer<DaemonSet> daemonSets;
    final SharedIndexInformer<Job> jobs;
    final SharedIndexInformer<Pod> pods;
    final SharedIndexInformer<Event> events;
    final List<SharedIndexInformer<?>> all;

    Informers(String environment, String namespace) {
      // all informers list and watch at once: one round trip instead of one per kind
      deployments = client.apps().deployments().inNamespace(namespace).runnableInformer(0);
      statefulSets = client.apps().statefulSets().inNamespace(namespace).runnableInformer(0);
      daemonSets = client.apps().daemonSets().inNamespace(namespace).runnableInformer(0);
      jobs = client.batch().v1().jobs().inNamespace(namespace).runnableInformer(0);
      pods = client.pods().inNamespace(namespace).runnableInformer(0);
      events = client.v1().events().inNamespace(namespace).runnableInformer(0);
      all = List.of(deployments, statefulSets, daemonSets, jobs, pods, events);
      String prefix = "Environment " + environment + " (namespace " + namespace + "): ";
      List<CompletableFuture<Void>> synced = new ArrayList<>();
      try {
        for (SharedIndexInformer<?> informer : all) {
          synced.add(informer.start().toCompletableFuture());
        }
        CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new)).get();
      } catch (ExecutionException e) {
        close();
        if (Tasks.cause(e) instanceof RuntimeException r) {
          throw r;
        }
        throw new PreviewEnvException(
            prefix + "could not start watching the namespace: " + Tasks.cause(e), Tasks.cause(e));
      } catch (InterruptedException e) {
        close();
        Thread.currentThread().interrupt();
        throw new PreviewEnvException(prefix + "interrupted while starting to watch", e);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    @Override
    public void close() {
      all.forEach(SharedIndexInformer::close);
    }
  }

  private enum Revision {
    CURRENT,
    SUPERSEDED,
    UNKNOWN
  }

  private static final String DEPLOYMENT_REVISION = "deployment.kubernetes.io/revision";

  private static boolean observed(io.fabric8.kubernetes.api.model.ObjectMeta meta, Long observed) {
    long generation = meta.getGeneration() == null ? 0 : meta.getGeneration();
    return observed != null && observed >= generation;
  }

  private static String annotation(io.fabric8.kubernetes.api.model.ObjectMeta meta, String key) {
    return meta.getAnnotations() == null ? null : meta.getAnnotations().get(key);
  }

  private record WorkloadRef(String kind, String name) {
    @Override
    public String toString() {
      return kind + "/" + name;
    }
  }

  private final class Wait implements AutoCloseable {
    private final String environment;
    private final String namespace;
    private final List<WorkloadRef> workloads;
    private final List<ReadinessCheck> checks;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Informers informers;
    private ResourceEventHandler<HasMetadata> onChange;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Instant> eventFirstSeen = new HashMap<>();
    private final Set<String> loggedTransientEvents = new java.util.HashSet<>();
    // pod uid/container -> when it was first seen in a transient state (removed when it leaves it)
    private final Map<String, Instant> transientSince = new HashMap<>();
    private final Map<String, Revision> revisions = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<ReadinessCheck, String> checkObserved = new LinkedHashMap<>();
    private final Set<ReadinessCheck> checksReady = new java.util.HashSet<>();
    private volatile boolean started; // every informer has listed once
    private final SharedIndexInformer<Deployment> deployments;
    private final SharedIndexInformer<StatefulSet> statefulSets;
    private final SharedIndexInformer<DaemonSet> daemonSets;
    private final SharedIndexInformer<Job> jobs;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<Event> events;
    private boolean checksStarted;
    private Instant evaluationScheduledAt;
    private int checksPassed;

    Wait(
        String environment,
        String namespace,
        List<WorkloadRef> workloads,
        List<ReadinessCheck> checks,
        Informers informers) {
      this.environment = environment;
      this.namespace = namespace;
      this.workloads = workloads;
      this.checks = checks;
      this.informers = informers;
      this.deployments = informers.deployments;
      this.statefulSets = informers.statefulSets;
      this.daemonSets = informers.daemonSets;
      this.jobs = informers.jobs;
      this.pods = informers.pods;
      this.events = informers.events;
      this.scheduler =
          Executors.newSingleThreadScheduledExecutor(
              DaemonThreads.named("previewenv-readiness-" + namespace));
      checks.forEach(c -> checkObserved.put(c, "not probed yet (waiting for workloads)"));
    }

    void start() {
      onChange =
          new ResourceEventHandler<>() {
            @Override
            public void onAdd(HasMetadata obj) {
              evaluate();
            }

            @Override
            public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
              evaluate();
            }

            @Override
            public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
              evaluate();
            }
          };
      // the informers have listed (Informers started them): every change from now on evaluates
      for (SharedIndexInformer<?> informer : informers.all) {
        @SuppressWarnings("unchecked")
        SharedIndexInformer<HasMetadata> i = (SharedIndexInformer<HasMetadata>) informer;
        i.addEventHandler(onChange);
      }
      started = true;
      evaluate();
    }

    synchronized void evaluate() {
      if (done.isDone() || !started) {
        return;
      }
      try {
        Optional<NotReadyException> failure = failFast();
        if (failure.isPresent()) {
          done.completeExceptionally(failure.get());
          return;
        }
        boolean allReady = true;
        for (WorkloadRef w : workloads) {
          State s = state(w);
          if (s.failure() != null) {
            done.completeExceptionally(
                new NotReadyException(
                    prefix() + s.failure() + ". " + whatToDo(), environment, w.toString()));
            return;
          }
          allReady &= s.ready();
        }
        if (allReady && !checksStarted) {
          checksStarted = true;
          if (checks.isEmpty()) {
            done.complete(null);
          }
          for (ReadinessCheck check : checks) {
            checkObserved.put(check, "not probed yet");
            scheduler.execute(() -> probe(check, FIRST_CHECK_PAUSE));
          }
        }
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    }

    private synchronized void scheduledEvaluate() {
      evaluationScheduledAt = null;
      evaluate();
    }

    private void probe(ReadinessCheck check, Duration pause) {
      if (done.isDone()) {
        return;
      }
      ReadinessCheck.Result result;
      try {
        result = check.probe(client, namespace);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        result =
            ReadinessCheck.Result.notReady(e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      log.debug("{}: {}", check.description(), result.observed());
      synchronized (this) {
        checkObserved.put(check, result.observed());
        if (result.ready()) {
          checksReady.add(check);
          if (++checksPassed == checks.size()) {
            done.complete(null);
          }
          return;
        }
      }
      Duration next = pause.multipliedBy(2);
      Duration nextPause = next.compareTo(MAX_CHECK_PAUSE) > 0 ? MAX_CHECK_PAUSE : next;
      if (!scheduler.isShutdown()) {
        scheduler.schedule(() -> probe(check, nextPause), pause.toNanos(), TimeUnit.NANOSECONDS);
      }
    }

    private String prefix() {
      return "Environment "
          + environment
          + " (namespace "
          + namespace
          + ") will not become ready: ";
    }

    /**
     * Whether a failing pod may end the wait: it belongs to an awaited workload and to that
     * workload's current revision. A pod of an earlier rollout (the old ReplicaSet's pod in
     * ImagePullBackOff that the Deployment keeps until the new one is available) or of something
     * outside the plan (an old E2E Job's pod) must not fail a re-run that fixes it.
     */
    private boolean awaitedAndCurrent(Pod pod) {
      String owner = Pods.owner(pod);
      if (workloads.stream().noneMatch(w -> w.toString().equals(owner))) {
        return false;
      }
      String key = pod.getMetadata().getUid() != null ? pod.getMetadata().getUid() : name(pod);
      Revision known = revisions.get(key);
      if (known != null) {
        return known == Revision.CURRENT;
      }
      Revision revision = revision(pod, owner);
      if (revision != Revision.UNKNOWN) {
        revisions.put(key, revision);
      }
      return revision == Revision.CURRENT;
    }

    private Revision revision(Pod pod, String owner) {
      try {
        if (owner.startsWith("Deployment/")) {
          Deployment d = deployments.getStore().getByKey(namespace + "/" + owner.substring(11));
          if (d == null
              || !observed(
                  d.getMetadata(),
                  d.getStatus() == null ? null : d.getStatus().getObservedGeneration())) {
            return Revision.UNKNOWN; // the controller has not taken in the latest spec yet
          }
          String want = annotation(d.getMetadata(), DEPLOYMENT_REVISION);
          String replicaSet =
              orEmpty(pod.getMetadata().getOwnerReferences()).stream()
                  .filter(r -> "ReplicaSet".equals(r.getKind()))
                  .map(r -> r.getName())
                  .findFirst()
                  .orElse(null);
          if (want == null || replicaSet == null) {
            return Revision.CURRENT;
          }
          var rs = client.apps().replicaSets().inNamespace(namespace).withName(replicaSet).get();
          String have = rs == null ? null : annotation(rs.getMetadata(), DEPLOYMENT_REVISION);
          return have == null || have.equals(want) ? Revision.CURRENT : Revision.SUPERSEDED;
        }
        if (owner.startsWith("StatefulSet/")) {
          StatefulSet st = statefulSets.getStore().getByKey(namespace + "/" + owner.substring(12));
          if (st == null
              || st.getStatus() == null
              || !observed(st.getMetadata(), st.getStatus().getObservedGeneration())) {
            return Revision.UNKNOWN;
          }
          String update = st.getStatus().getUpdateRevision();
          Map<String, String> labels = pod.getMetadata().getLabels();
          String hash = labels == null ? null : labels.get("controller-revision-hash");
          return update == null || hash == null || update.equals(hash)
              ? Revision.CURRENT
              : Revision.SUPERSEDED;
        }
      } catch (RuntimeException e) {
        log.debug(
            "Revision of pod {} in {} not determined: {}", name(pod), namespace, e.toString());
      }
      return Revision.CURRENT;
    }

    private Optional<NotReadyException> failFast() {
      Instant now = Instant.now();
      Instant nextDeadline = null;
      Set<String> stillTransient = new java.util.HashSet<>();
      for (Pod pod : pods.getStore().list()) {
        if (pod.getMetadata().getDeletionTimestamp() != null
            || pod.getStatus() == null
            || !awaitedAndCurrent(pod)) {
          continue;
        }
        List<ContainerStatus> statuses = new ArrayList<>();
        statuses.addAll(orEmpty(pod.getStatus().getInitContainerStatuses()));
        statuses.addAll(orEmpty(pod.getStatus().getContainerStatuses()));
        for (ContainerStatus cs : statuses) {
          if (cs.getState() == null || cs.getState().getWaiting() == null) {
            continue;
          }
          String reason = cs.getState().getWaiting().getReason();
          if (FATAL_REASONS.contains(reason)) {
            String owner = Pods.owner(pod);
            String message = cs.getState().getWaiting().getMessage();
            String lasted = "";
            if (isTransient(reason, message)) {
              String key = uidOf(pod) + "/" + cs.getName();
              stillTransient.add(key);
              boolean first = !transientSince.containsKey(key);
              Instant since = transientSince.computeIfAbsent(key, k -> now);
              Instant deadline = since.plus(transientGrace);
              if (now.isBefore(deadline)) {
                if (first) {
                  log.info(
                      "{}{} pod {} container {} is {} ({}): transient, the kubelet retries it;"
                          + " waiting up to {} s",
                      prefix(),
                      owner,
                      name(pod),
                      cs.getName(),
                      reason,
                      message,
                      transientGrace.toSeconds());
                }
                if (nextDeadline == null || deadline.isBefore(nextDeadline)) {
                  nextDeadline = deadline;
                }
                continue;
              }
              lasted =
                  " (for "
                      + Duration.between(since, now).toSeconds()
                      + " s, longer than the transient grace)";
            }
            String text =
                prefix()
                    + owner
                    + " pod "
                    + name(pod)
                    + " container "
                    + cs.getName()
                    + " is "
                    + reason
                    + lasted
                    + (message == null || message.isBlank() ? "" : ": " + message)
                    + PodText.lastTermination(cs)
                    + ". "
                    + (lasted.isEmpty() ? hint(reason, message) : TRANSIENT_HINT);
            return Optional.of(new NotReadyException(text, environment, owner));
          }
        }
      }
      transientSince.keySet().retainAll(stillTransient);
      for (Event e : events.getStore().list()) {
        if (!"Warning".equals(e.getType())
            || !LASTING_EVENT_REASONS.contains(e.getReason())
            || e.getInvolvedObject() == null
            || !"Pod".equals(e.getInvolvedObject().getKind())) {
          continue;
        }
        Pod pod = pods.getStore().getByKey(namespace + "/" + e.getInvolvedObject().getName());
        if (pod == null || !stillBlocked(pod, e.getReason()) || !awaitedAndCurrent(pod)) {
          continue;
        }
        String key = e.getMetadata().getUid() != null ? e.getMetadata().getUid() : name(e);
        Instant firstSeen = eventFirstSeen.computeIfAbsent(key, k -> now);
        Duration lasted = Duration.between(firstSeen, now);
        Duration reported = reportedDuration(e);
        if (reported.compareTo(lasted) > 0) {
          lasted = reported;
        }
        int count = e.getCount() == null ? 1 : e.getCount();
        // a mount failing on a cache the kubelet is still syncing lasts the transient grace,
        // however often the kubelet retries meanwhile
        boolean transientMount = isTransientEvent(e.getReason(), e.getMessage());
        Duration grace = transientMount ? transientGrace : eventGrace;
        if ((!transientMount && count >= LASTING_EVENT_COUNT) || lasted.compareTo(grace) >= 0) {
          String owner = Pods.owner(pod);
          String text =
              prefix()
                  + owner
                  + " pod "
                  + name(pod)
                  + ": Warning "
                  + e.getReason()
                  + " (seen "
                  + count
                  + " times over "
                  + lasted.toSeconds()
                  + " s"
                  + (transientMount ? ", longer than the transient grace" : "")
                  + "): "
                  + e.getMessage()
                  + ". "
                  + (transientMount ? TRANSIENT_HINT : hint(e.getReason()));
          return Optional.of(new NotReadyException(text, environment, owner));
        }
        if (transientMount && loggedTransientEvents.add(key)) {
          log.info(
              "{}{} pod {}: Warning FailedMount ({}): transient, the kubelet retries it; waiting up"
                  + " to {} s",
              prefix(),
              Pods.owner(pod),
              name(pod),
              e.getMessage(),
              transientGrace.toSeconds());
        }
        Instant deadline = firstSeen.plus(grace);
        if (nextDeadline == null || deadline.isBefore(nextDeadline)) {
          nextDeadline = deadline;
        }
      }
      if (nextDeadline != null
          && !scheduler.isShutdown()
          && (evaluationScheduledAt == null || nextDeadline.isBefore(evaluationScheduledAt))) {
        // Look again when the first pending event or transient state has lasted its grace.
        evaluationScheduledAt = nextDeadline;
        long delay = Math.max(1, Duration.between(now, nextDeadline).toMillis());
        scheduler.schedule(this::scheduledEvaluate, delay, TimeUnit.MILLISECONDS);
      }
      return Optional.empty();
    }

    private boolean stillBlocked(Pod pod, String reason) {
      if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null) {
        return false;
      }
      if ("FailedScheduling".equals(reason)) {
        return orEmpty(pod.getStatus().getConditions()).stream()
            .anyMatch(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()));
      }
      return "Pending".equals(pod.getStatus().getPhase());
    }

    private State state(WorkloadRef w) {
      return switch (w.kind()) {
        case "Deployment" -> WorkloadStates.deployment(find(deployments, w.name()));
        case "StatefulSet" -> WorkloadStates.statefulSet(find(statefulSets, w.name()));
        case "DaemonSet" -> WorkloadStates.daemonSet(find(daemonSets, w.name()));
        case "Job" -> WorkloadStates.job(find(jobs, w.name()));
        case "Pod" -> pod(find(pods, w.name()));
        default -> State.ready("not awaited");
      };
    }

    private <T extends HasMetadata> T find(SharedIndexInformer<T> informer, String name) {
      return informer.getStore().getByKey(namespace + "/" + name);
    }

    private State pod(Pod pod) {
      if (pod == null) {
        return State.waiting("not found");
      }
      if (pod.getStatus() == null) {
        return State.waiting("no status yet");
      }
      String phase = pod.getStatus().getPhase();
      if ("Succeeded".equals(phase)) {
        return State.ready("Succeeded");
      }
      if ("Failed".equals(phase)) {
        return State.failed(
            "Pod/"
                + name(pod)
                + " failed"
                + (pod.getStatus().getReason() == null ? "" : ": " + pod.getStatus().getReason())
                + (pod.getStatus().getMessage() == null ? "" : ": " + pod.getStatus().getMessage())
                + PodText.containersInWait(pod));
      }
      boolean ready =
          orEmpty(pod.getStatus().getConditions()).stream()
              .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
      return ready ? State.ready("Ready") : State.waiting("phase " + phase);
    }

    /** The pods that belong to a workload, for the timeout report. */
    private List<Pod> podsOf(WorkloadRef w) {
      List<Pod> out = new ArrayList<>();
      String uid =
          switch (w.kind()) {
            case "StatefulSet" -> uidOf(find(statefulSets, w.name()));
            case "DaemonSet" -> uidOf(find(daemonSets, w.name()));
            case "Job" -> uidOf(find(jobs, w.name()));
            default -> null;
          };
      for (Pod pod : pods.getStore().list()) {
        if ("Pod".equals(w.kind()) && name(pod).equals(w.name())) {
          out.add(pod);
        } else if ("Deployment".equals(w.kind())) {
          if (Pods.owner(pod).equals("Deployment/" + w.name())) {
            out.add(pod);
          }
        } else if (uid != null
            && orEmpty(pod.getMetadata().getOwnerReferences()).stream()
                .anyMatch(r -> uid.equals(r.getUid()))) {
          out.add(pod);
        }
      }
      out.sort((a, b) -> name(a).compareTo(name(b)));
      return out;
    }

    synchronized String report(Duration timeout) {
      List<String> lines = new ArrayList<>();
      for (WorkloadRef w : workloads) {
        State s = state(w);
        if (s.ready()) {
          continue;
        }
        StringBuilder line = new StringBuilder(w + ": " + s.observed());
        for (Pod pod : podsOf(w)) {
          line.append("; pod ").append(name(pod)).append(PodText.inWait(pod));
        }
        lines.add(line.toString());
      }
      if (!checksStarted) {
        checks.forEach(c -> lines.add(c.description() + ": not probed (workloads not ready)"));
      } else {
        checkObserved.forEach(
            (c, observed) -> {
              if (!checksReady.contains(c)) {
                lines.add(c.description() + ": last seen " + observed);
              }
            });
      }
      String awaited =
          workloads.stream().map(WorkloadRef::toString).collect(Collectors.joining(", "));
      if (!checks.isEmpty()) {
        awaited +=
            (awaited.isEmpty() ? "" : ", ")
                + checks.stream()
                    .map(ReadinessCheck::description)
                    .collect(Collectors.joining(", "));
      }
      return "Environment "
          + environment
          + " (namespace "
          + namespace
          + ") not ready within "
          + (timeout.toMillis() % 1000 == 0
              ? timeout.toSeconds() + " s"
              : timeout.toMillis() + " ms")
          + "; awaited "
          + awaited
          + ". Not ready:\n  - "
          + String.join("\n  - ", lines)
          + "\n"
          + whatToDo();
    }

    String firstNotReady() {
      for (WorkloadRef w : workloads) {
        if (!state(w).ready()) {
          return w.toString();
        }
      }
      return null;
    }

    private String whatToDo() {
      return "See the diagnostics folder, or kubectl -n "
          + namespace
          + " describe pods / get events --sort-by=.lastTimestamp; raise the readiness timeout"
          + " only if the workloads are slow rather than failing.";
    }

    @Override
    public void close() {
      if (onChange != null) {
        for (SharedIndexInformer<?> informer : informers.all) {
          @SuppressWarnings("unchecked")
          SharedIndexInformer<HasMetadata> i = (SharedIndexInformer<HasMetadata>) informer;
          i.removeEventHandler(onChange);
        }
      }
      scheduler.shutdownNow();
    }
  }

  /**
   * The hint for a waiting reason, made precise by the kubelet's message where the registry's words
   * say which of the usual pull failures it is.
   */
  static String hint(String reason, String message) {
    if (("ErrImagePull".equals(reason) || "ImagePullBackOff".equals(reason)) && message != null) {
      String m = message.toLowerCase(java.util.Locale.ROOT);
      if (m.contains("manifest unknown") || m.contains("not found")) {
        return "The registry has no such tag (or repository): check that CI pushed the image"
            + " with this tag.";
      }
      if (m.contains("no basic auth credentials")
          || m.contains("authentication required")
          || m.contains("unauthorized")
          || m.contains("denied")) {
        return "The registry refused the pull: the namespace has no pull secret for this"
            + " registry, or its credentials are wrong (check PullSecrets and the source"
            + " secret's user and password).";
      }
    }
    return hint(reason);
  }

  private static String hint(String reason) {
    return switch (reason) {
      case "ImagePullBackOff", "ErrImagePull" ->
          "Check the image name and tag, that it was pushed, and the namespace's image pull"
              + " secret.";
      case "InvalidImageName" -> "Fix the image reference (registry/name:tag or @sha256:digest).";
      case "ErrImageNeverPull" ->
          "The image is not on the node and imagePullPolicy is Never: load it or change the policy.";
      case "CreateContainerConfigError" ->
          "Create the referenced ConfigMap/Secret (or key) or fix the reference.";
      case "CrashLoopBackOff" -> "The container keeps exiting: read its previous log.";
      case "FailedScheduling" ->
          "No node can run the pod: lower its resource requests, or fix node selectors, taints"
              + " or the namespace quota.";
      case "FailedMount" -> "Create the referenced volume source (Secret, ConfigMap, PVC).";
      default -> "";
    };
  }

  private static Duration reportedDuration(Event e) {
    try {
      if (e.getFirstTimestamp() != null && e.getLastTimestamp() != null) {
        return Duration.between(
            Instant.parse(e.getFirstTimestamp()), Instant.parse(e.getLastTimestamp()));
      }
    } catch (DateTimeParseException ignored) {
      // an unparsable time counts as no duration
    }
    return Duration.ZERO;
  }

  private static String uidOf(HasMetadata o) {
    return o == null ? null : o.getMetadata().getUid();
  }
}
