package dev.previewenv.core;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What {@link Provisioner#preflight(Plan)} found: every permission provisioning the plan needs, and
 * those the identity running PreviewEnv lacks. Nothing was changed on the cluster.
 *
 * @param environment the environment the plan is for
 * @param checked every permission checked, in a stable order
 * @param missing the permissions the API server denied, in the same order
 */
public record PreflightReport(
    String environment, List<Permission> checked, List<Permission> missing) {
  public PreflightReport {
    Objects.requireNonNull(environment, "environment");
    checked = List.copyOf(checked);
    missing = List.copyOf(missing);
  }

  /** Whether every needed permission is granted. */
  public boolean allowed() {
    return missing.isEmpty();
  }

  /**
   * One line per missing permission with the RBAC rule that grants it, or a line saying all is
   * well.
   */
  public String describe() {
    if (missing.isEmpty()) {
      return "All "
          + checked.size()
          + " permissions needed for environment "
          + environment
          + " are granted";
    }
    return "The identity running PreviewEnv lacks "
        + missing.size()
        + " of "
        + checked.size()
        + " permissions needed for environment "
        + environment
        + "; nothing was changed. Grant them (see dev/previewenv/rbac/previewenv-rbac.yaml in"
        + " previewenv-core):"
        + missing.stream()
            .map(p -> System.lineSeparator() + "  - " + p)
            .collect(Collectors.joining());
  }

  /**
   * A permission as RBAC knows it.
   *
   * @param verb get, list, watch, create, update, patch or delete
   * @param group the API group, empty for the core group
   * @param resource the plural resource, e.g. {@code deployments}
   * @param namespace the namespace, or {@code null} for cluster-wide
   */
  public record Permission(String verb, String group, String resource, String namespace) {
    public Permission {
      Objects.requireNonNull(verb, "verb");
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(resource, "resource");
    }

    /**
     * The rule granting it, e.g. {@code apiGroups: ["apps"], resources: [deployments], verbs:
     * [patch]}.
     */
    public String rule() {
      return "apiGroups: [\"" + group + "\"], resources: [" + resource + "], verbs: [" + verb + "]";
    }

    @Override
    public String toString() {
      return verb
          + " "
          + (group.isEmpty() ? "" : group + "/")
          + resource
          + (namespace == null ? " (cluster-wide)" : " in namespace " + namespace)
          + ": {"
          + rule()
          + "}";
    }
  }
}
