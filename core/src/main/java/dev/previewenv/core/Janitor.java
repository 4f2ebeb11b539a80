package dev.previewenv.core;

import dev.previewenv.core.internal.DaemonThreads;
import dev.previewenv.core.internal.provision.Meta;
import dev.previewenv.core.internal.provision.Namespaces;
import dev.previewenv.core.internal.provision.OwnerLease;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * each namespace is deleted only in the state whose labels were checked. A namespace with a missing
 * or unparseable expiry is reported as a problem and not deleted for expiry (only an expired owner
 * lease or the predicate can select it). Namespaces already Terminating are left alone. Deletion is
 * requested concurrently and not awaited; each delete carries the listed namespace's
 * resourceVersion as a precondition, so a namespace changed since the list (its labels included) is
 * read and checked again first.
 */
public final class Janitor {
  private static final Logger log = LoggerFactory.getLogger(Janitor.class);

  private final KubernetesClient client;
  private final int concurrency;
  private final Predicate<EnvironmentInfo> keep;
  private final boolean dryRun;
  private final Retry retry;

  Janitor(
      KubernetesClient client,
      int concurrency,
      Predicate<EnvironmentInfo> keep,
      boolean dryRun,
      Retry retry) {
    this.client = client;
    this.concurrency = concurrency;
    this.keep = keep;
    this.dryRun = dryRun;
    this.retry = retry;
  }

  /** Only reports what would be deleted. */
  public Janitor withDryRun(boolean dryRun) {
    return new Janitor(client, concurrency, keep, dryRun, retry);
  }

  /**
   * Also deletes unexpired environments for which {@code keep} returns false, e.g. {@code info ->
   * openBranches.contains(info.branch().orElse(""))}.
   */
  public Janitor withKeep(Predicate<EnvironmentInfo> keep) {
    return new Janitor(
        client, concurrency, java.util.Objects.requireNonNull(keep, "keep"), dryRun, retry);
  }

  /** Lists managed environments, selects those to remove as of {@code now}, and deletes them. */
  public JanitorReport gc(Instant now) {
    List<Namespace> namespaces =
        retry.call(
            new Retry.Op("list", "", "namespaces", null, null),
            () ->
                client
                    .namespaces()
                    .withLabel(Meta.MANAGED_BY, Meta.MANAGED_BY_VALUE)
                    .list()
                    .getItems());
    Map<String, Lease> leases = new OwnerLease(client, retry).all();
    List<EnvironmentInfo> kept = new ArrayList<>();
    List<JanitorReport.Removal> selected = new ArrayList<>();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    for (Namespace ns : namespaces) {
      String name = ns.getMetadata().getName();
      Map<String, String> labels = ns.getMetadata().getLabels();
      String env = labels == null ? null : labels.get(Meta.ENVIRONMENT);
      if (env == null || Meta.isProtected(name)) {
        problems.add(
            "Namespace "
                + name
                + " is labelled "
                + Meta.MANAGED_BY
                + "="
                + Meta.MANAGED_BY_VALUE
                + " but has no "
                + Meta.ENVIRONMENT
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
      if (info.expiresAt().isPresent() && !info.expiresAt().get().isAfter(now)) {
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
        dryRun ? selected : delete(selected, namespaces, problems);
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
      List<JanitorReport.Removal> selected, List<Namespace> listed, List<String> problems) {
    if (selected.isEmpty()) {
      return selected;
    }
    Map<String, Namespace> byName = new java.util.HashMap<>();
    listed.forEach(ns -> byName.put(ns.getMetadata().getName(), ns));
    Namespaces namespaces = new Namespaces(client, retry);
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(concurrency, selected.size()), DaemonThreads.named("previewenv-janitor"));
    try {
      List<Future<Boolean>> futures = new ArrayList<>();
      for (JanitorReport.Removal r : selected) {
        futures.add(
            pool.submit(
                // the listed object's labels were checked; its resourceVersion is the
                // delete's precondition (a namespace changed since is read and checked again)
                () ->
                    namespaces.requestDeletion(
                        byName.get(r.environment().namespace()), r.environment().name())));
      }
      List<JanitorReport.Removal> result = new ArrayList<>();
      for (int i = 0; i < selected.size(); i++) {
        JanitorReport.Removal r = selected.get(i);
        boolean deleted = false;
        try {
          deleted = futures.get(i).get();
        } catch (ExecutionException e) {
          problems.add(e.getCause().getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new PreviewEnvException(
              "Interrupted while the janitor was deleting environments", e);
        }
        result.add(new JanitorReport.Removal(r.environment(), r.reason(), deleted));
      }
      return result;
    } finally {
      pool.shutdownNow();
    }
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
    Optional<Instant> since = instant(a.get(OwnerLease.HEARTBEAT_SINCE));
    String seconds = a.get(OwnerLease.HEARTBEAT_SECONDS);
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
    Optional<Instant> expires = instant(a.get(Meta.EXPIRES_AT));
    if (expires.isEmpty()) {
      problems.add(
          "Namespace "
              + name
              + " (environment "
              + env
              + ") has "
              + (a.containsKey(Meta.EXPIRES_AT)
                  ? "an unparseable " + Meta.EXPIRES_AT + " \"" + a.get(Meta.EXPIRES_AT) + "\""
                  : "no " + Meta.EXPIRES_AT + " annotation")
              + ", expected an ISO-8601 UTC time such as 2024-05-01T12:00:00Z; not deleted for"
              + " expiry. Fix the annotation or delete the namespace by hand");
    }
    return new EnvironmentInfo(
        env,
        name,
        Optional.ofNullable(a.get(Meta.BRANCH)),
        Optional.ofNullable(a.get(Meta.OWNER)),
        instant(a.get(Meta.CREATED_AT)),
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
