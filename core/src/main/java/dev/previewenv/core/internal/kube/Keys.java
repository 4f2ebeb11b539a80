package dev.previewenv.core.internal.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;
import java.util.Set;

/**
 * The label and annotation keys PreviewEnv writes and reads, in one place. The first group is the
 * ownership contract: an object or namespace counts as PreviewEnv's only through {@link
 * #MANAGED_BY} and {@link #ENVIRONMENT}, and the janitor deletes nothing else.
 */
public final class Keys {
  // --- the ownership contract ---
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "previewenv";
  public static final String ENVIRONMENT = "previewenv.dev/environment";
  public static final String BRANCH = "previewenv.dev/branch";
  public static final String OWNER = "previewenv.dev/owner";
  public static final String CREATED_AT = "previewenv.dev/created-at";
  public static final String EXPIRES_AT = "previewenv.dev/expires-at";
  public static final String APPLIED_KINDS = "previewenv.dev/applied-kinds";
  public static final String COPIED_FROM = "previewenv.dev/copied-from";

  /**
   * Namespace annotation: the holder identity of the one owner of the environment (the same as the
   * holder of its Lease {@code previewenv-owner}). Written only with the namespace's
   * resourceVersion as a precondition, so that taking over an environment always changes the
   * namespace, and a delete checked against the old holder fails with a conflict.
   */
  public static final String HOLDER = "previewenv.dev/holder";

  /** Namespace annotation: the lease duration, in seconds, while a heartbeat is expected. */
  public static final String HEARTBEAT_SECONDS = "previewenv.dev/heartbeat-seconds";

  /** Namespace annotation: when the current owner started (before taking the lease). */
  public static final String HEARTBEAT_SINCE = "previewenv.dev/heartbeat-since";

  /** Namespace annotation: the source secrets handed to syncing controllers, for teardown. */
  public static final String HANDOFFS = "previewenv.dev/secret-handoffs";

  /**
   * Namespace annotation written during teardown once the namespace's last pod is gone: the change
   * makes the namespace controller look at it again at once instead of after its backoff.
   */
  public static final String TEARDOWN_REQUEUE = "previewenv.dev/teardown-requeue";

  /** The field manager of every server-side apply. */
  public static final String FIELD_MANAGER = "previewenv";

  // --- the E2E Job ---
  /** Pod label of an E2E Job's pods: the Job's name (a run's pods, and only those). */
  public static final String E2E_JOB = "previewenv.dev/e2e-job";

  // --- the seed phase ---
  /** Object annotation naming the phase the object belongs to. */
  public static final String PHASE = "previewenv.dev/phase";

  /** Seed annotation: the workloads ({@code Kind/name}, comma separated) the seed waits for. */
  public static final String SEED_AFTER = "previewenv.dev/seed-after";

  /** Seed annotation: the order among seeds, an integer; lower first, equal at once. */
  public static final String SEED_WEIGHT = "previewenv.dev/seed-weight";

  /** Namespace annotation: {@code job=hash,...} of every seed that completed with that spec. */
  public static final String SEEDED = "previewenv.dev/seeded";

  /** Namespaces PreviewEnv never takes over or deletes, whatever their labels say. */
  public static final Set<String> PROTECTED_NAMESPACES =
      Set.of("default", "kube-system", "kube-public", "kube-node-lease");

  private Keys() {}

  /** The labels every object and namespace of {@code environment} carries. */
  public static Map<String, String> labels(String environment) {
    return Map.of(MANAGED_BY, MANAGED_BY_VALUE, ENVIRONMENT, environment);
  }

  /** Whether PreviewEnv manages {@code object} for {@code environment}, going by its labels. */
  public static boolean managedFor(HasMetadata object, String environment) {
    Map<String, String> labels =
        object.getMetadata() == null ? null : object.getMetadata().getLabels();
    return labels != null
        && MANAGED_BY_VALUE.equals(labels.get(MANAGED_BY))
        && environment.equals(labels.get(ENVIRONMENT));
  }

  /** Whether {@code name} may never be adopted or deleted. */
  public static boolean isProtected(String name) {
    return PROTECTED_NAMESPACES.contains(name) || name.startsWith("kube-");
  }
}
