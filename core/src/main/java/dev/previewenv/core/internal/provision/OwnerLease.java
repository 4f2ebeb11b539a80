package dev.previewenv.core.internal.provision;

import dev.previewenv.core.internal.DaemonThreads;
import dev.previewenv.core.internal.kube.Keys;
import dev.previewenv.core.internal.retry.Retry;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner heartbeat: a {@code coordination.k8s.io/v1} Lease {@value #NAME} in the environment's
 * namespace, held by the owner and renewed by a daemon thread while the environment is in use. When
 * the owning JVM dies, renewals stop and the lease expires ({@code renewTime +
 * leaseDurationSeconds}): the {@code Janitor} then treats the environment as orphaned.
 *
 * <p>The namespace carries {@value #HEARTBEAT_SECONDS} and {@value #HEARTBEAT_SINCE} while a
 * heartbeat is expected, so that an owner that died between creating the namespace and taking the
 * lease is recognised too. A kept environment (cleanup policy) has its lease and these annotations
 * removed: then only its expiry counts.
 */
public final class OwnerLease {
  private static final Logger log = LoggerFactory.getLogger(OwnerLease.class);
  private static final int NOT_FOUND = 404;
  private static final int CONFLICT = 409;

  /** The name of the lease in every environment namespace. */
  public static final String NAME = "previewenv-owner";

  private final KubernetesClient client;
  private final Retry retry;

  public OwnerLease(KubernetesClient client, Retry retry) {
    this.client = client;
    this.retry = retry;
  }

  /** The namespace annotations announcing a heartbeat of {@code duration} from {@code now}. */
  public static Map<String, String> announcement(Instant now, Duration duration) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put(Keys.HEARTBEAT_SECONDS, Long.toString(duration.toSeconds()));
    a.put(Keys.HEARTBEAT_SINCE, Namespaces.timestamp(now));
    return a;
  }

  /** When {@code lease} expires: renew (or acquire) time plus duration; empty when unreadable. */
  public static Optional<Instant> expiry(Lease lease) {
    if (lease.getSpec() == null || lease.getSpec().getLeaseDurationSeconds() == null) {
      return Optional.empty();
    }
    ZonedDateTime renewed =
        lease.getSpec().getRenewTime() != null
            ? lease.getSpec().getRenewTime()
            : lease.getSpec().getAcquireTime();
    if (renewed == null) {
      return Optional.empty();
    }
    return Optional.of(
        renewed.toInstant().plusSeconds(lease.getSpec().getLeaseDurationSeconds().longValue()));
  }

  /** Thrown by a renewal when another holder has taken the lease over. */
  public static final class LostException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String holder;

    LostException(String holder) {
      super("taken over by " + holder, null, false, false);
      this.holder = holder;
    }

    /** The holder that has the lease now. */
    public String holder() {
      return holder;
    }
  }

  private Lease build(String namespace, String environment, String holder, Duration duration) {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    return new LeaseBuilder()
        .withNewMetadata()
        .withName(NAME)
        .withNamespace(namespace)
        .withLabels(Keys.labels(environment))
        .endMetadata()
        .withNewSpec()
        .withHolderIdentity(holder)
        .withLeaseDurationSeconds((int) Math.max(1, duration.toSeconds()))
        .withAcquireTime(now)
        .withRenewTime(now)
        .endSpec()
        .build();
  }

  /**
   * Renews the lease of {@code namespace} for {@code holder}, now, with the lease's resourceVersion
   * as a precondition (creating it when absent).
   *
   * @throws LostException when another holder has the lease
   */
  public Lease renew(String namespace, String environment, String holder, Duration duration) {
    return write(namespace, environment, holder, duration, false);
  }

  /**
   * Takes the lease of {@code namespace} for {@code holder}, whoever had it: called right after
   * {@code holder} claimed the namespace itself (annotation {@link Meta#HOLDER}).
   */
  public Lease take(String namespace, String environment, String holder, Duration duration) {
    return write(namespace, environment, holder, duration, true);
  }

  private Lease write(
      String namespace, String environment, String holder, Duration duration, boolean force) {
    Retry.Op op = new Retry.Op("update", "coordination.k8s.io", "leases", namespace, NAME);
    for (int attempt = 0; ; attempt++) {
      Lease current =
          retry.call(op, () -> client.leases().inNamespace(namespace).withName(NAME).get());
      Lease next = build(namespace, environment, holder, duration);
      try {
        if (current == null) {
          return retry.call(op, () -> client.resource(next).create());
        }
        String had = current.getSpec() == null ? null : current.getSpec().getHolderIdentity();
        if (!force && had != null && !had.equals(holder)) {
          throw new LostException(had);
        }
        if (holder.equals(had) && current.getSpec().getAcquireTime() != null) {
          next.getSpec().setAcquireTime(current.getSpec().getAcquireTime());
        }
        String rv = current.getMetadata().getResourceVersion();
        return retry.call(
            op,
            () ->
                client
                    .leases()
                    .inNamespace(namespace)
                    .resource(next)
                    .lockResourceVersion(rv)
                    .update());
      } catch (KubernetesClientException e) {
        if (e.getCode() != CONFLICT || attempt >= 5) {
          throw e;
        }
        log.debug("Lease {}/{} changed while writing it; reading it again", namespace, NAME);
      }
    }
  }

  /**
   * Deletes the lease and the heartbeat and holder annotations, when {@code holder} still holds
   * them: from now on only the expiry counts. Leaves a lease another holder took alone.
   */
  public void release(String namespace, String holder) {
    Lease current =
        retry.call(
            new Retry.Op("get", "coordination.k8s.io", "leases", namespace, NAME),
            () -> client.leases().inNamespace(namespace).withName(NAME).get());
    if (current != null
        && (current.getSpec() == null || !holder.equals(current.getSpec().getHolderIdentity()))) {
      log.debug("Lease {}/{} is held by another owner now; not releasing it", namespace, NAME);
      return;
    }
    // the annotations first: until the lease goes, the holder stays live by its lease alone, so a
    // waiting owner sees one change (the lease deleted) that frees the environment
    new Namespaces(client, retry)
        .removeAnnotations(
            namespace,
            Set.of(Keys.HEARTBEAT_SECONDS, Keys.HEARTBEAT_SINCE, Keys.HOLDER),
            ns -> holder.equals(Ownership.annotations(ns).getOrDefault(Keys.HOLDER, holder)));
    if (current == null) {
      return;
    }
    try {
      retry.run(
          new Retry.Op("delete", "coordination.k8s.io", "leases", namespace, NAME),
          () ->
              client
                  .leases()
                  .inNamespace(namespace)
                  .resource(current)
                  .lockResourceVersion(current.getMetadata().getResourceVersion())
                  .delete());
    } catch (KubernetesClientException e) {
      if (e.getCode() != NOT_FOUND && e.getCode() != CONFLICT) {
        throw e;
      }
    }
  }

  /** The leases of every environment, from one cluster-wide list call, by namespace. */
  public Map<String, Lease> all() {
    List<Lease> leases =
        retry.call(
            new Retry.Op("list", "coordination.k8s.io", "leases", null, null),
            () ->
                client
                    .leases()
                    .inAnyNamespace()
                    .withLabel(Keys.MANAGED_BY, Keys.MANAGED_BY_VALUE)
                    .list()
                    .getItems());
    Map<String, Lease> byNamespace = new LinkedHashMap<>();
    for (Lease l : leases) {
      if (NAME.equals(l.getMetadata().getName())) {
        byNamespace.put(l.getMetadata().getNamespace(), l);
      }
    }
    return byNamespace;
  }

  /**
   * Takes the lease now and renews it every {@code interval} on a daemon thread until the returned
   * heartbeat is closed.
   */
  public Heartbeat start(
      String namespace, String environment, String owner, Duration interval, Duration duration) {
    take(namespace, environment, owner, duration);
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("previewenv-heartbeat-" + environment));
    Heartbeat heartbeat = new Heartbeat(timer, namespace, environment, owner);
    timer.scheduleWithFixedDelay(
        () -> heartbeat.beat(() -> renew(namespace, environment, owner, duration), duration),
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
    log.debug(
        "Owner heartbeat for environment {} started (lease {}/{}, every {}, duration {})",
        environment,
        namespace,
        NAME,
        interval,
        duration);
    return heartbeat;
  }

  /** A running heartbeat; {@link #close()} stops renewing (the lease stays until released). */
  public static final class Heartbeat implements AutoCloseable {
    private final ScheduledExecutorService timer;
    private final String namespace;
    private final String environment;
    private final String holder;
    private volatile String lostTo;
    private final AtomicReference<Instant> lastSuccess = new AtomicReference<>(Instant.now());
    private volatile boolean stopped;

    private Heartbeat(
        ScheduledExecutorService timer, String namespace, String environment, String holder) {
      this.timer = timer;
      this.namespace = namespace;
      this.environment = environment;
      this.holder = holder;
    }

    /** The holder that took the environment over from this one, when that happened. */
    public Optional<String> lostTo() {
      return Optional.ofNullable(lostTo);
    }

    private void beat(Runnable renew, Duration duration) {
      if (stopped) {
        return;
      }
      try {
        renew.run();
        lastSuccess.set(Instant.now());
      } catch (LostException e) {
        lostTo = e.holder();
        log.warn(
            "Environment {} was taken over by {}: owner {} stops renewing lease {}/{} and will"
                + " not delete the environment",
            environment,
            e.holder(),
            holder,
            namespace,
            NAME);
        timer.shutdown();
      } catch (RuntimeException e) {
        if (clientClosed(e)) {
          log.debug("Client of owner lease {}/{} is closed; heartbeat stopped", namespace, NAME);
          timer.shutdown();
          return;
        }
        Instant last = lastSuccess.get();
        if (Instant.now().isAfter(last.plus(duration))) {
          log.warn(
              "Could not renew owner lease {}/{} since {}: the janitor may now delete the"
                  + " environment as orphaned. Last error: {}",
              namespace,
              NAME,
              last,
              e.getMessage());
        } else {
          log.debug("Could not renew owner lease {}/{}: {}", namespace, NAME, e.getMessage());
        }
      }
    }

    private static boolean clientClosed(Throwable t) {
      for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
        if (c instanceof IllegalStateException && "Client is closed".equals(c.getMessage())) {
          return true;
        }
      }
      return false;
    }

    /** When the lease was last renewed by this heartbeat. */
    public Instant lastRenewal() {
      return lastSuccess.get();
    }

    /**
     * Stops renewing and waits (bounded) for a renewal in flight, so that releasing the lease
     * afterwards cannot be undone by a late renewal re-creating it (which would let the janitor
     * collect a kept environment as orphaned once that lease expired).
     */
    @Override
    public void close() {
      stopped = true;
      timer.shutdown();
      try {
        if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
          timer.shutdownNow();
          log.warn(
              "Owner lease {}/{}: a renewal was still running after 10 s while stopping",
              namespace,
              NAME);
        }
      } catch (InterruptedException e) {
        timer.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
