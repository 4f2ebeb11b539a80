package dev.previewenv.core.internal.retry;

import dev.previewenv.core.PreviewEnvException;
import dev.previewenv.core.internal.kube.Coordinates;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one idempotent API request, trying it again with exponential backoff and jitter when the
 * answer says a later try can succeed: 429 (waiting at least the server's Retry-After, which the
 * API server also reports as {@code Status.details.retryAfterSeconds}), 5xx, and a connection that
 * was reset, closed or timed out before an answer came. Bounded by {@link
 * RetryPolicy#maxAttempts()} and {@link RetryPolicy#maxTotal()}.
 *
 * <p>Every other answer fails at once: 403 becomes a {@link PreviewEnvException} naming the verb,
 * resource, namespace and the RBAC rule that is missing; 400, 404, 409, 422 and the rest are
 * rethrown unchanged for the call site to handle (a 409 on a re-sent create, a 404 on a re-sent
 * delete). Callers pass only idempotent requests: GET/LIST/WATCH, server-side apply, PUT, DELETE of
 * a known object, and creates whose 409 the call site turns into get-and-update.
 *
 * <p>The only timed wait in PreviewEnv's request path is the backoff here; it is interruptible.
 * Thread-safe.
 */
public final class Retry {
  private static final Logger log = LoggerFactory.getLogger(Retry.class);
  private static final int FORBIDDEN = 403;
  private static final int TOO_MANY_REQUESTS = 429;

  /** How the backoff waits; replaced in tests. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /**
   * The request, for messages and the RBAC rule of a 403.
   *
   * @param verb the RBAC verb: get, list, watch, create, update, patch, delete
   * @param group the API group, empty for the core group
   * @param resource the plural resource, e.g. {@code deployments}
   * @param namespace the namespace, {@code null} for a cluster-scoped request
   * @param name the object name, {@code null} for a list or watch
   */
  public record Op(String verb, String group, String resource, String namespace, String name) {
    public Op {
      Objects.requireNonNull(verb, "verb");
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(resource, "resource");
    }

    /** A request about {@code object}: group and resource from its apiVersion and kind. */
    public static Op of(String verb, HasMetadata object) {
      return new Op(
          verb,
          Coordinates.group(object.getApiVersion()),
          Coordinates.resourceOf(object),
          object.getMetadata().getNamespace(),
          object.getMetadata().getName());
    }

    /** The RBAC rule that allows this request, in Role YAML flow style. */
    public String rule() {
      return "apiGroups: [\"" + group + "\"], resources: [" + resource + "], verbs: [" + verb + "]";
    }

    /** e.g. {@code patch deployments/api in namespace feature-x}. */
    public String describe() {
      return verb
          + " "
          + (group.isEmpty() ? "" : group + "/")
          + resource
          + (name == null ? "" : "/" + name)
          + (namespace == null ? " (cluster-wide)" : " in namespace " + namespace);
    }
  }

  private final RetryPolicy policy;
  private final Sleeper sleeper;
  private final Random random;

  public Retry(RetryPolicy policy) {
    this(policy, d -> TimeUnit.NANOSECONDS.sleep(d.toNanos()));
  }

  public Retry(RetryPolicy policy, Sleeper sleeper) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.random = policy.seed().isPresent() ? new Random(policy.seed().getAsLong()) : new Random();
  }

  /** The default policy. */
  public static Retry defaults() {
    return new Retry(RetryPolicy.defaults());
  }

  public RetryPolicy policy() {
    return policy;
  }

  /** Runs {@code action}, retrying as the policy allows. */
  public void run(Op op, Runnable action) {
    call(
        op,
        () -> {
          action.run();
          return null;
        });
  }

  /**
   * Runs {@code action}, retrying as the policy allows, and returns its result.
   *
   * @throws PreviewEnvException on 403, or when the attempts or the time ran out (the last failure
   *     is the cause)
   * @throws KubernetesClientException unchanged for other answers that retrying cannot fix
   */
  public <T> T call(Op op, Supplier<T> action) {
    long start = System.nanoTime();
    long deadline = start + policy.maxTotal().toNanos();
    for (int attempt = 1; ; attempt++) {
      RuntimeException failure;
      try {
        return action.get();
      } catch (KubernetesClientException e) {
        KubernetesClientException k = redacted(op, e);
        if (k.getCode() == FORBIDDEN) {
          throw forbidden(op, k);
        }
        if (!retryable(e)) {
          throw k;
        }
        failure = k;
      }
      Duration wait = backoff(attempt, failure);
      long now = System.nanoTime();
      boolean timeLeft = now + wait.toNanos() <= deadline;
      if (attempt >= policy.maxAttempts() || !timeLeft) {
        throw exhausted(op, attempt, Duration.ofNanos(now - start), failure);
      }
      log.debug(
          "Retrying {} in {} ms (attempt {} of {}): {}",
          op.describe(),
          wait.toMillis(),
          attempt + 1,
          policy.maxAttempts(),
          summary(op, failure));
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        PreviewEnvException interrupted =
            new PreviewEnvException(
                "Interrupted while waiting to retry " + op.describe(), null, null, failure);
        throw interrupted;
      }
    }
  }

  /**
   * Whether retrying can help: 429, 5xx, or no answer at all because the connection was reset,
   * closed or timed out. A {@link KubernetesClientTimeoutException} (a wait that ran out) is not.
   */
  public static boolean retryable(Throwable t) {
    if (t instanceof KubernetesClientTimeoutException) {
      return false;
    }
    if (t instanceof KubernetesClientException k) {
      int code = k.getCode();
      if (code == TOO_MANY_REQUESTS || (code >= 500 && code < 600)) {
        return true;
      }
      if (code > 0) {
        return false;
      }
    }
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof IOException || c instanceof TimeoutException) {
        return true;
      }
      String name = c.getClass().getSimpleName();
      String message = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
      if (name.contains("Closed")
          || message.contains("connection reset")
          || message.contains("connection was closed")
          || message.contains("connection closed")) {
        return true;
      }
    }
    return false;
  }

  Duration backoff(int attempt, RuntimeException failure) {
    long base = policy.initialBackoff().toMillis();
    long max = policy.maxBackoff().toMillis();
    long exp = base << Math.min(attempt - 1, 20);
    long capped = Math.max(0, Math.min(exp, max));
    long jittered;
    synchronized (random) {
      // "equal jitter": half fixed, half random, so concurrent clients spread out
      jittered = capped / 2 + (capped > 1 ? (long) (random.nextDouble() * (capped / 2.0)) : 0);
    }
    long retryAfter = retryAfterSeconds(failure) * 1000L;
    return Duration.ofMillis(Math.max(jittered, retryAfter));
  }

  private static long retryAfterSeconds(Throwable t) {
    if (t instanceof KubernetesClientException k
        && k.getCode() == TOO_MANY_REQUESTS
        && k.getStatus() != null
        && k.getStatus().getDetails() != null
        && k.getStatus().getDetails().getRetryAfterSeconds() != null) {
      return Math.max(0, k.getStatus().getDetails().getRetryAfterSeconds());
    }
    return 0;
  }

  private PreviewEnvException exhausted(Op op, int attempts, Duration took, RuntimeException last) {
    return new PreviewEnvException(
        "Gave up on "
            + op.describe()
            + " after "
            + attempts
            + " attempt(s) in "
            + took.toMillis()
            + " ms (limits: "
            + policy.maxAttempts()
            + " attempts, "
            + policy.maxTotal().toSeconds()
            + " s); expected the API server to answer, last seen: "
            + summary(op, last)
            + ". The API server is overloaded or unreachable: check it, then run again (or raise"
            + " the limits with Provisioner.withRetries)",
        op.namespace(),
        op.name() == null ? null : op.resource() + "/" + op.name(),
        last);
  }

  /**
   * For requests about secrets, a copy of {@code e} without the server's message and without the
   * original as cause (the message could quote secret data): the code, reason and object only.
   * Other exceptions unchanged.
   */
  static KubernetesClientException redacted(Retry.Op op, KubernetesClientException e) {
    if (!"secrets".equals(op.resource())) {
      return e;
    }
    Status s = e.getStatus();
    String reason = s == null || s.getReason() == null ? "" : " " + s.getReason();
    String message =
        e.getCode() > 0
            ? "HTTP "
                + e.getCode()
                + reason
                + " for "
                + op.describe()
                + " (the server's message is withheld: it could quote secret data)"
            : summary(op, e);
    Status status =
        new io.fabric8.kubernetes.api.model.StatusBuilder()
            .withCode(e.getCode())
            .withReason(s == null ? null : s.getReason())
            .withDetails(s == null ? null : s.getDetails())
            .build();
    KubernetesClientException copy =
        e instanceof KubernetesClientTimeoutException
            ? e
            : new KubernetesClientException(message, e.getCode(), status);
    if (copy != e) {
      copy.setStackTrace(e.getStackTrace());
    }
    return copy;
  }

  /** The answer in one line; for secrets without the server's message, which could quote data. */
  static String summary(Op op, Throwable t) {
    if (t instanceof KubernetesClientException k && k.getCode() > 0) {
      Status s = k.getStatus();
      String reason = s == null || s.getReason() == null ? "" : " " + s.getReason();
      if ("secrets".equals(op.resource())) {
        return "HTTP " + k.getCode() + reason;
      }
      String message = s != null && s.getMessage() != null ? s.getMessage() : k.getMessage();
      return "HTTP " + k.getCode() + reason + ": " + message;
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return "no answer (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }

  private static PreviewEnvException forbidden(Op op, KubernetesClientException e) {
    return new PreviewEnvException(
        "The API server refused to "
            + op.describe()
            + " (403 Forbidden): the identity running PreviewEnv lacks the RBAC rule {"
            + op.rule()
            + "}"
            + (op.namespace() == null
                ? " in a ClusterRole"
                : " in a Role of namespace "
                    + op.namespace()
                    + " (for an environment namespace: in ClusterRole previewenv-environment,"
                    + " which Provisioner.withEnvironmentRole binds there when creating it)")
            + ". Add it (see dev/previewenv/rbac/previewenv-rbac.yaml in previewenv-core) or run"
            + " Provisioner.preflight(plan) to list every missing permission",
        op.namespace(),
        op.name() == null ? null : op.resource() + "/" + op.name(),
        e);
  }
}
