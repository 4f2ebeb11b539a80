package dev.previewenv.core;

import dev.previewenv.core.internal.job.E2eJobRunner;
import dev.previewenv.core.internal.job.E2eRunSpec;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The E2E suite packaged as a container image, run in an environment's namespace as a Kubernetes
 * Job. Immutable; every {@code with...} returns a copy.
 *
 * <pre>{@code
 * E2eResult result = E2eJob.of("registry.example.com/shop-e2e:1.4")
 *     .withIncludeTags("smoke")
 *     .run(preview, System.out::println);
 * }</pre>
 *
 * <p>{@link #run} creates in the namespace a ServiceAccount {@value #SERVICE_ACCOUNT} with a Role
 * that may only get, list and watch pods, services, endpoints, configmaps and ingresses of that
 * namespace, and a Job with {@code backoffLimit: 0}, {@code restartPolicy: Never}, an active
 * deadline, the pod annotation {@code cluster-autoscaler.kubernetes.io/safe-to-evict: "false"}, the
 * termination message read from {@code /dev/termination-log}, and, where the server knows them, a
 * {@code podFailurePolicy} (exit code 1 fails the Job at once, a disruption such as an eviction is
 * not counted against the backoff limit; Kubernetes 1.26+) and {@code ttlSecondsAfterFinished}
 * (1.21+, or earlier with {@link #withTtlOnOldServers(boolean)}). What the server does not know is
 * left out and said at DEBUG.
 *
 * <p>The container gets the environment variables {@value #ENV_NAMESPACE}, {@code
 * PREVIEWENV_SERVICE_URL_<SERVICE>} per service (upper case, {@code -} and {@code .} replaced by
 * {@code _}), and, when set, {@value #ENV_SELECT}, {@value #ENV_INCLUDE_TAGS} and {@value
 * #ENV_EXCLUDE_TAGS}. The image's main is expected to be PreviewEnv's launcher ({@code
 * dev.previewenv.launcher.E2eMain} of {@code previewenv-e2e-launcher}), which hands back each
 * class's JUnit XML through its standard output as the class finishes, or to print its reports as
 * described in {@link E2eResults}; it may write a JSON summary to its termination message.
 */
public final class E2eJob {
  /** The name of the ServiceAccount, Role and RoleBinding the suite runs with. */
  public static final String SERVICE_ACCOUNT = E2eRunSpec.SERVICE_ACCOUNT;

  /** The namespace of the environment. */
  public static final String ENV_NAMESPACE = E2eRunSpec.ENV_NAMESPACE;

  /** Prefix of the per-service URL variables. */
  public static final String ENV_SERVICE_URL_PREFIX = E2eRunSpec.ENV_SERVICE_URL_PREFIX;

  /** Which tests to run (classes, packages or methods; as the suite's main understands it). */
  public static final String ENV_SELECT = E2eRunSpec.ENV_SELECT;

  /** Tag expression of tests to include. */
  public static final String ENV_INCLUDE_TAGS = E2eRunSpec.ENV_INCLUDE_TAGS;

  /** Tag expression of tests to exclude. */
  public static final String ENV_EXCLUDE_TAGS = E2eRunSpec.ENV_EXCLUDE_TAGS;

  /** The pod annotation that keeps the cluster autoscaler from evicting the suite. */
  public static final String SAFE_TO_EVICT = E2eRunSpec.SAFE_TO_EVICT;

  private static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern JOB_PREFIX = Pattern.compile("[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?");

  private final Spec spec; // never changed after construction

  private E2eJob(Spec spec) {
    this.spec = spec;
  }

  /** The settings of one E2eJob; each {@code with...} changes a fresh copy. */
  private static final class Spec implements Cloneable {
    String image;
    String namePrefix = "previewenv-e2e";
    Map<String, URI> serviceUrls = Map.of();
    Map<String, String> env = Map.of();
    List<String> command = List.of();
    String select;
    String includeTags;
    String excludeTags;
    String imagePullPolicy;
    List<String> pullSecrets; // null: the plan's pull secrets, if any
    Duration activeDeadline = Duration.ofMinutes(30);
    Duration ttlAfterFinished = Duration.ofSeconds(600);
    boolean ttlOnOldServers;
    ResourceRequirements resources;
    Duration timeout;

    Spec copy() {
      try {
        return (Spec) clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private E2eJob with(Consumer<Spec> change) {
    Spec next = spec.copy();
    change.accept(next);
    return new E2eJob(next);
  }

  /**
   * A Job running {@code image}, with: name prefix {@code previewenv-e2e}, the server's default
   * pull policy, an active deadline of 30 minutes, {@code ttlSecondsAfterFinished} 600, no resource
   * settings, and a client-side timeout of the active deadline plus 2 minutes.
   */
  public static E2eJob of(String image) {
    if (image == null || image.isBlank() || !image.strip().equals(image)) {
      throw new IllegalArgumentException(
          "The E2E image must be a non-blank image reference such as"
              + " registry.example.com/shop-e2e:1.4, was: '"
              + image
              + "'");
    }
    Spec spec = new Spec();
    spec.image = image;
    return new E2eJob(spec);
  }

  /**
   * Sets {@code PREVIEWENV_SERVICE_URL_<SERVICE>} for {@code service}. With {@link #run(Preview,
   * Consumer)}, URLs not set here are derived from the namespace's Services (see there).
   */
  public E2eJob withServiceUrl(String service, URI url) {
    Objects.requireNonNull(url, "url");
    serviceEnvName(service);
    Map<String, URI> m = new LinkedHashMap<>(spec.serviceUrls);
    m.put(service, url);
    return with(s -> s.serviceUrls = Collections.unmodifiableMap(m));
  }

  /**
   * Adds an environment variable of the suite's container (overrides the ones set by PreviewEnv).
   */
  public E2eJob withEnv(String name, String value) {
    if (name == null || !ENV_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "An environment variable name must match " + ENV_NAME + ", was: " + name);
    }
    Objects.requireNonNull(value, "value");
    Map<String, String> m = new LinkedHashMap<>(spec.env);
    m.put(name, value);
    return with(s -> s.env = Collections.unmodifiableMap(m));
  }

  /**
   * The container's command (its {@code command}, replacing the image's entrypoint); none given
   * runs the image's own entrypoint, as the PreviewEnv E2E image expects.
   */
  public E2eJob withCommand(String... command) {
    for (String part : command) {
      Objects.requireNonNull(part, "command part");
    }
    return with(s -> s.command = List.of(command));
  }

  /** Sets {@value #ENV_SELECT}; {@code null} removes it. */
  public E2eJob withSelect(String selection) {
    return with(s -> s.select = blankToNull(selection));
  }

  /** Sets {@value #ENV_INCLUDE_TAGS}; {@code null} removes it. */
  public E2eJob withIncludeTags(String tagExpression) {
    return with(s -> s.includeTags = blankToNull(tagExpression));
  }

  /** Sets {@value #ENV_EXCLUDE_TAGS}; {@code null} removes it. */
  public E2eJob withExcludeTags(String tagExpression) {
    return with(s -> s.excludeTags = blankToNull(tagExpression));
  }

  /**
   * The prefix of the Job's name (a random suffix is added per run): lower-case letters, digits and
   * {@code -}, at most 42 characters.
   */
  public E2eJob withNamePrefix(String prefix) {
    if (prefix == null || !JOB_PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "A Job name prefix must be lower-case letters, digits and '-', start and end"
              + " alphanumeric, at most 42 characters, was: "
              + prefix);
    }
    return with(s -> s.namePrefix = prefix);
  }

  /**
   * The container's {@code imagePullPolicy}: {@code Always}, {@code IfNotPresent} or {@code Never};
   * {@code null} leaves it to the server's default.
   */
  public E2eJob withImagePullPolicy(String policy) {
    if (policy != null && !PULL_POLICIES.contains(policy)) {
      throw new IllegalArgumentException(
          "imagePullPolicy must be one of Always, IfNotPresent, Never (or null for the server's"
              + " default), was: "
              + policy);
    }
    return with(s -> s.imagePullPolicy = policy);
  }

  /**
   * The {@code imagePullSecrets} of the Job's ServiceAccount (secrets already in the namespace).
   * Default: with {@link #run(Preview)}, the pull secrets of the environment's plan ({@link
   * Plan#pullSecrets()}); otherwise none.
   */
  public E2eJob withPullSecrets(String... names) {
    List<String> list = List.of(names);
    for (String n : list) {
      if (n.isBlank()) {
        throw new IllegalArgumentException("A pull secret name must not be blank");
      }
    }
    return with(s -> s.pullSecrets = list);
  }

  /** The pull secrets set with {@link #withPullSecrets}, empty when none were set. */
  public List<String> pullSecrets() {
    return spec.pullSecrets == null ? List.of() : spec.pullSecrets;
  }

  /** The Job's {@code activeDeadlineSeconds} (whole seconds, at least 1). */
  public E2eJob withActiveDeadline(Duration deadline) {
    requireSeconds(deadline, "activeDeadline", 1);
    return with(s -> s.activeDeadline = deadline);
  }

  /**
   * The Job's {@code ttlSecondsAfterFinished}: how long the finished Job and its pod (and so the
   * log the results are read from) are kept. It must exceed the time the runner needs to collect
   * the results after the Job finished, hence at least 60 seconds.
   */
  public E2eJob withTtlAfterFinished(Duration ttl) {
    requireSeconds(ttl, "ttlAfterFinished", 60);
    return with(s -> s.ttlAfterFinished = ttl);
  }

  /**
   * Whether to set {@code ttlSecondsAfterFinished} also on servers before 1.21, where it is alpha
   * and works only with the {@code TTLAfterFinished} feature gate (off by default). Without the
   * gate the field is dropped by the server and the Job stays until the namespace is deleted.
   */
  public E2eJob withTtlOnOldServers(boolean force) {
    return with(s -> s.ttlOnOldServers = force);
  }

  /** The container's resource requests and limits; {@code null} sets none. */
  public E2eJob withResources(ResourceRequirements requirements) {
    return with(s -> s.resources = requirements);
  }

  /**
   * How long {@link #run} waits for the Job to finish before it gives up, deletes the Job and
   * returns a {@link E2eResult.Cause.Kind#TIMEOUT} result; a safety net behind the active deadline.
   * {@code null} means the active deadline plus 2 minutes.
   */
  public E2eJob withTimeout(Duration clientTimeout) {
    if (clientTimeout != null && (clientTimeout.isNegative() || clientTimeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive, was " + clientTimeout);
    }
    return with(s -> s.timeout = clientTimeout);
  }

  public String image() {
    return spec.image;
  }

  public String namePrefix() {
    return spec.namePrefix;
  }

  /** The service URLs set explicitly, by service. */
  public Map<String, URI> serviceUrls() {
    return spec.serviceUrls;
  }

  /** The extra environment variables. */
  public Map<String, String> env() {
    return spec.env;
  }

  /** The container's command; empty for the image's entrypoint. */
  public List<String> command() {
    return spec.command;
  }

  public Optional<String> select() {
    return Optional.ofNullable(spec.select);
  }

  public Optional<String> includeTags() {
    return Optional.ofNullable(spec.includeTags);
  }

  public Optional<String> excludeTags() {
    return Optional.ofNullable(spec.excludeTags);
  }

  public Optional<String> imagePullPolicy() {
    return Optional.ofNullable(spec.imagePullPolicy);
  }

  public Duration activeDeadline() {
    return spec.activeDeadline;
  }

  public Duration ttlAfterFinished() {
    return spec.ttlAfterFinished;
  }

  public boolean ttlOnOldServers() {
    return spec.ttlOnOldServers;
  }

  public Optional<ResourceRequirements> resources() {
    return Optional.ofNullable(spec.resources);
  }

  E2eRunSpec jobSpec() { // package-private: the tests build the objects from it
    return new E2eRunSpec(
        image(),
        namePrefix(),
        serviceUrls(),
        env(),
        command(),
        select(),
        includeTags(),
        excludeTags(),
        imagePullPolicy(),
        pullSecrets(),
        activeDeadline(),
        ttlAfterFinished(),
        ttlOnOldServers(),
        resources(),
        timeout());
  }

  /** The client-side timeout of {@link #run}. */
  public Duration timeout() {
    return spec.timeout != null ? spec.timeout : spec.activeDeadline.plusMinutes(2);
  }

  /**
   * The name of the variable carrying {@code service}'s URL: {@code PREVIEWENV_SERVICE_URL_} plus
   * the name in upper case with {@code -} and {@code .} replaced by {@code _}.
   */
  public static String serviceEnvName(String service) {
    return E2eRunSpec.serviceEnvName(service);
  }

  /**
   * Runs the suite in {@code preview}'s namespace and waits for its result; see {@link
   * #run(KubernetesClient, String, Consumer)}. Service URLs not set with {@link #withServiceUrl}
   * are derived from the namespace's Services as {@code http://<cluster IP>:<first port>}: that
   * works without cluster DNS (kube-proxy suffices); headless Services are left out.
   */
  public E2eResult run(Preview preview, Consumer<String> logLines) {
    Objects.requireNonNull(preview, "preview");
    E2eJob job = this;
    if (spec.pullSecrets == null && preview.plan().pullSecrets().isPresent()) {
      job = withPullSecrets(preview.plan().pullSecrets().get().names().toArray(String[]::new));
    }
    return new E2eJobRunner(
            job.jobSpec(),
            preview.client(),
            preview.namespace(),
            logLines,
            true,
            preview.secretValues())
        .run();
  }

  /** {@link #run(Preview, Consumer)} without a log consumer (the log tail is in the result). */
  public E2eResult run(Preview preview) {
    return run(preview, line -> {});
  }

  /**
   * Runs the suite in {@code namespace}: creates the ServiceAccount, Role, RoleBinding and Job,
   * watches the Job to its end (no polling), passes the suite's log lines to {@code logLines} while
   * it runs (the report blocks left out), and returns the result read from the reports in the log,
   * else from the termination-message summary. A run that ends without results (image pull failure,
   * deadline, eviction, OOMKilled, this runner's timeout) is a result naming the cause. On an image
   * pull failure and on timeout the Job is deleted; otherwise it is kept until its {@code
   * ttlSecondsAfterFinished}.
   *
   * @throws PreviewEnvException when the objects cannot be created (e.g. missing permissions) or
   *     the thread is interrupted
   */
  public E2eResult run(KubernetesClient client, String namespace, Consumer<String> logLines) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(namespace, "namespace");
    return new E2eJobRunner(jobSpec(), client, namespace, logLines, false).run();
  }

  /**
   * Runs the suite in the namespace of {@code environment}, provisioned earlier (e.g. by another
   * process such as {@code previewenv up}); service URLs not set with {@link #withServiceUrl} are
   * derived from the namespace's Services as in {@link #run(Preview, Consumer)}. Otherwise as
   * {@link #run(KubernetesClient, String, Consumer)}.
   */
  public E2eResult run(
      KubernetesClient client, EnvironmentName environment, Consumer<String> logLines) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(environment, "environment");
    return new E2eJobRunner(jobSpec(), client, environment.value(), logLines, true).run();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static void requireSeconds(Duration d, String name, long min) {
    if (d == null || d.getSeconds() < min || d.getNano() != 0) {
      throw new IllegalArgumentException(
          name + " must be whole seconds, at least " + min + " s, was " + d);
    }
  }

  @Override
  public String toString() {
    return "E2eJob[" + spec.image + "]";
  }
}
