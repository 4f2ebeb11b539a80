package dev.previewenv.core;

import dev.previewenv.core.internal.DaemonThreads;
import dev.previewenv.core.internal.provision.Applier;
import dev.previewenv.core.internal.provision.Namespaces;
import dev.previewenv.core.internal.provision.ObjectApplier;
import dev.previewenv.core.internal.provision.OwnerLease;
import dev.previewenv.core.internal.provision.Parallel;
import dev.previewenv.core.internal.provision.SecretInstaller;
import dev.previewenv.core.internal.rbac.AccessReviewer;
import dev.previewenv.core.internal.rbac.NeededPermissions;
import dev.previewenv.core.internal.rbac.SelfSubjectAccessReviewer;
import dev.previewenv.core.internal.readiness.ReadinessWaiter;
import dev.previewenv.core.internal.retry.Retry;
import dev.previewenv.core.internal.retry.RetryPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.LimitRangeSpec;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuotaSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisions {@link Plan}s on a cluster and removes them again. Immutable and thread-safe: every
 * {@code with...} method returns a new provisioner; one instance can serve several environments at
 * once.
 *
 * <p>{@link #up(Plan)} does, in order: refuse a namespace PreviewEnv does not manage for that
 * environment and check that every source secret exists (nothing is created when either fails);
 * create or adopt the namespace (labels {@code app.kubernetes.io/managed-by=previewenv}, {@code
 * previewenv.dev/environment}; annotations for branch, owner, created-at, expires-at = now + TTL
 * and the kinds applied), waiting for a Terminating namespace of an earlier run to go; quota and
 * limit range; apply all objects (concurrently, in dependency waves; the owner lease and the
 * secrets go out with the configuration wave, before the workloads); prune objects of the
 * environment that left the plan (an adopted namespace only); wait until ready. Independent
 * requests are sent at once: the namespace and the source secrets are read in one round trip.
 * Running {@code up} again with the same or a changed plan converges.
 *
 * <p>Reliability: idempotent requests are retried with backoff and jitter on 429 (honouring
 * Retry-After), 5xx and lost connections, at most 6 attempts within 30 seconds by default ({@link
 * #withRetries}); 400, 403, 404, 409 and 422 fail at once, a 403 naming the missing RBAC rule.
 * PreviewEnv sends its requests through a view of the client with fabric8's own request retries
 * switched off ({@code requestRetryBackoffLimit} 0), so that retries are not multiplied; the
 * caller's client is unchanged. While a {@link Preview} is open, its owner renews a Lease {@code
 * previewenv-owner} in the namespace (every 10 s, valid 30 s, see {@link #withHeartbeat}); when the
 * owner dies, the {@link Janitor} collects the environment as orphaned. {@link #preflight(Plan)}
 * lists every missing permission before anything is created; {@link #withPreflight} makes {@code
 * up} run it first.
 *
 * <pre>{@code
 * Provisioner provisioner = Provisioner.forClient(client)
 *     .withOwner("ci-run-4711")
 *     .withSecrets(SecretSpec.copy("shared", "registry-credentials"));
 * try (Preview preview = provisioner.up(plan)) {
 *   URI api = preview.url("api");
 *   ...
 * }
 * }</pre>
 */
public final class Provisioner {
  private static final Logger log = LoggerFactory.getLogger(Provisioner.class);
  private static final int DEFAULT_CONCURRENCY = 48;
  private static final int MAX_CONCURRENCY = 128;

  private final KubernetesClient client;
  private final KubernetesClient api; // the client without fabric8's own retries
  private final Settings settings; // never changed after construction

  private Provisioner(KubernetesClient client, KubernetesClient api, Settings settings) {
    this.client = client;
    this.api = api;
    this.settings = settings;
  }

  /** The settings of one provisioner; each {@code with...} changes a fresh copy. */
  private static final class Settings implements Cloneable {
    String owner = System.getProperty("user.name", "unknown");
    Duration ttl = Duration.ofHours(4);
    ApplyStrategy applyStrategy = ApplyStrategy.AUTO;
    int concurrency = DEFAULT_CONCURRENCY;
    Duration readinessTimeout = Duration.ofMinutes(5); // null: do not wait for readiness
    List<ReadinessCheck> readinessChecks = List.of();
    ResourceQuotaSpec quota;
    LimitRangeSpec limitRange;
    List<SecretSpec> secrets = List.of();
    Path diagnosticsRoot = Path.of("target", "previewenv");
    Cleanup cleanup = Cleanup.ALWAYS;
    Duration waitTimeout = Duration.ofMinutes(2);
    Duration teardownLimit = Namespaces.DEFAULT_TEARDOWN_LIMIT;
    Access access = Access.INGRESS;
    RetryPolicy retry = RetryPolicy.defaults();
    Duration heartbeatInterval = Duration.ofSeconds(10);
    Duration leaseDuration = Duration.ofSeconds(30);
    boolean preflight;
    AccessReviewer reviewer; // null: SelfSubjectAccessReview

    Settings copy() {
      try {
        return (Settings) clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private Provisioner with(java.util.function.Consumer<Settings> change) {
    Settings next = settings.copy();
    change.accept(next);
    return new Provisioner(client, api, next);
  }

  /**
   * A provisioner using {@code client}, with defaults: owner {@code user.name}, TTL 4 hours, {@link
   * ApplyStrategy#AUTO}, 48 concurrent requests, readiness timeout 5 minutes, no quota, no limit
   * range, no secrets, diagnostics under {@code target/previewenv/<env>}, {@link Cleanup#ALWAYS}, 2
   * minutes for secret syncing and namespace deletion. The client stays the caller's: PreviewEnv
   * never closes it.
   */
  public static Provisioner forClient(KubernetesClient client) {
    Objects.requireNonNull(client, "client");
    return new Provisioner(client, withoutClientRetries(client), new Settings());
  }

  /**
   * A view of {@code client} whose requests fabric8 does not retry by itself (it would retry every
   * request, creates included, under each of our retries). Shares the caller's HTTP client; never
   * closed by PreviewEnv.
   */
  private static final int WATCH_RECONNECT_MILLIS = 200;

  private static KubernetesClient withoutClientRetries(KubernetesClient client) {
    try {
      RequestConfig current = client.getConfiguration().getRequestConfig();
      RequestConfig noRetries =
          new RequestConfigBuilder(current).withRequestRetryBackoffLimit(0).build();
      // our waits are informers: after a dropped watch, reconnect soon (fabric8 backs off
      // exponentially from this base; its default of 1 s made teardown under faults slow)
      noRetries.setWatchReconnectInterval(WATCH_RECONNECT_MILLIS);
      return client.newClient(noRetries).adapt(KubernetesClient.class);
    } catch (RuntimeException e) {
      log.debug("Could not derive a client without request retries; using the client as given", e);
      return client;
    }
  }

  /**
   * How often an idempotent request is tried in all (1 to 100; 1 disables retries) and how long
   * from the first try at most. Default: 6 attempts within 30 seconds.
   */
  public Provisioner withRetries(int maxAttempts, Duration maxTotal) {
    if (maxTotal == null || maxTotal.isNegative()) {
      throw new IllegalArgumentException("maxTotal must not be negative, was " + maxTotal);
    }
    RetryPolicy next = settings.retry.withLimits(maxAttempts, maxTotal);
    return with(s -> s.retry = next);
  }

  /** The whole retry policy, including backoff and a fixed jitter seed (tests). */
  Provisioner withRetryPolicy(RetryPolicy policy) {
    return with(s -> s.retry = Objects.requireNonNull(policy, "policy"));
  }

  /**
   * The owner heartbeat: the Lease {@code previewenv-owner} is renewed every {@code interval} and
   * is valid for {@code leaseDuration} (default 10 s and 30 s). The duration must be longer than
   * the interval, whole seconds.
   */
  public Provisioner withHeartbeat(Duration interval, Duration leaseDuration) {
    positive(interval, "heartbeat interval");
    positive(leaseDuration, "lease duration");
    if (leaseDuration.compareTo(interval) <= 0 || leaseDuration.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "lease duration ("
              + leaseDuration
              + ") must be at least one second and longer than the heartbeat interval ("
              + interval
              + "), e.g. 30 s and 10 s");
    }
    return with(
        s -> {
          s.heartbeatInterval = interval;
          s.leaseDuration = leaseDuration;
        });
  }

  /**
   * Whether {@code up} first runs {@link #preflight(Plan)} and fails, changing nothing, when a
   * permission is missing. Default: off (one SelfSubjectAccessReview per permission).
   */
  public Provisioner withPreflight(boolean enabled) {
    return with(s -> s.preflight = enabled);
  }

  /** Who answers the preflight's questions; default a SelfSubjectAccessReview each (tests). */
  Provisioner withAccessReviewer(AccessReviewer reviewer) {
    return with(s -> s.reviewer = Objects.requireNonNull(reviewer, "reviewer"));
  }

  /**
   * Checks, with one {@code SelfSubjectAccessReview} per permission (sent concurrently), that the
   * identity running PreviewEnv may do everything {@code up} and teardown of {@code plan} need.
   * Changes nothing.
   *
   * @return every permission checked and every one missing, each with the RBAC rule granting it
   * @throws PreviewEnvException when the reviews themselves fail
   */
  public PreflightReport preflight(Plan plan) {
    Objects.requireNonNull(plan, "plan");
    List<PreflightReport.Permission> needed =
        NeededPermissions.forPlan(
            plan.namespace(),
            plan.objects(),
            settings.applyStrategy,
            settings.secrets,
            settings.quota != null,
            settings.limitRange != null);
    AccessReviewer reviewer =
        settings.reviewer != null
            ? settings.reviewer
            : SelfSubjectAccessReviewer.of(api, new Retry(settings.retry));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(settings.concurrency, needed.size()),
            DaemonThreads.named("previewenv-preflight"));
    try {
      List<Future<Boolean>> answers = new ArrayList<>();
      for (PreflightReport.Permission p : needed) {
        answers.add(pool.submit(() -> reviewer.allowed(p)));
      }
      List<PreflightReport.Permission> missing = new ArrayList<>();
      for (int i = 0; i < needed.size(); i++) {
        if (!answers.get(i).get()) {
          missing.add(needed.get(i));
        }
      }
      PreflightReport report = new PreflightReport(plan.namespace(), needed, missing);
      log.info(
          "Preflight for environment {}: {} permission(s) checked, {} missing",
          plan.namespace(),
          needed.size(),
          missing.size());
      return report;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new PreviewEnvException(
          "Preflight of environment " + plan.namespace() + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PreviewEnvException(
          "Interrupted during the preflight of environment " + plan.namespace(), e);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Who or what owns the environments, e.g. a CI run id; recorded as {@code previewenv.dev/owner}.
   */
  public Provisioner withOwner(String owner) {
    if (owner == null || owner.isBlank()) {
      throw new IllegalArgumentException("owner must not be blank, e.g. a CI run id or user name");
    }
    return with(s -> s.owner = owner);
  }

  /** How long an environment lives before the {@link Janitor} may delete it; renewed by each up. */
  public Provisioner withTtl(Duration ttl) {
    return with(s -> s.ttl = positive(ttl, "ttl"));
  }

  /** How objects are sent to the cluster. */
  public Provisioner withApplyStrategy(ApplyStrategy strategy) {
    return with(s -> s.applyStrategy = Objects.requireNonNull(strategy, "strategy"));
  }

  /**
   * At most this many requests at a time when applying objects, pruning and in the janitor (1 to
   * 128; default 48, so that a wave of a typical stack goes out in one round trip). The client's
   * HTTP layer must allow as many: fabric8's default Vert.x client pools up to 8192 connections per
   * host; {@code Config.maxConcurrentRequestsPerHost} (default 5) is read only by the OkHttp
   * client, so with OkHttp raise it on the client you pass in.
   */
  public Provisioner withConcurrency(int concurrency) {
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new IllegalArgumentException(
          "concurrency must be 1 to " + MAX_CONCURRENCY + ", was " + concurrency);
    }
    return with(s -> s.concurrency = concurrency);
  }

  /** Wait at most {@code timeout} for the workloads and checks to be ready. */
  public Provisioner withReadinessTimeout(Duration timeout) {
    return with(s -> s.readinessTimeout = positive(timeout, "readiness timeout"));
  }

  /** Custom checks run once the workloads are ready, within the readiness timeout. */
  public Provisioner withReadinessChecks(ReadinessCheck... checks) {
    return with(s -> s.readinessChecks = List.of(checks));
  }

  /**
   * Do not wait for readiness: {@code up} returns once everything is applied. For clusters without
   * controllers (such as the in-process test server) or callers that wait themselves.
   */
  public Provisioner withoutReadinessWait() {
    return with(s -> s.readinessTimeout = null);
  }

  /** A ResourceQuota named {@code previewenv} in every environment namespace. */
  public Provisioner withQuota(ResourceQuotaSpec quota) {
    return with(s -> s.quota = Objects.requireNonNull(quota, "quota"));
  }

  /** A LimitRange named {@code previewenv} in every environment namespace. */
  public Provisioner withLimitRange(LimitRangeSpec limitRange) {
    return with(s -> s.limitRange = Objects.requireNonNull(limitRange, "limitRange"));
  }

  /** The secrets every environment gets, replacing any given before. */
  public Provisioner withSecrets(SecretSpec... secrets) {
    return with(s -> s.secrets = List.of(secrets));
  }

  /** Diagnostics of environment {@code env} are written to {@code root/env}. */
  public Provisioner withDiagnosticsRoot(Path root) {
    return with(s -> s.diagnosticsRoot = Objects.requireNonNull(root, "root"));
  }

  /** When {@link Preview#close()} deletes the environment (also applied when {@code up} fails). */
  public Provisioner withCleanup(Cleanup cleanup) {
    return with(s -> s.cleanup = Objects.requireNonNull(cleanup, "cleanup"));
  }

  /**
   * How {@link Preview#url(String)} reaches services: ingress hosts (default), port-forward through
   * the API server, or {@link Access#AUTO}.
   */
  public Provisioner withAccess(Access access) {
    return with(s -> s.access = Objects.requireNonNull(access, "access"));
  }

  /**
   * The bound of the other waits: syncing controllers copying secrets, a Terminating namespace of
   * an earlier run going, the namespace going after teardown.
   */
  public Provisioner withWaitTimeout(Duration timeout) {
    return with(s -> s.waitTimeout = positive(timeout, "wait timeout"));
  }

  /**
   * How long a teardown follows a namespace controller that is still making progress (default 15
   * min). The {@linkplain #withWaitTimeout wait timeout} is then the time the namespace may go
   * without progress (its status unchanged) before the teardown fails naming what remains.
   */
  public Provisioner withTeardownLimit(Duration limit) {
    return with(s -> s.teardownLimit = positive(limit, "teardown limit"));
  }

  /**
   * Creates or updates the environment of {@code plan} and waits until it is ready.
   *
   * <p>When it fails after the namespace was created, the {@link Cleanup} policy decides: {@code
   * ALWAYS} deletes the namespace, the others keep it for inspection (the log says how).
   *
   * @throws PreviewEnvException when the namespace belongs to someone else, a source secret is
   *     missing (in both cases nothing was created), an object cannot be applied, or a wait ends
   * @throws NotReadyException when the environment did not become ready; the message names the
   *     diagnostics folder
   */
  public Preview up(Plan plan) {
    Objects.requireNonNull(plan, "plan");
    String env = plan.environment().value();
    String ns = plan.namespace();
    log.info("Provisioning environment {} ({} objects)", env, plan.objects().size());
    if (settings.preflight) {
      PreflightReport report = preflight(plan);
      if (!report.allowed()) {
        throw new PreviewEnvException(report.describe(), env, null, null);
      }
    }
    Retry retry = new Retry(settings.retry);
    Namespaces namespaces = new Namespaces(api, retry);
    SecretInstaller secretInstaller = new SecretInstaller(api, retry);
    OwnerLease lease = new OwnerLease(api, retry);
    // one round trip: the namespace and every source secret are read at once
    Object[] read = new Object[2];
    Parallel.all(
        "previewenv-read-" + env,
        2,
        List.<Callable<Void>>of(
            () -> {
              read[0] = namespaces.checkAdoptable(ns, env);
              return null;
            },
            () -> {
              read[1] = secretInstaller.prepare(env, settings.secrets);
              return null;
            }));
    Namespace seen = (Namespace) read[0];
    SecretInstaller.Prepared prepared = (SecretInstaller.Prepared) read[1];
    Instant started = Instant.now();
    AtomicReference<OwnerLease.Heartbeat> heartbeat = new AtomicReference<>();
    try {
      Set<String> kinds = ObjectApplier.namespacedKinds(plan.objects());
      // the kinds are recorded with the create or adoption: a crash mid-way still prunes later
      Namespaces.Ensured ensured =
          namespaces.ensure(
              seen,
              ns,
              env,
              plan.environment().branch().orElse(env),
              settings.owner,
              started,
              settings.ttl,
              prepared.namespaceLabels(),
              settings.waitTimeout,
              OwnerLease.announcement(started, settings.leaseDuration),
              kinds);
      Applier applier = Applier.of(settings.applyStrategy, api, retry);
      ObjectApplier objects = new ObjectApplier(api, applier, settings.concurrency, retry);
      List<HasMetadata> guards = guards(env, ns);
      if (!guards.isEmpty()) {
        objects.applyAll(env, guards); // before anything the quota or limits count
      }
      // the lease and the secrets go out with the configuration wave, before the workloads
      List<HasMetadata> applied =
          objects.applyAll(
              env,
              plan.objects(),
              List.of(
                  () -> {
                    heartbeat.set(
                        lease.start(
                            ns,
                            env,
                            settings.owner,
                            settings.heartbeatInterval,
                            settings.leaseDuration));
                    return null;
                  },
                  () -> {
                    secretInstaller.install(env, ns, prepared, applier, settings.waitTimeout);
                    return null;
                  }));
      Set<String> union = ensured.recordedKinds();
      if (!ensured.created()) {
        // a namespace created just now holds nothing of an earlier plan: nothing to prune
        List<HasMetadata> keep = new ArrayList<>(plan.objects());
        keep.addAll(guards);
        objects.prune(env, ns, union, keep);
      }
      if (!union.equals(kinds)) {
        namespaces.recordKinds(ns, kinds);
      }
      if (settings.readinessTimeout != null) {
        awaitReady(env, ns, applied);
      }
      log.info(
          "Environment {} is up in {}s", env, Duration.between(started, Instant.now()).toSeconds());
      OwnerLease.Heartbeat beat = heartbeat.get();
      return new Preview(
          plan,
          client,
          settings.cleanup,
          settings.access,
          diagnosticsDirectory(plan.environment()),
          () -> teardown(ns, env),
          beat::close,
          () -> lease.release(ns));
    } catch (RuntimeException e) {
      if (heartbeat.get() != null) {
        heartbeat.get().close();
      }
      if (settings.cleanup == Cleanup.ALWAYS) {
        try {
          namespaces.deleteAndWait(ns, env, settings.waitTimeout, settings.teardownLimit);
        } catch (RuntimeException teardownFailure) {
          e.addSuppressed(teardownFailure);
        }
      } else {
        try {
          lease.release(ns);
        } catch (RuntimeException releaseFailure) {
          e.addSuppressed(releaseFailure);
        }
        Preview.logKept(ns, env, "up failed, cleanup " + settings.cleanup);
      }
      throw e;
    }
  }

  /**
   * Deletes the environment's namespace and waits until it is gone. Does nothing when it does not
   * exist.
   *
   * @throws PreviewEnvException when the namespace is not one PreviewEnv manages for {@code
   *     environment}, or is still there after the wait timeout (naming the conditions and the
   *     finalizers that block)
   */
  public void down(EnvironmentName environment) {
    teardown(environment.value(), environment.value());
  }

  /**
   * A janitor deleting expired and orphaned environments, using this provisioner's client,
   * concurrency and retries.
   */
  public Janitor janitor() {
    return new Janitor(api, settings.concurrency, null, false, new Retry(settings.retry));
  }

  /** The folder diagnostics of {@code environment} are written to. */
  public Path diagnosticsDirectory(EnvironmentName environment) {
    return settings.diagnosticsRoot.resolve(environment.value());
  }

  private void teardown(String ns, String env) {
    new Namespaces(api, new Retry(settings.retry))
        .deleteAndWait(ns, env, settings.waitTimeout, settings.teardownLimit);
  }

  private void awaitReady(String env, String ns, List<HasMetadata> applied) {
    try {
      new ReadinessWaiter(client)
          .await(env, ns, applied, settings.readinessChecks, settings.readinessTimeout);
    } catch (NotReadyException e) {
      Path dir = settings.diagnosticsRoot.resolve(env);
      String where;
      try {
        Path summary = Diagnostics.write(client, ns, dir);
        where = "Diagnostics: " + (summary == null ? dir : summary).toAbsolutePath();
      } catch (RuntimeException | Error diagnosticsFailure) {
        e.addSuppressed(diagnosticsFailure);
        where = "Diagnostics could not be written to " + dir.toAbsolutePath() + " (see suppressed)";
      }
      NotReadyException withDiagnostics =
          new NotReadyException(
              e.getMessage() + System.lineSeparator() + where, env, e.object().orElse(null));
      withDiagnostics.setStackTrace(e.getStackTrace());
      for (Throwable s : e.getSuppressed()) {
        withDiagnostics.addSuppressed(s);
      }
      throw withDiagnostics;
    }
  }

  private List<HasMetadata> guards(String env, String ns) {
    List<HasMetadata> guards = new ArrayList<>();
    if (settings.quota != null) {
      guards.add(
          new ResourceQuotaBuilder()
              .withNewMetadata()
              .withName("previewenv")
              .withNamespace(ns)
              .withLabels(dev.previewenv.core.internal.provision.Meta.labels(env))
              .endMetadata()
              .withSpec(settings.quota)
              .build());
    }
    if (settings.limitRange != null) {
      guards.add(
          new LimitRangeBuilder()
              .withNewMetadata()
              .withName("previewenv")
              .withNamespace(ns)
              .withLabels(dev.previewenv.core.internal.provision.Meta.labels(env))
              .endMetadata()
              .withSpec(settings.limitRange)
              .build());
    }
    return guards;
  }

  private static Duration positive(Duration d, String what) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + d);
    }
    return d;
  }
}
