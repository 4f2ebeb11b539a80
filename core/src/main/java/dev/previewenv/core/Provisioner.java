package dev.previewenv.core;

import dev.previewenv.core.internal.SecretValues;
import dev.previewenv.core.internal.Tasks;
import dev.previewenv.core.internal.diagnostics.DiagnosticsWriter;
import dev.previewenv.core.internal.provision.Applier;
import dev.previewenv.core.internal.provision.EnvironmentRoleBinding;
import dev.previewenv.core.internal.provision.Guards;
import dev.previewenv.core.internal.provision.Namespaces;
import dev.previewenv.core.internal.provision.ObjectApplier;
import dev.previewenv.core.internal.provision.OwnerLease;
import dev.previewenv.core.internal.provision.Ownership;
import dev.previewenv.core.internal.provision.SecretInstaller;
import dev.previewenv.core.internal.rbac.AccessReviewer;
import dev.previewenv.core.internal.rbac.NeededPermissions;
import dev.previewenv.core.internal.rbac.SelfSubjectAccessReviewer;
import dev.previewenv.core.internal.readiness.ReadinessWaiter;
import dev.previewenv.core.internal.retry.Retry;
import dev.previewenv.core.internal.retry.RetryPolicy;
import dev.previewenv.core.internal.seed.SeedDeclarations;
import dev.previewenv.core.internal.seed.SeedRunner;
import dev.previewenv.core.internal.transform.HostChecks;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRangeSpec;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ResourceQuotaSpec;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
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
 * limit range; apply all objects but the seed Jobs (concurrently, in dependency waves; the owner
 * lease and the secrets go out with the configuration wave, before the workloads); prune objects of
 * the environment that left the plan (an adopted namespace only); wait until ready; run the seed
 * Jobs that have not run with their spec yet ({@link Plan#seeds()}), each after what it depends on
 * is ready, and wait until they complete (a failing seed fails {@code up} with a {@link
 * SeedFailedException}). Independent requests are sent at once: the namespace and the source
 * secrets are read in one round trip. Running {@code up} again with the same or a changed plan
 * converges. The plan's {@linkplain Plan#pullSecrets() pull secrets} are copied like {@link
 * SecretSpec#copy} secrets (and must be of type {@code kubernetes.io/dockerconfigjson}, checked
 * before anything is created).
 *
 * <p>Reliability: idempotent requests are retried with backoff and jitter on 429 (honouring
 * Retry-After), 5xx and lost connections, at most 6 attempts within 30 seconds by default ({@link
 * #withRetries}); 400, 403, 404, 409 and 422 fail at once, a 403 naming the missing RBAC rule.
 * PreviewEnv sends its requests through a view of the client with fabric8's own request retries
 * switched off ({@code requestRetryBackoffLimit} 0), so that retries are not multiplied; the
 * caller's client is unchanged. While a {@link Preview} is open, its owner renews a Lease {@code
 * previewenv-owner} in the namespace (every 10 s, valid 30 s, see {@link #withHeartbeat}); when the
 * owner dies, the {@link Janitor} collects the environment as orphaned.
 *
 * <p>One owner per environment: the lease and the namespace annotation {@code
 * previewenv.dev/holder} name the holder ({@link #holderIdentity()}). {@code up} for an environment
 * another live owner holds follows {@link #withOnConflict}: fail at once with an {@link
 * OwnerConflictException} naming the holder and since when (default), wait a bounded time, or take
 * it over. The holder is claimed and checked with the namespace's resourceVersion as a
 * precondition, so teardown by an owner that was taken over meets a conflict, reads again and
 * leaves the environment alone; {@link #down} refuses an environment a live owner holds. {@link
 * #preflight(Plan)} lists every missing permission before anything is created; {@link
 * #withPreflight} makes {@code up} run it first.
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
    Duration seedTimeout = Duration.ofMinutes(30);
    boolean reseed;
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
    OnConflict onConflict = OnConflict.fail();
    Duration maxAge = Janitor.DEFAULT_MAX_AGE;
    String[] environmentRole; // {clusterRole, serviceAccountNamespace, serviceAccountName}
    AccessReviewer reviewer; // null: SelfSubjectAccessReview
    Teardown teardown = Teardown.WAIT;
    boolean keptNotice = true;
    java.util.function.BiConsumer<Phase, Duration> progress = (phase, took) -> {};

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

  /** The ClusterRole the shipped RBAC grants inside each environment: {@value}. */
  public static final String ENVIRONMENT_ROLE = "previewenv-environment";

  /**
   * Binds ClusterRole {@link #ENVIRONMENT_ROLE} to ServiceAccount {@code namespace/name} in every
   * environment namespace, right after creating (or adopting) it and before anything else is sent
   * into it (RoleBinding {@code previewenv-environment}); see {@code previewenv-rbac.yaml}. For an
   * identity that has no rights inside namespaces by itself (least privilege).
   */
  public Provisioner withEnvironmentRole(String serviceAccountNamespace, String serviceAccount) {
    return withEnvironmentRole(ENVIRONMENT_ROLE, serviceAccountNamespace, serviceAccount);
  }

  /** Like {@link #withEnvironmentRole(String, String)} with another ClusterRole name. */
  public Provisioner withEnvironmentRole(
      String clusterRole, String serviceAccountNamespace, String serviceAccount) {
    for (String v : new String[] {clusterRole, serviceAccountNamespace, serviceAccount}) {
      if (v == null || v.isBlank()) {
        throw new IllegalArgumentException(
            "environment role, ServiceAccount namespace and name must not be blank, e.g."
                + " withEnvironmentRole(\"ci\", \"previewenv\")");
      }
    }
    return with(
        s ->
            s.environmentRole =
                new String[] {clusterRole, serviceAccountNamespace, serviceAccount});
  }

  /**
   * What {@code up} (and {@link #down}) do when another live owner holds the environment (default
   * {@link OnConflict#fail()}): fail at once naming the holder and since when, wait a bounded time,
   * or take it over. See {@link OnConflict}.
   */
  public Provisioner withOnConflict(OnConflict policy) {
    return with(s -> s.onConflict = Objects.requireNonNull(policy, "policy"));
  }

  /**
   * The hard maximum age the {@link #janitor()} enforces even on environments whose owner lease is
   * live, so that a hung owner cannot keep one forever (default 24 hours, counted from creation).
   */
  public Provisioner withMaxAge(Duration maxAge) {
    return with(s -> s.maxAge = positive(maxAge, "max age"));
  }

  /**
   * The identity this provisioner holds environments under, {@code <owner>@<host>:<pid>}: the
   * holder of the Lease {@code previewenv-owner} and of the namespace annotation {@code
   * previewenv.dev/holder}. Provisioners of one JVM with the same owner share it (they may re-run
   * {@code up} on an environment they hold); other JVMs and other owners are other holders.
   */
  public String holderIdentity() {
    return Ownership.holderIdentity(settings.owner);
  }

  /**
   * The live owner of {@code environment}, when one holds it: an owner whose lease is being renewed
   * (this provisioner's own identity included). Empty when the environment does not exist, was
   * released (kept by its cleanup policy), or its owner stopped renewing.
   */
  public java.util.Optional<EnvironmentHolder> liveHolder(EnvironmentName environment) {
    Retry retry = new Retry(settings.retry);
    String ns = environment.value();
    Namespace namespace = new Namespaces(api, retry).get(ns);
    if (namespace == null || !dev.previewenv.core.internal.kube.Keys.managedFor(namespace, ns)) {
      return java.util.Optional.empty();
    }
    return Ownership.liveHolder(namespace, Ownership.lease(api, retry, ns), Instant.now());
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
    return preflight(plan, false);
  }

  /**
   * Like {@link #preflight(Plan)}, also checking what running an {@link E2eJob} in the environment
   * and the {@link #janitor()} need when {@code e2eJobAndJanitor} is set.
   */
  public PreflightReport preflight(Plan plan, boolean e2eJobAndJanitor) {
    return preflight(plan, e2eJobAndJanitor, false);
  }

  /** {@code inNamespace}: only the permissions inside the environment namespace. */
  private PreflightReport preflight(Plan plan, boolean e2eJobAndJanitor, boolean inNamespace) {
    Objects.requireNonNull(plan, "plan");
    List<PreflightReport.Permission> needed =
        new ArrayList<>(
            NeededPermissions.forPlan(
                plan.namespace(),
                plan.objects(),
                settings.applyStrategy,
                secretsOf(plan),
                settings.quota != null,
                settings.limitRange != null));
    for (PreflightReport.Permission p :
        NeededPermissions.forFeatures(
            plan.namespace(),
            settings.readinessTimeout != null,
            settings.access != Access.INGRESS,
            settings.environmentRole != null,
            e2eJobAndJanitor,
            e2eJobAndJanitor)) {
      if (!needed.contains(p)) {
        needed.add(p);
      }
    }
    if (settings.environmentRole != null && !inNamespace) {
      // inside a namespace not yet made, the rights come from the environment ClusterRole that
      // up binds there first; up checks them right after binding it (withPreflight)
      int before = needed.size();
      needed.removeIf(p -> plan.namespace().equals(p.namespace()));
      log.info(
          "Preflight for environment {}: {} permission(s) inside the namespace come from ClusterRole"
              + " {} bound when it is created; checked by up right after binding it",
          plan.namespace(),
          before - needed.size(),
          settings.environmentRole[0]);
    } else if (inNamespace) {
      needed.removeIf(p -> !plan.namespace().equals(p.namespace()));
    }
    AccessReviewer reviewer =
        settings.reviewer != null
            ? settings.reviewer
            : SelfSubjectAccessReviewer.of(api, new Retry(settings.retry));
    List<Callable<Boolean>> reviews = new ArrayList<>();
    for (PreflightReport.Permission p : needed) {
      reviews.add(() -> reviewer.allowed(p));
    }
    List<Boolean> answers = Tasks.all("previewenv-preflight", settings.concurrency, reviews);
    List<PreflightReport.Permission> missing = new ArrayList<>();
    for (int i = 0; i < needed.size(); i++) {
      if (!answers.get(i)) {
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

  /**
   * How long the seed Jobs of one weight ({@link Plan#seeds()}) may take to complete (default 30
   * minutes); a seed still running then fails {@code up} with a {@link SeedFailedException}.
   */
  public Provisioner withSeedTimeout(Duration timeout) {
    return with(s -> s.seedTimeout = positive(timeout, "seed timeout"));
  }

  /**
   * Whether {@code up} runs every seed Job again even when the namespace records it as done with
   * the same spec (default {@code false}: a seed runs once per environment, and again only when its
   * Job as planned changes). An earlier Job of the same name is deleted first.
   */
  public Provisioner withReseed(boolean reseed) {
    return with(s -> s.reseed = reseed);
  }

  /** Custom checks run once the workloads are ready, within the readiness timeout. */
  public Provisioner withReadinessChecks(ReadinessCheck... checks) {
    return with(s -> s.readinessChecks = List.of(checks));
  }

  /**
   * Do not wait for readiness: {@code up} returns once everything is applied. For clusters without
   * controllers (such as the in-process test server) or callers that wait themselves. Seed Jobs
   * that run still wait for what they depend on (bounded by the seed timeout), and {@code up} still
   * waits for them.
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
   * How teardown deletes the namespace: {@link Teardown#WAIT} (default) until it is gone, logging
   * what still terminates every few seconds; {@link Teardown#REQUEST} requests the deletion and
   * returns at once.
   */
  public Provisioner withTeardown(Teardown teardown) {
    return with(s -> s.teardown = Objects.requireNonNull(teardown, "teardown"));
  }

  /**
   * Whether {@code up} and {@link Preview#close()} log how to inspect and delete an environment
   * they keep (default {@code true}); callers that report it themselves (the JUnit extension) turn
   * it off so that the notice appears once.
   */
  public Provisioner withKeptNotice(boolean enabled) {
    return with(s -> s.keptNotice = enabled);
  }

  /**
   * One paragraph saying exactly what is left of {@code environment} on the cluster and how it will
   * be collected, for a run that stops early (interrupt, failure): nothing; a namespace still
   * terminating and what it still holds; or a namespace that stays, until when, and who removes it.
   * For front doors that must tell the user what they leave behind.
   */
  public String leftBehind(EnvironmentName environment) {
    String ns = environment.value();
    Namespace n = new Namespaces(api, new Retry(settings.retry)).get(ns);
    if (n == null) {
      return "Nothing is left of environment " + environment.value() + ".";
    }
    String expires =
        n.getMetadata().getAnnotations() == null
            ? null
            : n.getMetadata()
                .getAnnotations()
                .get(dev.previewenv.core.internal.kube.Keys.EXPIRES_AT);
    String byHand = " By hand: kubectl delete namespace " + ns + ".";
    if (Namespaces.isTerminating(n)) {
      return "Left: namespace "
          + ns
          + ", Terminating ("
          + Namespaces.remaining(n)
          + "). The namespace controller finishes the deletion; if it is stuck, the janitor deletes"
          + " it again after its expiry"
          + (expires == null ? "" : " (" + expires + ")")
          + "."
          + byHand;
    }
    return "Left: namespace "
        + ns
        + ", Active, with everything in it. The janitor deletes it once its owner lease has lapsed"
        + " (this owner no longer renews it) or at the latest at its expiry"
        + (expires == null ? "" : " (" + expires + ")")
        + "."
        + byHand;
  }

  /**
   * The bound of the other waits: syncing controllers copying secrets, a Terminating namespace of
   * an earlier run going, the namespace going after teardown.
   */
  public Provisioner withWaitTimeout(Duration timeout) {
    return with(s -> s.waitTimeout = positive(timeout, "wait timeout"));
  }

  /**
   * Tells {@code listener} the end of each phase of {@code up} (namespace, secrets, apply,
   * readiness, seed) with its duration, as it happens; e.g. one progress line per phase in a CI
   * log. The listener runs on PreviewEnv's threads and must return quickly; what it throws is
   * logged at DEBUG and ignored. The same durations are on {@link Preview#timings()}.
   */
  public Provisioner withProgress(java.util.function.BiConsumer<Phase, Duration> listener) {
    return with(s -> s.progress = Objects.requireNonNull(listener, "listener"));
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
    log.info(
        "Provisioning environment {} ({} objects)",
        plan.environment().value(),
        plan.objects().size());
    Up up = new Up(plan);
    up.checkPermissions(); // nothing is read or changed before these three pass
    up.readAndCheck();
    up.claim();
    try {
      up.namespace();
      up.apply();
      up.seedAndAwaitReady();
      return up.preview();
    } catch (OwnerConflictException e) {
      throw e; // thrown before anything was changed: nothing of ours to clean up
    } catch (RuntimeException raw) {
      throw up.failed(raw);
    }
  }

  /**
   * One run of {@link #up}, its steps in the order of the data flow: what it works on (the plan,
   * the environment's identity, the rooms below: namespaces, secrets, the owner lease, the
   * appliers) and what each step hands to the next.
   */
  private final class Up {
    final Plan plan;
    final String env;
    final String ns;
    final String holder = holderIdentity();
    final Retry retry = new Retry(settings.retry);
    final Namespaces namespaces = new Namespaces(api, retry);
    final SecretInstaller secretInstaller = new SecretInstaller(api, retry);
    final OwnerLease lease = new OwnerLease(api, retry);
    final Map<Phase, Duration> timings = new ConcurrentHashMap<>();
    final AtomicReference<OwnerLease.Heartbeat> heartbeat = new AtomicReference<>();
    SecretValues known = SecretValues.none();
    Namespace seen; // as read before anything changed; null: absent
    SecretInstaller.Prepared prepared;
    Instant started;
    Set<String> kinds;
    Namespaces.Ensured ensured;
    ObjectApplier objects;
    List<HasMetadata> applied;

    Up(Plan plan) {
      this.plan = plan;
      this.env = plan.environment().value();
      this.ns = plan.namespace();
    }

    /** The RBAC preflight, when enabled: every permission up and teardown need. */
    void checkPermissions() {
      if (settings.preflight) {
        PreflightReport report = preflight(plan);
        if (!report.allowed()) {
          throw new PreviewEnvException(report.describe(), env, null, null);
        }
      }
    }

    /** One round trip: the namespace and every source secret, read at once, then checked. */
    void readAndCheck() {
      Tasks.Both<Namespace, SecretInstaller.Prepared> read =
          Tasks.both(
              "previewenv-read-" + env,
              () -> namespaces.checkAdoptable(ns, env),
              () -> secretInstaller.prepare(env, secretsOf(plan)));
      seen = read.first();
      prepared = read.second();
      plan.pullSecrets().ifPresent(p -> checkPullSecrets(env, p, prepared));
      checkBroughtInCertificates(plan, prepared); // before anything is created
      // every value PreviewEnv knows is scrubbed from diagnostics, errors and E2E output
      List<HasMetadata> copied = new ArrayList<>();
      prepared.sources().forEach(src -> copied.add(src.secret()));
      known = SecretValues.of(plan.objects()).plus(SecretValues.of(copied));
    }

    /** Before anything is changed: fail naming the live holder, or wait for it to go. */
    void claim() {
      if (seen != null
          && !Namespaces.isTerminating(seen)
          && settings.onConflict.mode() != OnConflict.Mode.TAKE_OVER) {
        Ownership.checkClaim(api, retry, seen, env, holder, settings.onConflict);
        if (settings.onConflict.mode() == OnConflict.Mode.WAIT) {
          seen = namespaces.checkAdoptable(ns, env); // what the wait left: gone, or released
        }
      }
    }

    /** The namespace created or adopted and claimed, with the environment's RoleBinding. */
    void namespace() {
      started = Instant.now();
      long phaseStart = System.nanoTime();
      kinds = ObjectApplier.namespacedKinds(plan.objects());
      // the kinds are recorded with the create or adoption: a crash mid-way still prunes later
      ensured =
          namespaces.ensure(
              seen,
              new Namespaces.Claim(
                  ns,
                  env,
                  plan.environment().branch().orElse(env),
                  settings.owner,
                  started,
                  settings.ttl,
                  prepared.namespaceLabels(),
                  withHandoffs(OwnerLease.announcement(started, settings.leaseDuration), prepared),
                  kinds,
                  holder),
              settings.waitTimeout,
              n -> Ownership.checkClaim(api, retry, n, env, holder, settings.onConflict));
      if (settings.environmentRole != null) {
        EnvironmentRoleBinding.ensure(
            api,
            retry,
            ns,
            env,
            settings.environmentRole[0],
            settings.environmentRole[1],
            settings.environmentRole[2],
            settings.waitTimeout);
        if (settings.preflight) {
          PreflightReport inside = preflight(plan, false, true);
          if (!inside.allowed()) {
            throw new PreviewEnvException(inside.describe(), env, null, null);
          }
        }
      }
      phaseDone(timings, Phase.NAMESPACE, phaseStart);
    }

    /**
     * The guards, then the objects in waves (the lease and the secrets with the configuration wave,
     * before the workloads; seed Jobs later), then what an earlier plan left is pruned.
     */
    void apply() {
      long phaseStart = System.nanoTime();
      Applier applier = Applier.of(settings.applyStrategy, api, retry);
      objects = new ObjectApplier(api, applier, settings.concurrency, retry);
      List<HasMetadata> guards = Guards.of(env, ns, settings.quota, settings.limitRange);
      if (!guards.isEmpty()) {
        objects.applyAll(env, guards); // before anything the quota or limits count
      }
      List<HasMetadata> main =
          plan.seeds().isEmpty()
              ? plan.objects()
              : plan.objects().stream().filter(o -> !SeedDeclarations.isSeed(o)).toList();
      applied =
          objects.applyAll(
              env,
              main,
              List.of(
                  () -> {
                    heartbeat.set(
                        lease.start(
                            ns, env, holder, settings.heartbeatInterval, settings.leaseDuration));
                    return null;
                  },
                  () -> {
                    long secretsStart = System.nanoTime();
                    secretInstaller.install(env, ns, prepared, applier, settings.waitTimeout);
                    if (!settings.secrets.isEmpty()) {
                      phaseDone(timings, Phase.SECRETS, secretsStart);
                    }
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
      phaseDone(timings, Phase.APPLY, phaseStart);
    }

    /** The seeds that are due, each once what it depends on is ready; then the readiness wait. */
    void seedAndAwaitReady() {
      List<HasMetadata> seeds = plan.seeds();
      List<HasMetadata> toSeed = List.of();
      SeedRunner seeder = null;
      if (!seeds.isEmpty()) {
        seeder =
            new SeedRunner(
                client,
                retry,
                objects,
                namespaces,
                known,
                diagnosticsDirectory(plan.environment()),
                settings.waitTimeout,
                SeedRunner.recorded(ensured.namespace()));
        toSeed = seeder.toRun(env, seeds, settings.reseed);
      }
      if (toSeed.isEmpty()) {
        if (settings.readinessTimeout != null) {
          long phaseStart = System.nanoTime();
          awaitReady(env, ns, applied, known);
          phaseDone(timings, Phase.READINESS, phaseStart);
        }
      } else {
        readyAndSeeded(env, ns, applied, toSeed, seeder, known, timings);
      }
    }

    /** The running environment, handed to the caller with its teardown. */
    Preview preview() {
      log.info(
          "Environment {} is up in {}s", env, Duration.between(started, Instant.now()).toSeconds());
      OwnerLease.Heartbeat beat = heartbeat.get();
      Preview preview =
          new Preview(
              plan,
              client,
              settings.cleanup,
              settings.access,
              diagnosticsDirectory(plan.environment()),
              () -> teardownAsHolder(ns, env, holder),
              beat::close,
              () -> lease.release(ns, holder),
              known);
      preview.recordTimings(timings);
      return settings.keptNotice ? preview : preview.withoutKeptNotice();
    }

    /**
     * After a failed step: the failure scrubbed of known values, the environment cleaned up as
     * {@link Cleanup} says. An interrupted up (a cancelled pipeline: the CLI interrupts on SIGTERM)
     * still cleans up: the requests would fail at once with the flag set, so it is restored after.
     */
    RuntimeException failed(RuntimeException raw) {
      RuntimeException e = scrubbed(raw, known, env);
      boolean interrupted = Thread.interrupted();
      try {
        cleanUpAfterFailure(e, lease, heartbeat.get(), ns, env, holder);
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      return e;
    }
  }

  /** After a failed up: the heartbeat stops; the environment goes or is kept as cleanup says. */
  private void cleanUpAfterFailure(
      RuntimeException e,
      OwnerLease lease,
      OwnerLease.Heartbeat beat,
      String ns,
      String env,
      String holder) {
    if (beat != null) {
      beat.close();
    }
    if (settings.cleanup == Cleanup.ALWAYS) {
      try {
        teardownAsHolder(ns, env, holder);
      } catch (RuntimeException teardownFailure) {
        e.addSuppressed(teardownFailure);
      }
    } else {
      try {
        lease.release(ns, holder);
      } catch (RuntimeException releaseFailure) {
        e.addSuppressed(releaseFailure);
      }
      if (settings.keptNotice) {
        Preview.logKept(ns, env, "up failed, cleanup " + settings.cleanup);
      }
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
    String ns = environment.value();
    String me = holderIdentity();
    Retry retry = new Retry(settings.retry);
    new Namespaces(api, retry)
        .deleteAndWait(
            ns,
            ns,
            settings.waitTimeout,
            settings.teardownLimit,
            n -> {
              EnvironmentHolder live =
                  Ownership.blockingHolder(n, Ownership.lease(api, retry, ns), null);
              if (live != null
                  && !live.identity().equals(me)
                  && settings.onConflict.mode() != OnConflict.Mode.TAKE_OVER) {
                throw Ownership.conflict(ns, live, me, null);
              }
              new SecretInstaller(api, retry).release(n);
            });
  }

  /**
   * A janitor deleting expired and orphaned environments, using this provisioner's client,
   * concurrency and retries.
   */
  public Janitor janitor() {
    return new Janitor(
        api, settings.concurrency, null, false, new Retry(settings.retry), settings.maxAge);
  }

  /** The folder diagnostics of {@code environment} are written to. */
  public Path diagnosticsDirectory(EnvironmentName environment) {
    return settings.diagnosticsRoot.resolve(environment.value());
  }

  /**
   * Deletes the environment {@code holder} provisioned, unless it lost it: the holder recorded on
   * the namespace is checked on the very copy whose resourceVersion the delete carries, so an owner
   * that was taken over never deletes the environment under its new owner.
   */
  private void teardownAsHolder(String ns, String env, String holder) {
    Retry retry = new Retry(settings.retry);
    Namespaces namespaces = new Namespaces(api, retry);
    // the owner lease as read with the namespace (used once), else read afresh for each copy
    AtomicReference<Lease> readLease = new AtomicReference<>();
    java.util.function.Consumer<Namespace> stillOurs =
        n -> {
          Lease lease = readLease.getAndSet(null);
          EnvironmentHolder other =
              Ownership.blockingHolder(
                  n, lease != null ? lease : Ownership.lease(api, retry, ns), holder);
          if (other != null) {
            throw Ownership.conflict(env, other, holder, null);
          }
          new SecretInstaller(api, retry).release(n);
        };
    try {
      if (settings.teardown == Teardown.REQUEST) {
        // two round trips: the namespace and the owner lease read at once, then the delete (with
        // the namespace's resourceVersion); a namespace changed since is read and checked again
        Tasks.Both<Namespace, Lease> read =
            Tasks.both(
                "previewenv-teardown-" + env,
                () -> namespaces.get(ns),
                () -> Ownership.lease(api, retry, ns));
        Namespace current = read.first();
        readLease.set(read.second());
        if (current != null && namespaces.requestDeletion(current, env, stillOurs)) {
          log.info(
              "Deletion of environment {} requested, not waiting (teardown REQUEST): the namespace"
                  + " controller removes namespace {}; if it is still there after its expiry, the"
                  + " janitor deletes it again",
              env,
              ns);
        }
        return;
      }
      namespaces.deleteAndWait(ns, env, settings.waitTimeout, settings.teardownLimit, stillOurs);
    } catch (OwnerConflictException lost) {
      log.warn(
          "Not deleting environment {}: it was taken over by {} (since {}); this owner ({}) lost"
              + " it and leaves it to its new owner",
          env,
          lost.holder().identity(),
          lost.holder().since(),
          holder);
    }
  }

  private static java.util.Map<String, String> withHandoffs(
      java.util.Map<String, String> announcement, SecretInstaller.Prepared prepared) {
    java.util.Map<String, String> all = new java.util.LinkedHashMap<>(announcement);
    all.putAll(SecretInstaller.handoffAnnotation(prepared));
    return all;
  }

  /**
   * {@code e} unless its message (or a cause's) holds a known secret value; then an exception of
   * the same message, scrubbed, without the cause chain.
   */
  private static RuntimeException scrubbed(RuntimeException e, SecretValues known, String env) {
    boolean leaks = false;
    for (Throwable t = e; t != null && !leaks; t = t.getCause() == t ? null : t.getCause()) {
      leaks = known.appearsIn(t.getMessage()) || known.appearsIn(t.toString());
    }
    if (!leaks) {
      return e;
    }
    PreviewEnvException clean =
        e instanceof SeedFailedException f
            ? new SeedFailedException(
                known.scrub(f.getMessage()),
                env,
                known.scrub(f.job()),
                f.lastLogLines().stream().map(known::scrub).toList(),
                f.diagnostics().orElse(null))
            : e instanceof NotReadyException n
                ? new NotReadyException(
                    known.scrub(n.getMessage()),
                    env,
                    n.object().orElse(null),
                    n.diagnostics().orElse(null))
                : new PreviewEnvException(
                    known.scrub(String.valueOf(e.getMessage()))
                        + " (cause left out: it held a secret value)",
                    env,
                    e instanceof PreviewEnvException p ? p.object().orElse(null) : null,
                    null);
    clean.setStackTrace(e.getStackTrace());
    return clean;
  }

  /**
   * The readiness wait in the stages the seeds need: each stage waits for what its seeds depend on
   * (within what is left of the readiness timeout, or the seed timeout when up does not wait for
   * readiness), then runs them; the last stage waits for the rest.
   */
  private void readyAndSeeded(
      String env,
      String ns,
      List<HasMetadata> applied,
      List<HasMetadata> toSeed,
      SeedRunner seeder,
      SecretValues known,
      Map<Phase, Duration> timings) {
    long readinessStart = System.nanoTime();
    long readinessNanos = 0;
    long seedNanos = 0;
    // one set of watches for every stage and seed: nothing is listed again or closed in between
    try (ReadinessWaiter.Session session = new ReadinessWaiter(client).session(env, ns)) {
      for (SeedRunner.Stage stage : SeedRunner.stages(applied, toSeed)) {
        boolean last = stage.seeds().isEmpty();
        boolean wait = !stage.awaitFirst().isEmpty() || stage.withChecks();
        if (wait && !(last && settings.readinessTimeout == null)) {
          Duration timeout = settings.seedTimeout;
          if (settings.readinessTimeout != null) {
            Duration left =
                settings.readinessTimeout.minusNanos(
                    System.nanoTime() - readinessStart - seedNanos);
            timeout = left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left;
          }
          long t = System.nanoTime();
          awaitReady(
              env,
              ns,
              stage.awaitFirst(),
              known,
              stage.withChecks() ? settings.readinessChecks : List.of(),
              timeout,
              session);
          readinessNanos += System.nanoTime() - t;
        }
        if (!last) {
          long t = System.nanoTime();
          seeder.run(env, ns, stage.seeds(), settings.seedTimeout, session);
          seedNanos += System.nanoTime() - t;
        }
      }
    }
    if (settings.readinessTimeout != null) {
      phaseTook(timings, Phase.READINESS, Duration.ofNanos(readinessNanos));
    }
    phaseTook(timings, Phase.SEED, Duration.ofNanos(seedNanos));
  }

  private void awaitReady(String env, String ns, List<HasMetadata> applied, SecretValues known) {
    awaitReady(env, ns, applied, known, settings.readinessChecks, settings.readinessTimeout, null);
  }

  /** {@code session}: the watches to wait on, or {@code null} for a wait of its own. */
  private void awaitReady(
      String env,
      String ns,
      List<HasMetadata> applied,
      SecretValues known,
      List<ReadinessCheck> checks,
      Duration timeout,
      ReadinessWaiter.Session session) {
    try {
      if (session == null) {
        new ReadinessWaiter(client).await(env, ns, applied, checks, timeout);
      } else {
        session.await(applied, checks, timeout);
      }
    } catch (NotReadyException e) {
      throw DiagnosticsWriter.attach(e, client, ns, settings.diagnosticsRoot.resolve(env), known);
    }
  }

  /** The configured secrets plus the plan's pull secrets (copied), each secret once. */
  private List<SecretSpec> secretsOf(Plan plan) {
    if (plan.pullSecrets().isEmpty()) {
      return settings.secrets;
    }
    PullSecrets pull = plan.pullSecrets().get();
    List<String> extra = new ArrayList<>();
    for (String name : pull.names()) {
      boolean copiedAnyway =
          settings.secrets.stream()
              .anyMatch(
                  s ->
                      s.sourceNamespace().equals(pull.sourceNamespace())
                          && s.names().contains(name));
      if (!copiedAnyway) {
        extra.add(name);
      }
    }
    if (extra.isEmpty()) {
      return settings.secrets;
    }
    List<SecretSpec> all = new ArrayList<>(settings.secrets);
    all.add(SecretSpec.copy(pull.sourceNamespace(), extra.toArray(String[]::new)));
    return all;
  }

  /** Refuses pull secrets that are no registry credentials; before anything was created. */
  private static void checkPullSecrets(
      String env, PullSecrets pull, SecretInstaller.Prepared prepared) {
    List<String> wrong = new ArrayList<>();
    for (SecretInstaller.Source source : prepared.sources()) {
      var meta = source.secret().getMetadata();
      String type = source.secret().getType();
      if (meta.getNamespace().equals(pull.sourceNamespace())
          && pull.names().contains(meta.getName())
          && !"kubernetes.io/dockerconfigjson".equals(type)
          && !"kubernetes.io/dockercfg".equals(type)) {
        wrong.add(meta.getNamespace() + "/" + meta.getName() + " (type " + type + ")");
      }
    }
    if (!wrong.isEmpty()) {
      throw new PreviewEnvException(
          "Environment "
              + env
              + ": pull secrets must be of type kubernetes.io/dockerconfigjson, but "
              + String.join(", ", wrong)
              + " is not. Nothing was created. Make it with kubectl create secret"
              + " docker-registry, or name the right secret",
          env,
          null,
          null);
    }
  }

  private void phaseDone(Map<Phase, Duration> timings, Phase phase, long startNanos) {
    phaseTook(timings, phase, Duration.ofNanos(System.nanoTime() - startNanos));
  }

  private void phaseTook(Map<Phase, Duration> timings, Phase phase, Duration took) {
    timings.put(phase, took);
    try {
      settings.progress.accept(phase, took);
    } catch (RuntimeException e) {
      log.debug("The progress listener failed on phase {}; ignored", phase, e);
    }
  }

  private static Duration positive(Duration d, String what) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + d);
    }
    return d;
  }

  /**
   * TLS hosts against the certificates of secrets PreviewEnv brings in (copies or hands to a sync
   * controller): a warning each, or, for a plan with strict hosts, an error before anything is
   * created. Certificates in the plan itself were checked when it was built.
   */
  private static void checkBroughtInCertificates(Plan plan, SecretInstaller.Prepared prepared) {
    java.util.Map<String, io.fabric8.kubernetes.api.model.Secret> brought =
        new java.util.LinkedHashMap<>();
    Set<String> inPlan = HostChecks.certificates(plan.objects()).keySet();
    for (SecretInstaller.Source source : prepared.sources()) {
      brought.put(source.secret().getMetadata().getName(), source.secret());
    }
    brought.keySet().removeAll(inPlan);
    java.util.Map<String, io.fabric8.kubernetes.api.model.Secret> certificates =
        HostChecks.certificates(brought.values());
    if (certificates.isEmpty()) {
      return;
    }
    List<String> findings =
        HostChecks.tls(plan.objects(), certificates, "brought in from its source namespace");
    if (findings.isEmpty()) {
      return;
    }
    if (plan.strictHosts()) {
      throw new PreviewEnvException(
          "Environment "
              + plan.namespace()
              + ": TLS certificates do not cover the rewritten hosts; nothing was created."
              + " Fix them and try again:"
              + System.lineSeparator()
              + "  - "
              + String.join(System.lineSeparator() + "  - ", findings),
          plan.namespace(),
          null,
          null);
    }
    findings.forEach(f -> log.warn("Environment {}: {}", plan.namespace(), f));
  }
}
