package dev.previewenv.core.internal.provision;

import dev.previewenv.core.PreviewEnvException;
import dev.previewenv.core.internal.Tasks;
import dev.previewenv.core.internal.kube.Coordinates;
import dev.previewenv.core.internal.kube.Keys;
import dev.previewenv.core.internal.retry.Retry;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, adopts and deletes environment namespaces. The guard: only a namespace labelled {@code
 * app.kubernetes.io/managed-by=previewenv} and {@code previewenv.dev/environment=<env>}, and not
 * one of Kubernetes' own, is ever adopted or deleted; labels are checked right before deletion and
 * the delete carries the resourceVersion seen as a precondition.
 */
public final class Namespaces {
  private static final Logger log = LoggerFactory.getLogger(Namespaces.class);
  private static final int CONFLICT = 409;
  private static final int NOT_FOUND = 404;

  private final KubernetesClient client;
  private final Retry retry;

  public Namespaces(KubernetesClient client) {
    this(client, Retry.defaults());
  }

  /** Namespaces whose requests are retried as {@code retry} allows. */
  public Namespaces(KubernetesClient client, Retry retry) {
    this.client = client;
    this.retry = retry;
  }

  private static Retry.Op op(String verb, String name) {
    return new Retry.Op(verb, "", "namespaces", null, name);
  }

  /** The namespace, or {@code null} when it does not exist; retried. */
  public Namespace get(String namespace) {
    return retry.call(op("get", namespace), () -> client.namespaces().withName(namespace).get());
  }

  /** An ISO-8601 UTC timestamp to the second, as written into annotations. */
  public static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  /** Whether the namespace is being deleted. */
  public static boolean isTerminating(Namespace ns) {
    return ns.getMetadata().getDeletionTimestamp() != null
        || (ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase()));
  }

  /**
   * Throws unless {@code namespace} is absent or may be adopted for {@code environment}. Changes
   * nothing.
   */
  public Namespace checkAdoptable(String namespace, String environment) {
    if (Keys.isProtected(namespace)) {
      throw new PreviewEnvException(
          "Namespace "
              + namespace
              + " belongs to Kubernetes itself; PreviewEnv never provisions into it or deletes it."
              + " Use an environment name made by EnvironmentName.forBranch(...)",
          environment,
          "Namespace/" + namespace,
          null);
    }
    Namespace existing = get(namespace);
    if (existing != null && !Keys.managedFor(existing, environment)) {
      throw notOurs(existing, environment, "adopt");
    }
    return existing;
  }

  /**
   * The namespace after {@link #ensure}: as stored, whether this call created it, and the kinds
   * recorded in {@code previewenv.dev/applied-kinds} (those of earlier runs included).
   */
  public record Ensured(Namespace namespace, boolean created, Set<String> recordedKinds) {}

  /** What {@link #ensure} writes: the namespace's name, labels, annotations and holder. */
  public record Claim(
      String namespace,
      String environment,
      String branch,
      String owner,
      Instant now,
      Duration ttl,
      Map<String, String> extraLabels,
      Map<String, String> annotations,
      Set<String> kinds,
      String holder) {}

  /**
   * Creates the namespace with PreviewEnv's labels and annotations, or adopts an existing one of
   * the same environment (its expiry is renewed), starting from {@code seen}, the namespace as just
   * returned by {@link #checkAdoptable} ({@code null}: absent). A namespace still Terminating from
   * an earlier run is first waited for, at most {@code terminatingWait}. {@code
   * claim.annotations()} are written too (those announcing the owner lease), and {@code
   * claim.kinds()} ({@code apiVersion/Kind}, added to those recorded before) are recorded in the
   * same request that creates or adopts it; {@code null} kinds leave that annotation alone.
   *
   * <p>The namespace is claimed for {@code claim.holder()} (annotation {@link Keys#HOLDER}; {@code
   * null}: none). An existing namespace is changed only after {@code claimCheck} passed on the very
   * copy being written, and the write carries that copy's resourceVersion: a namespace changed
   * since (another holder claimed it) is read and checked again.
   */
  public Ensured ensure(
      Namespace seen,
      Claim claim,
      Duration terminatingWait,
      java.util.function.Consumer<Namespace> claimCheck) {
    String namespace = claim.namespace();
    String environment = claim.environment();
    String branch = claim.branch();
    String owner = claim.owner();
    Instant now = claim.now();
    Duration ttl = claim.ttl();
    Map<String, String> extraLabels = claim.extraLabels();
    Map<String, String> heartbeat = claim.annotations();
    Set<String> kinds = claim.kinds();
    String holder = claim.holder();
    Namespace existing = seen;
    if (existing != null && !Keys.managedFor(existing, environment)) {
      throw notOurs(existing, environment, "adopt");
    }
    if (existing != null && isTerminating(existing)) {
      log.info(
          "Namespace {} of environment {} is still Terminating from an earlier run; waiting up to"
              + " {} for it to go",
          namespace,
          environment,
          terminatingWait);
      waitGone(namespace, environment, terminatingWait, "before creating it again");
      existing = null;
    }
    Map<String, String> labels = new LinkedHashMap<>(extraLabels);
    labels.putAll(Keys.labels(environment));
    String expires = timestamp(now.plus(ttl));
    if (existing == null) {
      Namespace ns =
          new NamespaceBuilder()
              .withNewMetadata()
              .withName(namespace)
              .withLabels(labels)
              .addToAnnotations(Keys.BRANCH, branch)
              .addToAnnotations(Keys.OWNER, owner)
              .addToAnnotations(Keys.CREATED_AT, timestamp(now))
              .addToAnnotations(Keys.EXPIRES_AT, expires)
              .addToAnnotations(heartbeat)
              .endMetadata()
              .build();
      if (holder != null) {
        ns.getMetadata().getAnnotations().put(Keys.HOLDER, holder);
      }
      if (kinds != null && !kinds.isEmpty()) {
        ns.getMetadata()
            .getAnnotations()
            .put(Keys.APPLIED_KINDS, String.join(",", new TreeSet<>(kinds)));
      }
      try {
        Namespace created =
            retry.call(op("create", namespace), () -> client.namespaces().resource(ns).create());
        log.info(
            "Created namespace {} for environment {} (owner {}, expires {})",
            namespace,
            environment,
            owner,
            expires);
        return new Ensured(created, true, recordedKinds(created));
      } catch (KubernetesClientException e) {
        if (e.getCode() != CONFLICT) {
          throw e;
        }
        // a create whose answer was lost, or a concurrent create: adopt it if it is ours
        log.debug("Namespace {} exists after all (409 on create); checking it", namespace);
        checkAdoptable(namespace, environment);
      }
    }
    Namespace adopted = null;
    for (int attempt = 0; adopted == null; attempt++) {
      Namespace ns = attempt == 0 && existing != null ? existing : get(namespace);
      if (ns == null) {
        throw new PreviewEnvException(
            "Namespace "
                + namespace
                + " of environment "
                + environment
                + " went away while adopting it (deleted by its owner or the janitor). Run up"
                + " again",
            environment,
            "Namespace/" + namespace,
            null);
      }
      // checked on the copy being changed: a namespace that changed hands since the first look
      // is never labelled as ours, nor claimed from a live holder
      if (!Keys.managedFor(ns, environment)) {
        throw notOurs(ns, environment, "adopt");
      }
      claimCheck.accept(ns);
      ns.getMetadata().getLabels().putAll(labels);
      Map<String, String> a = annotations(ns);
      a.put(Keys.BRANCH, branch);
      a.put(Keys.OWNER, owner);
      a.putIfAbsent(Keys.CREATED_AT, timestamp(now));
      a.put(Keys.EXPIRES_AT, expires);
      a.putAll(heartbeat);
      if (holder != null) {
        a.put(Keys.HOLDER, holder);
      }
      if (kinds != null) {
        Set<String> union = new TreeSet<>(recordedKinds(ns));
        union.addAll(kinds);
        if (!union.isEmpty()) {
          a.put(Keys.APPLIED_KINDS, String.join(",", union));
        }
      }
      String rv = ns.getMetadata().getResourceVersion();
      try {
        adopted =
            retry.call(
                op("update", namespace),
                () -> client.namespaces().resource(ns).lockResourceVersion(rv).update());
      } catch (KubernetesClientException e) {
        if (e.getCode() != CONFLICT || attempt >= 5) {
          throw e;
        }
        log.debug("Namespace {} changed while adopting it; checking it again", namespace);
      }
    }
    log.info(
        "Adopted existing namespace {} of environment {} (expires {})",
        namespace,
        environment,
        expires);
    return new Ensured(adopted, false, recordedKinds(adopted));
  }

  /** The kinds recorded in the namespace annotation {@code previewenv.dev/applied-kinds}. */
  public Set<String> recordedKinds(String namespace) {
    return recordedKinds(get(namespace));
  }

  /** The kinds recorded in the annotation {@code previewenv.dev/applied-kinds} of {@code ns}. */
  public static Set<String> recordedKinds(Namespace ns) {
    Set<String> kinds = new TreeSet<>();
    if (ns != null && ns.getMetadata().getAnnotations() != null) {
      String value = ns.getMetadata().getAnnotations().get(Keys.APPLIED_KINDS);
      if (value != null && !value.isBlank()) {
        Arrays.stream(value.split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .forEach(kinds::add);
      }
    }
    return kinds;
  }

  /** Records {@code kinds} ({@code apiVersion/Kind}) in the namespace annotation. */
  public void recordKinds(String namespace, Set<String> kinds) {
    String value = String.join(",", new TreeSet<>(kinds));
    retry.run(
        op("patch", namespace),
        () ->
            client
                .namespaces()
                .withName(namespace)
                .edit(
                    ns -> {
                      annotations(ns).put(Keys.APPLIED_KINDS, value);
                      return ns;
                    }));
  }

  /** Sets annotation {@code key} of the namespace to {@code value}. */
  public void recordAnnotation(String namespace, String key, String value) {
    retry.run(
        op("patch", namespace),
        () ->
            client
                .namespaces()
                .withName(namespace)
                .edit(
                    ns -> {
                      annotations(ns).put(key, value);
                      return ns;
                    }));
  }

  /** Removes the annotations {@code keys} from the namespace, if it exists. */
  public void removeAnnotations(String namespace, Set<String> keys) {
    removeAnnotations(namespace, keys, ns -> true);
  }

  /**
   * Removes the annotations {@code keys} from the namespace, if it exists and {@code when} holds
   * for it; written with its resourceVersion as a precondition (on a conflict: read, test again).
   */
  public void removeAnnotations(
      String namespace, Set<String> keys, java.util.function.Predicate<Namespace> when) {
    for (int attempt = 0; ; attempt++) {
      Namespace ns = get(namespace);
      if (ns == null
          || !when.test(ns)
          || !annotations(ns).keySet().stream().anyMatch(keys::contains)) {
        return;
      }
      annotations(ns).keySet().removeAll(keys);
      try {
        retry.call(
            op("update", namespace),
            () ->
                client
                    .namespaces()
                    .resource(ns)
                    .lockResourceVersion(ns.getMetadata().getResourceVersion())
                    .update());
        return;
      } catch (KubernetesClientException e) {
        if ((e.getCode() != CONFLICT && e.getCode() != NOT_FOUND) || attempt >= 5) {
          throw e;
        }
        if (e.getCode() == NOT_FOUND) {
          return;
        }
      }
    }
  }

  /**
   * Deletes the environment's namespace and waits, at most {@code timeout}, until it is gone. Does
   * nothing when it does not exist.
   *
   * <p>The watch that sees the namespace go is opened before the delete is sent (concurrently with
   * the read that checks the labels), so the event cannot be missed even on a server that does not
   * replay events from a resourceVersion.
   *
   * @throws PreviewEnvException when the namespace is not managed by PreviewEnv for {@code
   *     environment}, or is still there after {@code timeout} (naming its conditions and the
   *     finalizers that block)
   */
  public void deleteAndWait(String namespace, String environment, Duration timeout) {
    deleteAndWait(namespace, environment, timeout, DEFAULT_TEARDOWN_LIMIT, ns -> {});
  }

  /** How long a teardown follows a namespace controller that keeps making progress, at most. */
  public static final Duration DEFAULT_TEARDOWN_LIMIT = Duration.ofMinutes(15);

  /**
   * Like {@link #deleteAndWait(String, String, Duration)}, but {@code timeout} is the time the
   * namespace may go without progress: as long as the namespace controller keeps working (the
   * namespace's status changes: contents shrinking, conditions changing), the wait follows it, up
   * to {@code limit} in all. A namespace that stalls for {@code timeout}, or is still there after
   * {@code limit}, fails naming what remains.
   */
  public void deleteAndWait(
      String namespace, String environment, Duration timeout, Duration limit) {
    deleteAndWait(namespace, environment, timeout, limit, ns -> {});
  }

  /**
   * Like {@link #deleteAndWait(String, String, Duration, Duration)}; {@code precondition} is run on
   * every copy of the namespace a delete is about to carry the resourceVersion of (it throws to
   * refuse).
   */
  public void deleteAndWait(
      String namespace,
      String environment,
      Duration timeout,
      Duration limit,
      java.util.function.Consumer<Namespace> precondition) {
    long started = System.nanoTime();
    long deadline = started + Math.max(timeout.toNanos(), limit.toNanos());
    Namespace seen = get(namespace);
    if (seen == null) {
      log.debug("Namespace {} of environment {} is already gone", namespace, environment);
      return;
    }
    if (Keys.isProtected(namespace) || !Keys.managedFor(seen, environment)) {
      throw notOurs(seen, environment, "delete"); // refused before anything is watched
    }
    // a refusal (an environment taken over by another owner) also comes before the watch is opened:
    // a watch opened and closed at once only loads the API server (and blocked the in-process one)
    precondition.accept(seen);
    Boolean gone;
    try (GoneWatch watch = open(namespace, deadline)) {
      // the informer's list is read again right before the delete, and its watch is open before
      // the delete is sent, so the deletion event cannot be missed (no replay needed)
      Deletion deletion = delete(namespace, environment, watch::current, precondition);
      if (deletion == Deletion.ABSENT) {
        return;
      }
      // the pods are stopped at once and their objects removed once stopped, and the namespace
      // controller is told when the last is gone (NamespaceDrain)
      try (NamespaceDrain drain = new NamespaceDrain(client, namespace, true)) {
        gone = awaitWithProgress(watch, namespace, environment, timeout, deadline);
      }
    }
    if (gone != Boolean.TRUE) {
      waitGone(namespace, environment, started, deadline, timeout, "after deleting it");
    }
    log.info("Deleted namespace {} of environment {}", namespace, environment);
  }

  /**
   * Asks the API server to delete the namespace after checking, right before, that PreviewEnv
   * manages it for {@code environment}. Does not wait.
   *
   * @return {@code false} when the namespace does not exist
   */
  public boolean requestDeletion(String namespace, String environment) {
    return delete(namespace, environment, () -> get(namespace), ns -> {}) != Deletion.ABSENT;
  }

  /**
   * Like {@link #requestDeletion(String, String)} for a namespace just listed: its labels are
   * checked on {@code listed} and the delete carries its resourceVersion as a precondition, so no
   * read is needed; when the namespace changed since (409), it is read and checked again.
   *
   * @return {@code false} when the namespace does not exist
   */
  public boolean requestDeletion(Namespace listed, String environment) {
    return requestDeletion(listed, environment, ns -> {});
  }

  /**
   * Like {@link #requestDeletion(Namespace, String)}, running {@code precondition} on every copy
   * whose resourceVersion a delete is about to carry (it throws to refuse).
   */
  public boolean requestDeletion(
      Namespace listed, String environment, java.util.function.Consumer<Namespace> precondition) {
    return delete(listed.getMetadata().getName(), environment, () -> listed, precondition)
        != Deletion.ABSENT;
  }

  private enum Deletion {
    ABSENT,
    REQUESTED,
    ALREADY_TERMINATING
  }

  private Deletion delete(
      String namespace,
      String environment,
      java.util.function.Supplier<Namespace> first,
      java.util.function.Consumer<Namespace> precondition) {
    Namespace ns = first.get();
    for (int attempt = 0; ; attempt++) {
      if (ns == null) {
        log.debug("Namespace {} of environment {} is already gone", namespace, environment);
        return Deletion.ABSENT;
      }
      if (Keys.isProtected(namespace) || !Keys.managedFor(ns, environment)) {
        throw notOurs(ns, environment, "delete");
      }
      if (isTerminating(ns)) {
        return Deletion.ALREADY_TERMINATING;
      }
      precondition.accept(ns);
      Namespace current = ns;
      try {
        // a delete whose answer was lost meets 404 (gone) or 409 (changed) on the next try
        List<StatusDetails> deleted =
            retry.call(
                op("delete", namespace),
                () ->
                    client
                        .namespaces()
                        .resource(current)
                        .lockResourceVersion(current.getMetadata().getResourceVersion())
                        .delete());
        if (deleted != null && deleted.isEmpty()) {
          log.debug(
              "Namespace {} of environment {} was gone before the delete", namespace, environment);
          return Deletion.ABSENT;
        }
        log.info("Deletion of namespace {} (environment {}) requested", namespace, environment);
        return Deletion.REQUESTED;
      } catch (KubernetesClientException e) {
        if (e.getCode() == NOT_FOUND) {
          return Deletion.ABSENT;
        }
        if (e.getCode() != CONFLICT || attempt >= 2) {
          throw new PreviewEnvException(
              "Could not delete namespace "
                  + namespace
                  + " of environment "
                  + environment
                  + ": the API server answered "
                  + e.getCode()
                  + " ("
                  + e.getMessage()
                  + "). Check the client's RBAC rights to delete namespaces, or delete it with"
                  + " kubectl delete namespace "
                  + namespace,
              environment,
              "Namespace/" + namespace,
              e);
        }
        log.debug("Namespace {} changed while deleting it; checking it again", namespace);
        ns = get(namespace);
      }
    }
  }

  private void waitGone(String namespace, String environment, Duration timeout, String when) {
    long now = System.nanoTime();
    waitGone(namespace, environment, now, now + timeout.toNanos(), timeout, when);
  }

  /**
   * Waits until the namespace is gone: an informer lists it (absent: done) and watches it; an
   * informer that stops is started again. Gives up when the namespace made no progress for {@code
   * stall}, or at {@code deadline}.
   */
  private void waitGone(
      String namespace,
      String environment,
      long started,
      long deadline,
      Duration stall,
      String when) {
    while (System.nanoTime() < deadline) {
      try (GoneWatch watch = open(namespace, deadline)) {
        if (watch.current() == null) {
          return;
        }
        Boolean gone = awaitWithProgress(watch, namespace, environment, stall, deadline);
        if (gone == null) {
          break; // deadline
        }
        if (gone) {
          return;
        }
        log.debug("Informer on namespace {} stopped; starting it again", namespace);
      }
    }
    Namespace ns = get(namespace);
    if (ns == null) {
      return;
    }
    Duration waited = Duration.ofNanos(System.nanoTime() - started).withNanos(0);
    String after =
        System.nanoTime() >= deadline
            ? waited + " " + when + " (the teardown limit)"
            : waited + " " + when + ", with no progress for the last " + stall;
    throw new PreviewEnvException(
        stuckMessage(ns, environment, after), environment, "Namespace/" + namespace, null);
  }

  /** How often a wait for a namespace to go says what still terminates. */
  static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);

  /**
   * Follows the deletion while the namespace makes progress (gives up, {@code null}, when its
   * status has not changed for {@code stall}, or at {@code deadline}), saying every {@link
   * #PROGRESS_INTERVAL} what still terminates.
   */
  private static Boolean awaitWithProgress(
      GoneWatch watch, String namespace, String environment, Duration stall, long deadline) {
    long start = System.nanoTime();
    long nextLine = start + PROGRESS_INTERVAL.toNanos();
    while (true) {
      long until = Math.min(Math.min(deadline, nextLine), watch.lastProgress + stall.toNanos());
      Boolean gone = watch.await(until);
      if (gone != null) {
        return gone;
      }
      long now = System.nanoTime();
      if (now >= deadline || now - watch.lastProgress >= stall.toNanos()) {
        return null;
      }
      if (now >= nextLine) {
        Namespace ns = watch.current();
        if (ns == null) {
          return Boolean.TRUE;
        }
        log.info(
            "Namespace {} (environment {}) still terminating after {} s: {}",
            namespace,
            environment,
            Duration.ofNanos(now - start).toSeconds(),
            remaining(ns));
        nextLine = now + PROGRESS_INTERVAL.toNanos();
      }
    }
  }

  /** What a Terminating namespace still holds, from its conditions, in one line. */
  public static String remaining(Namespace ns) {
    List<String> parts = new ArrayList<>();
    if (ns.getStatus() != null && ns.getStatus().getConditions() != null) {
      for (NamespaceCondition c : ns.getStatus().getConditions()) {
        if ("True".equalsIgnoreCase(c.getStatus())
            && c.getType() != null
            && c.getType().endsWith("Remaining")
            && c.getMessage() != null) {
          parts.add(c.getMessage());
        }
      }
    }
    return parts.isEmpty()
        ? "its contents are being removed (pods get their grace period)"
        : String.join("; ", parts);
  }

  private GoneWatch open(String namespace, long deadline) {
    return retry.call(op("watch", namespace), () -> new GoneWatch(client, namespace, deadline));
  }

  /**
   * An informer on one namespace: its list says whether the namespace exists, its watch reports the
   * deletion. On a lost connection it lists again, so no deletion is missed.
   */
  private static final class GoneWatch implements AutoCloseable {
    private final CompletableFuture<Boolean> signal = new CompletableFuture<>();
    private final SharedIndexInformer<Namespace> informer;
    // when the namespace's status last changed (the namespace controller making progress)
    private volatile long lastProgress = System.nanoTime();

    GoneWatch(KubernetesClient client, String namespace, long deadline) {
      informer = client.namespaces().withName(namespace).runnableInformer(0);
      informer.addEventHandler(
          new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace obj) {}

            @Override
            public void onUpdate(Namespace oldObj, Namespace newObj) {
              if (!Objects.equals(oldObj.getStatus(), newObj.getStatus())) {
                lastProgress = System.nanoTime();
              }
            }

            @Override
            public void onDelete(Namespace obj, boolean deletedFinalStateUnknown) {
              signal.complete(Boolean.TRUE);
            }
          });
      try {
        informer
            .start()
            .toCompletableFuture()
            .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        informer.close();
        if (Tasks.cause(e) instanceof RuntimeException r) {
          throw r;
        }
        // no answer (e.g. a reset connection): a client error, so that the caller's retry applies
        throw new KubernetesClientException(
            "Could not watch namespace " + namespace + ": " + Tasks.cause(e), Tasks.cause(e));
      } catch (TimeoutException e) {
        informer.close();
        throw new PreviewEnvException(
            "Could not start watching namespace " + namespace + " in time", e);
      } catch (InterruptedException e) {
        informer.close();
        throw Tasks.interrupted("watching namespace " + namespace, e);
      }
      informer.stopped().whenComplete((ignored, error) -> signal.complete(Boolean.FALSE));
    }

    /** The namespace as last seen by the informer, or {@code null} when it does not exist. */
    Namespace current() {
      return informer.getStore().list().stream().findFirst().orElse(null);
    }

    /** {@code TRUE}: deleted; {@code FALSE}: the informer stopped; {@code null}: deadline. */
    Boolean await(long deadline) {
      if (current() == null) {
        return Boolean.TRUE;
      }
      try {
        return signal.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        return current() == null ? Boolean.TRUE : null;
      } catch (ExecutionException e) {
        return Boolean.FALSE;
      } catch (InterruptedException e) {
        throw Tasks.interrupted("waiting for a namespace to go", e);
      }
    }

    @Override
    public void close() {
      informer.close();
    }
  }

  private String stuckMessage(Namespace ns, String environment, String after) {
    String name = ns.getMetadata().getName();
    StringBuilder sb = new StringBuilder();
    sb.append("Namespace ")
        .append(name)
        .append(" of environment ")
        .append(environment)
        .append(" is still ")
        .append(
            ns.getStatus() == null || ns.getStatus().getPhase() == null
                ? "present"
                : ns.getStatus().getPhase())
        .append(' ')
        .append(after)
        .append('.');
    List<String> conditions = new ArrayList<>();
    if (ns.getStatus() != null && ns.getStatus().getConditions() != null) {
      for (NamespaceCondition c : ns.getStatus().getConditions()) {
        if ("True".equalsIgnoreCase(c.getStatus())) {
          conditions.add(
              c.getType() + ": " + (c.getMessage() == null ? c.getReason() : c.getMessage()));
        }
      }
    }
    sb.append(" Conditions: ")
        .append(conditions.isEmpty() ? "none reported" : String.join("; ", conditions))
        .append('.');
    List<String> nsFinalizers = new ArrayList<>();
    if (ns.getSpec() != null && ns.getSpec().getFinalizers() != null) {
      nsFinalizers.addAll(ns.getSpec().getFinalizers());
    }
    if (ns.getMetadata().getFinalizers() != null) {
      nsFinalizers.addAll(ns.getMetadata().getFinalizers());
    }
    if (!nsFinalizers.isEmpty()) {
      sb.append(" Namespace finalizers: ").append(String.join(", ", nsFinalizers)).append('.');
    }
    List<String> blocking = blockingObjects(name);
    if (!blocking.isEmpty()) {
      sb.append(" Objects with finalizers: ").append(String.join("; ", blocking)).append('.');
    }
    sb.append(" The controller owning a finalizer must remove it; when that controller is gone,")
        .append(" remove the finalizer by hand (kubectl patch <kind>/<name> -n ")
        .append(name)
        .append(" --type=merge -p '{\"metadata\":{\"finalizers\":null}}').");
    return sb.toString();
  }

  private List<String> blockingObjects(String namespace) {
    List<String> found = new ArrayList<>();
    for (String kind : recordedKinds(namespace)) {
      int slash = kind.lastIndexOf('/');
      if (slash <= 0) {
        continue;
      }
      try {
        for (GenericKubernetesResource r :
            retry.call(
                new Retry.Op(
                    "list",
                    Coordinates.group(kind.substring(0, slash)),
                    Coordinates.plural(kind.substring(slash + 1)),
                    namespace,
                    null),
                () ->
                    client
                        .genericKubernetesResources(
                            kind.substring(0, slash), kind.substring(slash + 1))
                        .inNamespace(namespace)
                        .list()
                        .getItems())) {
          List<String> f = r.getMetadata().getFinalizers();
          if (f != null && !f.isEmpty()) {
            found.add(Coordinates.kindName(r) + " [" + String.join(", ", f) + "]");
          }
        }
      } catch (RuntimeException e) {
        log.debug("Could not list {} in namespace {}: {}", kind, namespace, e.getMessage());
      }
    }
    return found;
  }

  private static Map<String, String> annotations(HasMetadata o) {
    if (o.getMetadata().getAnnotations() == null) {
      o.getMetadata().setAnnotations(new LinkedHashMap<>());
    }
    return o.getMetadata().getAnnotations();
  }

  private static PreviewEnvException notOurs(Namespace ns, String environment, String verb) {
    String name = ns.getMetadata().getName();
    Map<String, String> labels =
        ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels();
    String seen;
    if (Keys.isProtected(name)) {
      seen = "it belongs to Kubernetes itself";
    } else if (!labels.containsKey(Keys.MANAGED_BY)) {
      seen = "it has no " + Keys.MANAGED_BY + " label, so something else created it";
    } else if (!Keys.MANAGED_BY_VALUE.equals(labels.get(Keys.MANAGED_BY))) {
      seen = "it is managed by " + labels.get(Keys.MANAGED_BY);
    } else {
      seen =
          "it belongs to PreviewEnv environment "
              + labels.getOrDefault(Keys.ENVIRONMENT, "(none: no " + Keys.ENVIRONMENT + " label)");
    }
    return new PreviewEnvException(
        "Refusing to "
            + verb
            + " namespace "
            + name
            + " for environment "
            + environment
            + ": expected labels "
            + Keys.MANAGED_BY
            + "="
            + Keys.MANAGED_BY_VALUE
            + " and "
            + Keys.ENVIRONMENT
            + "="
            + environment
            + ", but "
            + seen
            + ". Choose another environment name (e.g. a prefix in EnvironmentName.forBranch(prefix,"
            + " branch)) or remove that namespace yourself if it is no longer needed",
        environment,
        "Namespace/" + name,
        null);
  }
}
