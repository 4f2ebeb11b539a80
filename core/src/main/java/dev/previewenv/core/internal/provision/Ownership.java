package dev.previewenv.core.internal.provision;

import dev.previewenv.core.EnvironmentHolder;
import dev.previewenv.core.OnConflict;
import dev.previewenv.core.OwnerConflictException;
import dev.previewenv.core.internal.Tasks;
import dev.previewenv.core.internal.kube.Keys;
import dev.previewenv.core.internal.retry.Retry;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who holds an environment, and the one-owner rule built on it. The authority is the namespace
 * annotation {@link Meta#HOLDER}, written only with the namespace's resourceVersion as a
 * precondition; the Lease {@link OwnerLease#NAME} is the holder's heartbeat. A holder is
 * <em>live</em> while its lease (same holder identity) is unexpired, or, before it took the lease,
 * while the heartbeat it announced on the namespace is due.
 */
public final class Ownership {
  private static final Logger log = LoggerFactory.getLogger(Ownership.class);

  private Ownership() {}

  /** The holder identity of this JVM for {@code owner}: {@code <owner>@<host>:<pid>}. */
  public static String holderIdentity(String owner) {
    return owner + "@" + host() + ":" + ProcessHandle.current().pid();
  }

  private static String host() {
    String h = System.getenv("HOSTNAME");
    if (h != null && !h.isBlank()) {
      return h.strip();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String runtime = ManagementFactory.getRuntimeMXBean().getName();
      int at = runtime.indexOf('@');
      return at >= 0 ? runtime.substring(at + 1) : "unknown-host";
    }
  }

  /** The identity recorded as holding {@code ns}: its annotation, else its lease's holder. */
  public static Optional<String> recordedHolder(Namespace ns, Lease lease) {
    String annotated = annotations(ns).get(Keys.HOLDER);
    if (annotated != null && !annotated.isBlank()) {
      return Optional.of(annotated);
    }
    if (lease != null && lease.getSpec() != null && lease.getSpec().getHolderIdentity() != null) {
      return Optional.of(lease.getSpec().getHolderIdentity()); // made by an earlier version
    }
    return Optional.empty();
  }

  /** The live holder of {@code ns} as of {@code now}, given its lease ({@code null}: none). */
  public static Optional<EnvironmentHolder> liveHolder(Namespace ns, Lease lease, Instant now) {
    if (ns == null) {
      return Optional.empty();
    }
    Optional<String> holder = recordedHolder(ns, lease);
    if (holder.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> a = annotations(ns);
    Optional<Instant> announced = instant(a.get(Keys.HEARTBEAT_SINCE));
    if (lease != null
        && lease.getSpec() != null
        && holder.get().equals(lease.getSpec().getHolderIdentity())) {
      Optional<Instant> expiry = OwnerLease.expiry(lease);
      if (expiry.isPresent() && expiry.get().isAfter(now)) {
        Instant since =
            announced
                .or(
                    () ->
                        Optional.ofNullable(lease.getSpec().getAcquireTime())
                            .map(t -> t.toInstant()))
                .orElse(expiry.get());
        return Optional.of(new EnvironmentHolder(holder.get(), since, expiry.get()));
      }
      return Optional.empty();
    }
    // the holder claimed the namespace but has not (yet) taken the lease: its announcement counts
    String seconds = a.get(Keys.HEARTBEAT_SECONDS);
    if (announced.isPresent() && seconds != null && a.containsKey(Keys.HOLDER)) {
      try {
        Instant due = announced.get().plusSeconds(Long.parseLong(seconds.strip()));
        if (due.isAfter(now)) {
          return Optional.of(new EnvironmentHolder(holder.get(), announced.get(), due));
        }
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** The lease of {@code namespace}, or {@code null}. */
  public static Lease lease(KubernetesClient client, Retry retry, String namespace) {
    return retry.call(
        new Retry.Op("get", "coordination.k8s.io", "leases", namespace, OwnerLease.NAME),
        () -> client.leases().inNamespace(namespace).withName(OwnerLease.NAME).get());
  }

  /**
   * The check made on every fresh copy of an existing namespace before {@code me} claims it: passes
   * when nobody else holds it live, or when {@code policy} lets {@code me} have it (waiting when it
   * says so). Throws {@link OwnerConflictException} otherwise; then nothing was changed.
   */
  public static void checkClaim(
      KubernetesClient client,
      Retry retry,
      Namespace ns,
      String environment,
      String me,
      OnConflict policy) {
    String name = ns.getMetadata().getName();
    Lease lease = lease(client, retry, name);
    Optional<EnvironmentHolder> live = liveHolder(ns, lease, Instant.now());
    if (live.isEmpty() || live.get().identity().equals(me)) {
      return;
    }
    EnvironmentHolder other = live.get();
    switch (policy.mode()) {
      case TAKE_OVER ->
          log.warn(
              "Taking environment {} over from live owner {} (holding it since {}), as"
                  + " OnConflict.takeOver() says; that owner stops renewing and leaves it alone",
              environment,
              other.identity(),
              other.since());
      case FAIL -> throw conflict(environment, other, me, null);
      case WAIT -> awaitRelease(client, retry, name, environment, me, other, policy.maxWait());
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void awaitRelease(
      KubernetesClient client,
      Retry retry,
      String namespace,
      String environment,
      String me,
      EnvironmentHolder first,
      Duration maxWait) {
    log.info(
        "Environment {} is held by live owner {} since {}; waiting up to {} for it to finish"
            + " (OnConflict.waitAtMost)",
        environment,
        first.identity(),
        first.since(),
        maxWait);
    long deadline = System.nanoTime() + maxWait.toNanos();
    EnvironmentHolder last = first;
    while (true) {
      CompletableFuture<Void> changed = new CompletableFuture<>();
      Watcher<Object> w =
          new Watcher<>() {
            @Override
            public void eventReceived(Action action, Object resource) {
              changed.complete(null);
            }

            @Override
            public void onClose(WatcherException cause) {
              changed.complete(null);
            }
          };
      Watch leaseWatch =
          client.leases().inNamespace(namespace).withName(OwnerLease.NAME).watch((Watcher) w);
      Watch nsWatch = client.namespaces().withName(namespace).watch((Watcher) w);
      try {
        // read after the watch is open: no change between the read and the wait is missed
        Namespace ns = new Namespaces(client, retry).get(namespace);
        Optional<EnvironmentHolder> live =
            liveHolder(ns, lease(client, retry, namespace), Instant.now());
        if (live.isEmpty() || live.get().identity().equals(me)) {
          log.info("Environment {}: owner {} is gone; taking it", environment, last.identity());
          return;
        }
        last = live.get();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw conflict(environment, last, me, maxWait);
        }
        // woken by a change of the lease, or when the lease would expire unrenewed
        long untilExpiry =
            Math.max(1, Duration.between(Instant.now(), last.validUntil()).toNanos() + 1_000_000L);
        try {
          changed.get(Math.min(left, untilExpiry), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
          // re-evaluated below
        } catch (InterruptedException e) {
          throw Tasks.interrupted("waiting for owner " + last.identity() + " of " + environment, e);
        }
      } finally {
        leaseWatch.close();
        nsWatch.close();
      }
    }
  }

  /** The conflict error: who holds it, since when, and what to do. */
  public static OwnerConflictException conflict(
      String environment, EnvironmentHolder holder, String me, Duration waited) {
    return new OwnerConflictException(
        "Environment "
            + environment
            + " is held by another live owner: "
            + holder.identity()
            + ", since "
            + holder.since()
            + " (lease valid until "
            + holder.validUntil()
            + ")"
            + (waited == null ? "" : "; waited " + waited + " for it to finish")
            + ". This owner ("
            + me
            + ") changed nothing. One environment has one owner: let that run finish, use another"
            + " environment name (e.g. a prefix in EnvironmentName.forBranch(prefix, branch)), or"
            + " choose Provisioner.withOnConflict(OnConflict.waitAtMost(...)) to wait for it or"
            + " OnConflict.takeOver() to take it over",
        environment,
        holder);
  }

  /**
   * Who keeps {@code me} from deleting {@code ns} (given its lease), or {@code null} when nobody
   * does. An owner ({@code me} not null) may delete only while it is the recorded holder (or none
   * is recorded); anyone else ({@code me == null}) only while no live owner holds it.
   */
  public static EnvironmentHolder blockingHolder(Namespace ns, Lease lease, String me) {
    if (me != null) {
      Optional<String> recorded = recordedHolder(ns, lease);
      if (recorded.isEmpty() || recorded.get().equals(me)) {
        return null;
      }
      // lost: whoever holds it now, live or not, decides; this owner never deletes it
      return liveHolder(ns, lease, Instant.now())
          .orElseGet(
              () ->
                  new EnvironmentHolder(
                      recorded.get(),
                      instant(annotations(ns).get(Keys.HEARTBEAT_SINCE)).orElse(Instant.now()),
                      lease == null
                          ? Instant.now()
                          : OwnerLease.expiry(lease).orElse(Instant.now())));
    }
    return liveHolder(ns, lease, Instant.now()).orElse(null);
  }

  static Map<String, String> annotations(Namespace ns) {
    Map<String, String> a = ns.getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  static Optional<Instant> instant(String value) {
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
