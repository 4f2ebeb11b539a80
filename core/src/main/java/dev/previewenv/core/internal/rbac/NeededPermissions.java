package dev.previewenv.core.internal.rbac;

import dev.previewenv.core.ApplyStrategy;
import dev.previewenv.core.PreflightReport.Permission;
import dev.previewenv.core.SecretSpec;
import dev.previewenv.core.internal.kube.Coordinates;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The permissions {@code Provisioner.up} and teardown need for one plan, derived from the requests
 * they send. Mirrors {@code dev/previewenv/rbac/previewenv-rbac.yaml}.
 */
public final class NeededPermissions {
  private NeededPermissions() {}

  /**
   * @param namespace the environment namespace
   * @param objects the plan's objects
   * @param strategy how objects are applied
   * @param secrets the secrets copied or synced in
   * @param quota whether a ResourceQuota is created
   * @param limitRange whether a LimitRange is created
   */
  public static List<Permission> forPlan(
      String namespace,
      List<HasMetadata> objects,
      ApplyStrategy strategy,
      List<SecretSpec> secrets,
      boolean quota,
      boolean limitRange) {
    Set<Permission> needed = new LinkedHashSet<>();
    for (String verb : List.of("get", "list", "watch", "create", "patch", "delete")) {
      needed.add(new Permission(verb, "", "namespaces", null));
    }
    for (String verb : List.of("get", "create", "update", "delete")) {
      needed.add(new Permission(verb, "coordination.k8s.io", "leases", namespace));
    }
    List<String> applyVerbs =
        switch (strategy) {
          case SERVER_SIDE -> List.of("create", "patch");
          case CREATE_OR_UPDATE -> List.of("create", "get", "update");
          case AUTO -> List.of("create", "patch", "get", "update");
        };
    List<String[]> kinds = new ArrayList<>();
    for (HasMetadata o : objects) {
      kinds.add(
          new String[] {
            Coordinates.group(o.getApiVersion()),
            Coordinates.resourceOf(o),
            o.getMetadata().getNamespace() == null ? null : namespace
          });
    }
    if (quota) {
      kinds.add(new String[] {"", "resourcequotas", namespace});
    }
    if (limitRange) {
      kinds.add(new String[] {"", "limitranges", namespace});
    }
    for (String[] k : kinds) {
      for (String verb : applyVerbs) {
        needed.add(new Permission(verb, k[0], k[1], k[2]));
      }
      if (k[2] != null) { // pruning lists and deletes namespaced objects that left the plan
        needed.add(new Permission("list", k[0], k[1], k[2]));
        needed.add(new Permission("delete", k[0], k[1], k[2]));
      }
    }
    for (SecretSpec spec : secrets) {
      needed.add(new Permission("get", "", "secrets", spec.sourceNamespace()));
      if (spec.strategy() == SecretSpec.Strategy.COPY) {
        for (String verb : applyVerbs) {
          needed.add(new Permission(verb, "", "secrets", namespace));
        }
      } else {
        needed.add(new Permission("patch", "", "secrets", spec.sourceNamespace()));
        needed.add(new Permission("list", "", "secrets", namespace));
        needed.add(new Permission("watch", "", "secrets", namespace));
      }
    }
    return List.copyOf(needed);
  }

  /**
   * The permissions of the features around provisioning, each only when in use.
   *
   * @param namespace the environment namespace
   * @param readiness whether up waits for readiness (watches) and writes diagnostics on failure
   * @param portForward whether services are reached through port-forward
   * @param environmentRole whether PreviewEnv binds the environment ClusterRole in the namespace
   * @param e2eJob whether an E2E Job runs in the namespace
   * @param janitor whether the janitor runs with this identity
   */
  public static List<Permission> forFeatures(
      String namespace,
      boolean readiness,
      boolean portForward,
      boolean environmentRole,
      boolean e2eJob,
      boolean janitor) {
    Set<Permission> needed = new LinkedHashSet<>();
    if (readiness) {
      for (String r : List.of("pods", "events")) {
        needed.add(new Permission("list", "", r, namespace));
        needed.add(new Permission("watch", "", r, namespace));
      }
      needed.add(new Permission("watch", "apps", "deployments", namespace));
      needed.add(new Permission("list", "apps", "replicasets", namespace));
      // diagnostics of a failing workload
      needed.add(new Permission("get", "", "pods/log", namespace));
      needed.add(new Permission("list", "", "services", namespace));
    }
    if (portForward) {
      needed.add(new Permission("get", "", "services", namespace));
      needed.add(new Permission("list", "", "pods", namespace));
      needed.add(new Permission("get", "", "pods/portforward", namespace));
      needed.add(new Permission("create", "", "pods/portforward", namespace));
    }
    if (environmentRole) {
      needed.add(new Permission("create", "rbac.authorization.k8s.io", "rolebindings", null));
    }
    if (e2eJob) {
      for (String[] r :
          List.of(
              new String[] {"", "serviceaccounts"},
              new String[] {"rbac.authorization.k8s.io", "roles"},
              new String[] {"rbac.authorization.k8s.io", "rolebindings"},
              new String[] {"batch", "jobs"})) {
        needed.add(new Permission("create", r[0], r[1], namespace));
      }
      needed.add(new Permission("watch", "batch", "jobs", namespace));
      needed.add(new Permission("delete", "batch", "jobs", namespace));
      needed.add(new Permission("list", "", "pods", namespace));
      needed.add(new Permission("watch", "", "pods", namespace));
      needed.add(new Permission("get", "", "pods/log", namespace));
    }
    if (janitor) {
      needed.add(new Permission("list", "", "namespaces", null));
      needed.add(new Permission("list", "coordination.k8s.io", "leases", null));
      needed.add(new Permission("delete", "", "namespaces", null));
    }
    return List.copyOf(needed);
  }
}
