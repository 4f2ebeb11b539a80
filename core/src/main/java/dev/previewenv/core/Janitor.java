package dev.previewenv.core;

import dev.previewenv.core.internal.Tasks;
import dev.previewenv.core.internal.kube.Keys;
import dev.previewenv.core.internal.provision.Namespaces;
import dev.previewenv.core.internal.provision.OwnerLease;
import dev.previewenv.core.internal.provision.Ownership;
import dev.previewenv.core.internal.retry.Retry;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes environments nobody needs any more: those whose {@code previewenv.dev/expires-at} has
 * passed, those whose owner died (orphaned: its Lease {@code previewenv-owner} was not renewed
 * within its {@code leaseDurationSeconds}, or the namespace announced a heartbeat that never took
 * its lease within that time), and those a caller-supplied predicate no longer wants (e.g. the
 * branch was merged). The leases of all environments are read with one cluster-wide list call.
 * Immutable and thread-safe; get one from {@link Provisioner#janitor()}.
 *
 * <p>Guarantees: one list call selects namespaces labelled {@code
 * app.kubernetes.io/managed-by=previewenv}; namespaces without that label are never looked at, and
 * each namespace is deleted only in the state whose labels were checked. An environment whose owner
 * lease is live is never deleted, whatever its expiry says, until it is older than the hard maximum
 * age ({@link #withMaxAge}, default 24 hours); a namespace changed since the list (a new owner
 * claimed it) is checked again with its lease read afresh. A namespace with a missing or
 * unparseable expiry is reported as a problem and not deleted for expiry (only an expired owner
 * lease or the predicate can select it). Namespaces already Terminating are left alone. Deletion is
 * requested concurrently and not awaited; each delete carries the listed namespace's
 * resourceVersion as a precondition, so a namespace changed since the list (its labels included) is
 * read and checked again first.
 */
public final class Janitor implements Cloneable {
  private static final Logger log = LoggerFactory.getLogger(Janitor.class);

  // set at construction and on the copies the with-methods make (the idiom of Provisioner,
  // E2eJob and Plan.Builder): an instance never changes once it is handed out
  private final KubernetesClient client;
  private final int concurrency;
  private final Retry retry;
  private Predicate<EnvironmentInfo> keep;
  private boolean dryRun;
  private java.time.Duration maxAge;

  /** The default hard maximum age: 24 hours from creation, whatever the owner lease says. */
  public static final java.time.Duration DEFAULT_MAX_AGE = java.time.Duration.ofHours(24);

  Janitor(
      KubernetesClient client,
      int concurrency,
      Predicate<EnvironmentInfo> keep,
      boolean dryRun,
      Retry retry) {
    this(client, concurrency, keep, dryRun, retry, DEFAULT_MAX_AGE);
  }

  Janitor(
      KubernetesClient client,
      int concurrency,
      Predicate<EnvironmentInfo> keep,
      boolean dryRun,
      Retry retry,
      java.time.Duration maxAge) {
    this.client = client;
    this.concurrency = concurrency;
    this.keep = keep;
    this.dryRun = dryRun;
    this.retry = retry;
    this.maxAge = maxAge;
  }

  /**
   * The hard maximum age (from creation): older environments are deleted even while their owner
   * lease is live, so that a hung owner cannot keep one forever. Default {@link #DEFAULT_MAX_AGE}.
   */
  public Janitor withMaxAge(java.time.Duration maxAge) {
    if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("max age must be positive, was " + maxAge);
    }
    return with(j -> j.maxAge = maxAge);
  }

  /** Only reports what would be deleted. */
  public Janitor withDryRun(boolean dryRun) {
    return with(j -> j.dryRun = dryRun);
  }

  /**
   * Also deletes unexpired environments for which {@code keep} returns false, e.g. {@code info ->
   * openBranches.contains(info.branch().orElse(""))}.
   */
  public Janitor withKeep(Predicate<EnvironmentInfo> keep) {
    java.util.Objects.requireNonNull(keep, "keep");
    return with(j -> j.keep = keep);
  }

  private Janitor with(java.util.function.Consumer<Janitor> change) {
    try {
      Janitor copy = (Janitor) super.clone();
      change.accept(copy);
      return copy;
    } catch (CloneNotSupportedException e) {
      throw new AssertionError(e);
    }
  }

  /** Lists managed environments, selects those to remove as of {@code now}, and deletes them. */
  public JanitorReport gc(Instant now) {
    List<Namespace> namespaces =
        retry.call(
            new Retry.Op("list", "", "namespaces", null, null),
            () ->
                client
                    .namespaces()
                    .withLabel(Keys.MANAGED_BY, Keys.MANAGED_BY_VALUE)
                    .list()
                    .getItems());
    Map<String, Lease> leases = new OwnerLease(client, retry).all();
    List<EnvironmentInfo> kept = new ArrayList<>();
    List<JanitorReport.Removal> selected = new ArrayList<>();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    for (Namespace ns : namespaces) {
      String name = ns.getMetadata().getName();
      Map<String, String> labels = ns.getMetadata().getLabels();
      String env = labels == null ? null : labels.get(Keys.ENVIRONMENT);
      if (env == null || Keys.isProtected(name)) {
        problems.add(
            "Namespace "
                + name
                + " is labelled "
                + Keys.MANAGED_BY
                + "="
                + Keys.MANAGED_BY_VALUE
                + " but has no "
                + Keys.ENVIRONMENT
                + " label (or is a Kubernetes namespace); left alone. Delete it by hand if it is"
                + " not needed");
        continue;
      }
      EnvironmentInfo info = info(ns, env, problems);
      if (info.terminating()) {
        kept.add(info);
        continue;
      }
      String orphaned = orphaned(ns, leases.get(name), now);
      String tooOld = tooOld(info, now);
      if (tooOld != null) {
        selected.add(new JanitorReport.Removal(info, tooOld, false));
      } else if (Ownership.liveHolder(ns, leases.get(name), now).isPresent()) {
        // a live owner holds it: never deleted, whatever its expiry says
        kept.add(info);
      } else if (info.expiresAt().isPresent() && !info.expiresAt().get().isAfter(now)) {
        selected.add(
            new JanitorReport.Removal(info, "expired at " + info.expiresAt().get(), false));
      } else if (orphaned != null) {
        selected.add(new JanitorReport.Removal(info, orphaned, false));
      } else if (keep != null && !keep.test(info)) {
        selected.add(
            new JanitorReport.Removal(info, "no longer wanted by the keep predicate", false));
      } else {
        kept.add(info);
      }
    }
    List<JanitorReport.Removal> removals =
        dryRun ? selected : delete(selected, namespaces, problems, now);
    log.info(
        "Janitor{}: {} managed environment(s), {} selected for deletion, {} kept, {} problem(s)",
        dryRun ? " (dry run)" : "",
        namespaces.size(),
        removals.size(),
        kept.size(),
        problems.size());
    return new JanitorReport(dryRun, removals, kept, problems);
  }

  private List<JanitorReport.Removal> delete(
      List<JanitorReport.Removal> selected,
      List<Namespace> listed,
      List<String> problems,
      Instant now) {
    if (selected.isEmpty()) {
      return selected;
    }
    Map<String, Namespace> byName = new java.util.HashMap<>();
    listed.forEach(ns -> byName.put(ns.getMetadata().getName(), ns));
    Namespaces namespaces = new Namespaces(client, retry);
    List<Callable<Boolean>> deletions = new ArrayList<>();
    for (JanitorReport.Removal r : selected) {
      // the listed object's labels were checked; its resourceVersion is the delete's
      // precondition (a namespace changed since is read and checked again)
      deletions.add(
          () -> {
            Namespace first = byName.get(r.environment().namespace());
            return namespaces.requestDeletion(
                first, r.environment().name(), n -> recheck(first, n, now));
          });
    }
    List<Tasks.Outcome<Boolean>> outcomes =
        Tasks.each("previewenv-janitor", concurrency, deletions);
    List<JanitorReport.Removal> result = new ArrayList<>();
    for (int i = 0; i < selected.size(); i++) {
      JanitorReport.Removal r = selected.get(i);
      Tasks.Outcome<Boolean> o = outcomes.get(i);
      if (o.failed()) {
        problems.add(o.failure().getMessage());
      }
      result.add(
          new JanitorReport.Removal(r.environment(), r.reason(), Boolean.TRUE.equals(o.value())));
    }
    return result;
  }

  /**
   * A namespace that changed since the list (e.g. a new owner claimed it) is checked again with its
   * lease read afresh: a live owner's environment is never deleted (unless too old).
   */
  private void recheck(Namespace listed, Namespace current, Instant now) {
    if (!java.util.Objects.equals(
        listed.getMetadata().getResourceVersion(), current.getMetadata().getResourceVersion())) {
      checkNotTaken(current, now);
    }
    // the environment's secret hand-offs leave the shared source secrets with it
    new dev.previewenv.core.internal.provision.SecretInstaller(client, retry).release(current);
  }

  private void checkNotTaken(Namespace current, Instant now) {
    String name = current.getMetadata().getName();
    String env = current.getMetadata().getLabels().get(Keys.ENVIRONMENT);
    if (tooOld(info(current, env, new ArrayList<>()), now) != null) {
      return;
    }
    Optional<EnvironmentHolder> live =
        Ownership.liveHolder(current, Ownership.lease(client, retry, name), now);
    if (live.isPresent()) {
      throw new PreviewEnvException(
          "Environment "
              + env
              + " was taken by live owner "
              + live.get().identity()
              + " since the janitor listed it; left alone",
          env,
          "Namespace/" + name,
          null);
    }
  }

  private String tooOld(EnvironmentInfo info, Instant now) {
    if (info.createdAt().isPresent() && !info.createdAt().get().plus(maxAge).isAfter(now)) {
      return "older than the maximum age of "
          + maxAge
          + " (created at "
          + info.createdAt().get()
          + "), whatever its owner lease says";
    }
    return null;
  }

  /** Why the environment counts as orphaned as of {@code now}, or {@code null} when it does not. */
  private static String orphaned(Namespace ns, Lease lease, Instant now) {
    if (lease != null) {
      Optional<Instant> expiry = OwnerLease.expiry(lease);
      if (expiry.isPresent() && expiry.get().isBefore(now)) {
        String holder = lease.getSpec().getHolderIdentity();
        return "orphaned: owner "
            + (holder == null ? "(unknown)" : holder)
            + " stopped renewing lease "
            + OwnerLease.NAME
            + ", which expired at "
            + expiry.get();
      }
      return null;
    }
    Map<String, String> a =
        ns.getMetadata().getAnnotations() == null ? Map.of() : ns.getMetadata().getAnnotations();
    Optional<Instant> since = instant(a.get(Keys.HEARTBEAT_SINCE));
    String seconds = a.get(Keys.HEARTBEAT_SECONDS);
    if (since.isEmpty() || seconds == null) {
      return null; // no heartbeat announced (kept environment, or an older PreviewEnv)
    }
    long duration;
    try {
      duration = Long.parseLong(seconds.strip());
    } catch (NumberFormatException e) {
      return null;
    }
    Instant deadline = since.get().plusSeconds(duration);
    if (deadline.isBefore(now)) {
      return "orphaned: its owner announced a heartbeat at "
          + since.get()
          + " but never took lease "
          + OwnerLease.NAME
          + " (due by "
          + deadline
          + ")";
    }
    return null;
  }

  private static EnvironmentInfo info(Namespace ns, String env, List<String> problems) {
    Map<String, String> a =
        ns.getMetadata().getAnnotations() == null ? Map.of() : ns.getMetadata().getAnnotations();
    String name = ns.getMetadata().getName();
    Optional<Instant> expires = instant(a.get(Keys.EXPIRES_AT));
    if (expires.isEmpty()) {
      problems.add(
          "Namespace "
              + name
              + " (environment "
              + env
              + ") has "
              + (a.containsKey(Keys.EXPIRES_AT)
                  ? "an unparseable " + Keys.EXPIRES_AT + " \"" + a.get(Keys.EXPIRES_AT) + "\""
                  : "no " + Keys.EXPIRES_AT + " annotation")
              + ", expected an ISO-8601 UTC time such as 2024-05-01T12:00:00Z; not deleted for"
              + " expiry. Fix the annotation or delete the namespace by hand");
    }
    return new EnvironmentInfo(
        env,
        name,
        Optional.ofNullable(a.get(Keys.BRANCH)),
        Optional.ofNullable(a.get(Keys.OWNER)),
        instant(a.get(Keys.CREATED_AT)),
        expires,
        Namespaces.isTerminating(ns));
  }

  private static Optional<Instant> instant(String value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(value.strip()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
