package dev.previewenv.core.internal.provision;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;
import java.util.Set;

/** Label and annotation keys PreviewEnv writes, and the ownership test built on them. */
public final class Meta {
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

  public static final String FIELD_MANAGER = "previewenv";

  /** Namespaces PreviewEnv never takes over or deletes, whatever their labels say. */
  public static final Set<String> PROTECTED_NAMESPACES =
      Set.of("default", "kube-system", "kube-public", "kube-node-lease");

  private Meta() {}

  /** The labels every object and namespace of {@code environment} carries. */
  public static Map<String, String> labels(String environment) {
    return Map.of(MANAGED_BY, MANAGED_BY_VALUE, ENVIRONMENT, environment);
  }

  /** Whether PreviewEnv manages {@code object} for {@code environment}, going by its labels. */
  public static boolean managedFor(HasMetadata object, String environment) {
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels != null
        && MANAGED_BY_VALUE.equals(labels.get(MANAGED_BY))
        && environment.equals(labels.get(ENVIRONMENT));
  }

  /** Whether {@code name} may never be adopted or deleted. */
  public static boolean isProtected(String name) {
    return PROTECTED_NAMESPACES.contains(name) || name.startsWith("kube-");
  }

  /** {@code Kind/name} or {@code Kind/namespace/name}, for messages. */
  public static String describe(HasMetadata o) {
    String ns = o.getMetadata().getNamespace();
    return o.getKind() + "/" + (ns == null ? "" : ns + "/") + o.getMetadata().getName();
  }

  /** {@code Kind/name} without namespace, for messages about one namespace. */
  public static String kindName(HasMetadata o) {
    return o.getKind() + "/" + o.getMetadata().getName();
  }
}
